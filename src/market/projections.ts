import { defineProjections } from '../ledger/events.js';
import type { MarketEvent } from './events.js';
import * as store from './store.js';

/** How the market's events keep its tables: days and spot prices, upserted by day. */
export const marketProjections = defineProjections<MarketEvent>({
  'market.days-imported': async (tx, event) => {
    const p = event.payload;
    await store.upsertDays(tx, p.days);
    if (p.spot.length > 0) await store.upsertSpotPrices(tx, p.spot, p.source);
  },
  'market.spot-prices-set': async (tx, event) => {
    const p = event.payload;
    await store.upsertSpotPrices(tx, p.prices, p.source);
  },
});
