/** The quarter's self-mining figures for the report, each naming the API path that lists its records. */
import type { AppContext } from '../app/context.js';
import type { Sats } from '../kernel/bitcoin.js';
import {
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterMonths,
  quarterOf,
  todayUtc,
} from '../kernel/calendar.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import type { Cents } from '../kernel/money.js';
import { allocationStatus } from './allocation.js';
import { earningsByMonth } from './earnings.js';
import { measuredDaySpan } from './fleet-link.js';
import { hashrateByDay } from './hashrate.js';
import { costPerBtcCents, luck, type TargetProgress, type TargetStanding } from './model.js';
import { deployedDaySpan } from './store.js';
import { miningStatus } from './targets.js';

/** A figure and where its records are listed (a route of this API). */
export interface Sourced<T> {
  value: T;
  source: string;
}

export interface MiningQuarter {
  quarter: Quarter;
  end: Day;
  /** Nameplate PH/s installed at the end of the quarter. */
  installedPh: Sourced<number>;
  /**
   * Mean PH/s the fleet measured on the quarter's last day (the current quarter: what its latest
   * polls add up to, as the status has it); null when it measured nothing.
   */
  measuredPh: Sourced<number | null>;
  /** Each site present at the quarter's end: installed beside measured, as the total. */
  sites: Sourced<{ site: string; status: string; installedPh: number; measuredPh: number | null }[]>;
  btcMinedSats: Sourced<Sats>;
  expectedSats: Sourced<Sats>;
  luck: Sourced<number | null>;
  energyCents: Sourced<Cents>;
  costPerBtcCents: Sourced<Cents | null>;
  shareOfProduction: Sourced<{
    builtUnits: number;
    allocatedUnits: number;
    shippedUnits: number;
    shareBp: number | null;
    plannedShareBp: number | null;
  }>;
  target: Sourced<{
    byDay: Day;
    lowPh: number;
    highPh: number;
    shareBp: number;
    standing: TargetStanding;
    /** Progress towards the low end (1 = reached), on measured hashrate when there is some. */
    ofLow: number;
    /** Once the by-day is behind the quarter's end: whether it was met, on that day's hashrate. */
    outcome: TargetProgress['outcome'];
  } | null>;
}

export async function miningQuarter(ctx: AppContext, quarter: Quarter): Promise<MiningQuarter> {
  const [m1, , m3] = quarterMonths(quarter);
  const from = firstDayOfQuarter(quarter);
  const end = lastDayOfQuarter(quarter);
  const [day] = await hashrateByDay(ctx, { from: end, to: end });
  const months = await earningsByMonth(ctx, { from: m1, to: m3 });
  const sum = (f: (m: (typeof months)[number]) => bigint) => months.reduce((s, m) => s + f(m), 0n);
  const mined = sum((m) => m.actualSats);
  const expected = sum((m) => m.expectedSats);
  const energy = sum((m) => m.energyCents);
  const share = await allocationStatus(ctx, m1, m3);
  // The status reads the same day's hashrate: handed down rather than read again.
  const status = await miningStatus(ctx, end, { hashrate: day! });
  const earnings = `/api/mining/earnings?from=${m1}&to=${m3}`;
  const t = status.target;
  return {
    quarter,
    end,
    installedPh: { value: day!.installedPh, source: `/api/mining/hashrate?from=${end}&to=${end}` },
    // The status's figure: on a day not yet over it reads the latest polls, which a day's mean lacks.
    measuredPh: { value: status.measuredPh, source: `/api/mining/status?on=${end}` },
    sites: {
      value: status.sites.map((s) => ({
        site: s.site,
        status: s.status,
        installedPh: s.installedThs / TH_PER_PH,
        measuredPh: s.measuredThs === null ? null : s.measuredThs / TH_PER_PH,
      })),
      source: `/api/mining/status?on=${end}`,
    },
    btcMinedSats: { value: mined, source: `/api/treasury/movements?source=payout&from=${from}&to=${end}` },
    expectedSats: { value: expected, source: earnings },
    luck: { value: luck(mined, expected) ?? null, source: earnings },
    energyCents: { value: energy, source: earnings },
    costPerBtcCents: { value: costPerBtcCents(energy, mined) ?? null, source: earnings },
    shareOfProduction: {
      value: {
        builtUnits: share.built,
        allocatedUnits: share.allocated,
        shippedUnits: share.shipped,
        shareBp: share.shareBp,
        plannedShareBp: share.plannedShareBp,
      },
      source: `/api/mining/allocation?from=${m1}&to=${m3}`,
    },
    target: {
      value: t
        ? {
            byDay: t.byDay,
            lowPh: t.lowThs / TH_PER_PH,
            highPh: t.highThs / TH_PER_PH,
            shareBp: t.shareBp,
            standing: t.progress.standing,
            ofLow: t.progress.ofLow,
            outcome: t.progress.outcome,
          }
        : null,
      source: `/api/mining/status?on=${end}`,
    },
  };
}

/** The quarters self-mining has figures in, and the day its telemetry last measured anything. */
export interface MiningQuarters {
  /** The first quarter a machine was shipped or measured in; null before either. */
  first: Quarter | null;
  /** The latest quarter with a shipment, an installation or a measurement; null before any. */
  last: Quarter | null;
  lastMeasuredOn: Day | null;
  /** Today's quarter, by the server's clock: the one whose figures read the fleet's latest polls. */
  current: Quarter;
}

export async function miningQuarters(ctx: AppContext): Promise<MiningQuarters> {
  const [deployed, measured] = await Promise.all([deployedDaySpan(ctx.db), measuredDaySpan(ctx.db)]);
  const days = [deployed, measured].filter((s) => s !== null);
  const first = days.map((s) => s.first).sort()[0];
  const last = days
    .map((s) => s.last)
    .sort()
    .at(-1);
  return {
    first: first ? quarterOf(first) : null,
    last: last ? quarterOf(last) : null,
    lastMeasuredOn: measured?.last ?? null,
    current: quarterOf(todayUtc(ctx.clock.now())),
  };
}
