import type { Projections } from '../ledger/ledger.js';
import type { Product } from './model.js';
import { upsertProduct } from './store.js';

/** Both events carry the whole product as it stands afterwards, so a replay needs nothing else. */
export const catalogProjections: Projections = {
  'catalog.product-added': async (tx, event) => upsertProduct(tx, event.payload as Product, event.recordedAt),
  'catalog.product-updated': async (tx, event) =>
    upsertProduct(tx, (event.payload as { product: Product }).product, event.recordedAt),
};
