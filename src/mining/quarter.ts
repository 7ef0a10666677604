/** The quarter's self-mining figures for the report, each naming the API path that lists its records. */
import type { AppContext } from '../app/context.js';
import type { Sats } from '../kernel/bitcoin.js';
import {
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterMonths,
} from '../kernel/calendar.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import type { Cents } from '../kernel/money.js';
import { allocationStatus } from './allocation.js';
import { earningsByMonth } from './earnings.js';
import { hashrateByDay } from './hashrate.js';
import { costPerBtcCents, luck, type TargetStanding } from './model.js';
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
  /** Mean PH/s the fleet measured on the quarter's last day; null when it measured nothing. */
  measuredPh: Sourced<number | null>;
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
    measuredPh: { value: day!.measuredPh, source: `/api/mining/hashrate?from=${end}&to=${end}` },
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
          }
        : null,
      source: `/api/mining/status?on=${end}`,
    },
  };
}
