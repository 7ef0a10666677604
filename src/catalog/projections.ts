import { dayOf } from '../kernel/calendar.js';
import { defineProjections, recorder } from '../ledger/events.js';
import type { CatalogEvent } from './events.js';
import { insertStageChange, upsertProduct } from './store.js';

export const recordCatalog = recorder<CatalogEvent>();

/**
 * Both events carry the whole product as it stands afterwards, so a replay needs nothing else. A
 * product's first stage holds from the start; a later one from the day the change names, or
 * (before changes named one) the day it was recorded.
 */
export const catalogProjections = defineProjections<CatalogEvent>({
  'catalog.product-added': async (tx, event) => {
    const p = event.payload;
    await upsertProduct(tx, p, event.recordedAt);
    await insertStageChange(tx, { eventId: event.id, productId: p.id, stage: p.stage, effectiveOn: null });
  },
  'catalog.product-updated': async (tx, event) => {
    const { changes, product } = event.payload;
    await upsertProduct(tx, product, event.recordedAt);
    if (changes.stage === undefined) return;
    await insertStageChange(tx, {
      eventId: event.id,
      productId: product.id,
      stage: changes.stage,
      effectiveOn: changes.stageFrom ?? dayOf(event.recordedAt),
    });
  },
});
