/** What the hashrate was expected to earn, what the pools paid, luck, and the cost of each BTC. */
import type { AppContext } from '../app/context.js';
import type { Sats } from '../kernel/bitcoin.js';
import {
  addDays,
  type Day,
  firstDayOfMonth,
  lastDayOfMonth,
  type Month,
  monthOf,
  monthsBetween,
} from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { expectedSatsForHashrate, type MarketDay } from '../market/model.js';
import { marketOn, marketRange } from '../market/service.js';
import { payoutSatsByDay } from '../treasury/service.js';
import { energyByDay } from './costs.js';
import { checkRange, earlierDay, type HashrateDay, hashrateByDay, MAX_SERIES_DAYS } from './hashrate.js';
import { costPerBtcCents, luck } from './model.js';

export type HashrateBasis = 'measured' | 'installed' | 'mixed' | 'none';

export interface DayExpectation {
  day: Day;
  /** The TH/s the expectation rests on: measured where the fleet measured a site, else installed. */
  ths: number;
  basis: HashrateBasis;
  /** The market day in force (the latest recorded on or before the day); null before any market data. */
  marketDay: Day | null;
  expectedSats: Sats | null;
  actualSats: Sats;
}

/** The market in force on each day of a range: recorded days, carried forward over days without one. */
async function marketByDay(
  ctx: AppContext,
  from: Day,
  to: Day,
): Promise<(day: Day) => MarketDay | undefined> {
  const recorded = await marketRange(ctx, from, to);
  const before = await marketOn(ctx, addDays(from, -1));
  return (day) => {
    let found = before;
    for (const m of recorded) {
      if (m.day > day) break;
      found = m;
    }
    return found;
  };
}

/** `hashrate`: the range's hashrate when the caller has read it already (earningsByMonth). */
export async function expectedByDay(
  ctx: AppContext,
  q: { from: Day; to: Day },
  hashrate?: HashrateDay[],
): Promise<DayExpectation[]> {
  checkRange(q.from, q.to);
  const [days, payouts, market] = await Promise.all([
    hashrate ?? hashrateByDay(ctx, q),
    payoutSatsByDay(ctx, q.from, q.to),
    marketByDay(ctx, q.from, q.to),
  ]);
  return days.map((d) => {
    const m = market(d.day);
    let ths = 0;
    let expected = 0n;
    let measuredSites = 0;
    let installedSites = 0;
    for (const s of d.sites) {
      const siteThs = s.measuredThs ?? s.installedThs;
      if (siteThs <= 0) continue;
      if (s.measuredThs !== null) measuredSites++;
      else installedSites++;
      ths += siteThs;
      if (m) {
        expected += expectedSatsForHashrate({
          ths: siteThs,
          days: 1,
          day: d.day,
          difficulty: m.difficulty,
          feesPerBlockSats: m.feesPerBlockSats,
        });
      }
    }
    const basis: HashrateBasis =
      measuredSites + installedSites === 0
        ? 'none'
        : installedSites === 0
          ? 'measured'
          : measuredSites === 0
            ? 'installed'
            : 'mixed';
    return {
      day: d.day,
      ths,
      basis,
      marketDay: m?.day ?? null,
      expectedSats: m ? expected : null,
      actualSats: payouts.get(d.day) ?? 0n,
    };
  });
}

export interface MonthEarnings {
  month: Month;
  expectedSats: Sats;
  actualSats: Sats;
  /** actual ÷ expected; null when nothing was expected. */
  luck: number | null;
  energyCents: Cents;
  /** Energy ÷ BTC mined; null when nothing was mined. */
  costPerBtcCents: Cents | null;
  /**
   * Days whose expectation rests on measured hashrate, on installed only, on both (measured sites
   * beside installed ones), on none (nothing installed or measured: before the first machine); these
   * four add up to the month's days. Then days without market data; and days with none of their
   * own, expected on the latest market day before them (`marketDay`).
   */
  days: {
    measured: number;
    installed: number;
    mixed: number;
    none: number;
    noMarket: number;
    carriedMarket: number;
  };
  /**
   * The latest market day the month's expectation rests on; with `days.carriedMarket` it tells a
   * reader that a month past the market history was expected on a price and difficulty of long ago.
   */
  marketDay: Day | null;
}

export const MAX_MONTHS = 36;

/** Month by month: expected and actual BTC, luck, energy and the cost of each BTC mined. */
export async function earningsByMonth(
  ctx: AppContext,
  q: { from: Month; to: Month },
): Promise<MonthEarnings[]> {
  const span = monthsBetween(q.from, q.to);
  if (span < 0) throw invalid('from', `from (${q.from}) must not be after to (${q.to}).`);
  if (span >= MAX_MONTHS) throw invalid('to', `At most ${MAX_MONTHS} months at a time.`);
  const months = new Map<Month, MonthEarnings>();
  const monthOfDay = (day: Day): MonthEarnings => {
    const month = monthOf(day);
    let m = months.get(month);
    if (!m) {
      m = {
        month,
        expectedSats: 0n,
        actualSats: 0n,
        luck: null,
        energyCents: 0n,
        costPerBtcCents: null,
        days: { measured: 0, installed: 0, mixed: 0, none: 0, noMarket: 0, carriedMarket: 0 },
        marketDay: null,
      };
      months.set(month, m);
    }
    return m;
  };
  const end = lastDayOfMonth(q.to);
  for (let start = firstDayOfMonth(q.from); start <= end; start = addDays(start, MAX_SERIES_DAYS)) {
    const to = earlierDay(addDays(start, MAX_SERIES_DAYS - 1), end);
    // The hashrate is read once for the expectations and the energy both.
    const hashrate = await hashrateByDay(ctx, { from: start, to });
    for (const d of await expectedByDay(ctx, { from: start, to }, hashrate)) {
      const m = monthOfDay(d.day);
      m.actualSats += d.actualSats;
      if (d.expectedSats === null) m.days.noMarket++;
      else m.expectedSats += d.expectedSats;
      if (d.marketDay !== null) {
        if (d.marketDay !== d.day) m.days.carriedMarket++;
        if (m.marketDay === null || d.marketDay > m.marketDay) m.marketDay = d.marketDay;
      }
      // Every day is counted, those without hashrate too: left out, a month whose first machine came
      // on the 5th read "0/27" days measured/installed, short of its 31.
      m.days[d.basis]++;
    }
    for (const e of await energyByDay(ctx, { from: start, to }, hashrate))
      monthOfDay(e.day).energyCents += e.energyCents;
  }
  return [...months.values()].map((m) => ({
    ...m,
    luck: luck(m.actualSats, m.expectedSats) ?? null,
    costPerBtcCents: costPerBtcCents(m.energyCents, m.actualSats) ?? null,
  }));
}
