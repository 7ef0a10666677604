/** The market module's ledger events, by kind. Pure. */
import type { Day } from '../kernel/calendar.js';
import type { EventOf } from '../ledger/events.js';
import type { MarketDay } from './model.js';

/** The spot USD/TH of new machines on a day. */
export interface SpotPrice {
  day: Day;
  usdPerTh: bigint;
}

export type MarketEvent =
  | EventOf<'market.days-imported', { days: MarketDay[]; spot: SpotPrice[]; source: string }>
  | EventOf<'market.spot-prices-set', { prices: SpotPrice[]; source: string }>;
