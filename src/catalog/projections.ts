import { defineProjections, recorder } from '../ledger/events.js';
import type { CatalogEvent } from './events.js';
import { upsertProduct } from './store.js';

export const recordCatalog = recorder<CatalogEvent>();

/** Both events carry the whole product as it stands afterwards, so a replay needs nothing else. */
export const catalogProjections = defineProjections<CatalogEvent>({
  'catalog.product-added': async (tx, event) => upsertProduct(tx, event.payload, event.recordedAt),
  'catalog.product-updated': async (tx, event) => upsertProduct(tx, event.payload.product, event.recordedAt),
});
