/**
 * The self-mining machines' depreciation and what a BTC mined cost with it: the machines installed
 * (mining's running totals) at their build cost (supply), each day over the life the policy in force
 * that day states (machine-life.ts; a change of life is prospective).
 */
import type { AppContext } from '../app/context.js';
import { addDays, firstDayOfQuarter, quarterOf } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { fleetDays } from '../mining/store.js';
import { listBuilds } from '../supply/service.js';
import {
  type CostedBuild,
  type CostPerBtc,
  costPerBtc,
  type Depreciation,
  depreciate,
  type InstalledCohort,
  lifeSchedule,
} from './depreciation-model.js';
import { machineLifeOn } from './machine-life.js';
import { checkWithinBooks, energyBetween } from './operating.js';
import type { DepreciationQueryInput } from './schemas.js';
import * as store from './store.js';

export interface FleetDepreciation extends Depreciation {
  /** Over the same days: BTC mined, energy, depreciation, and the cost per BTC with and without it. */
  costPerBtc: CostPerBtc;
  source: { machines: string; builds: string; mined: string; energy: string; life: string };
}

/**
 * Depreciation charged from `from` (default: the first day of the quarter of `on`) to `on`, and
 * accumulated by the end of `on`; and the cost per BTC mined over those days.
 */
export async function fleetDepreciation(
  ctx: AppContext,
  q: DepreciationQueryInput,
): Promise<FleetDepreciation> {
  const on = q.on;
  const from = q.from ?? firstDayOfQuarter(quarterOf(on));
  if (from > on) throw invalid('from', `from (${from}) must not be after on (${on}).`);
  checkWithinBooks(ctx, on, 'on');
  const [changes, builds, minedTo, minedBefore, energyCents, life] = await Promise.all([
    fleetDays(ctx.db, { to: on }),
    listBuilds(ctx),
    store.minedUpTo(ctx.db, on),
    store.minedUpTo(ctx.db, addDays(from, -1)),
    energyBetween(ctx, from, on),
    machineLifeOn(ctx, on),
  ]);
  const cohorts: InstalledCohort[] = changes
    .filter((c) => c.installed > 0)
    .map((c) => ({ productId: c.productId, day: c.day, machines: c.installed }));
  const costed: CostedBuild[] = builds.flatMap((b) =>
    b.unitCostCents === undefined ? [] : [{ ...b, unitCostCents: b.unitCostCents }],
  );
  const lives = lifeSchedule(life.defaultMonths, life.settings);
  const d = depreciate({ cohorts, builds: costed, lives, from, on });
  return {
    ...d,
    costPerBtc: costPerBtc(energyCents, d.periodCents, minedTo.sats - minedBefore.sats),
    source: {
      machines: `/api/mining/machines?on=${on}`,
      builds: '/api/supply/builds',
      mined: `/api/treasury/movements?source=payout&from=${from}&to=${on}`,
      energy: `/api/mining/energy?from=${from}&to=${on}`,
      life: `/api/treasury/machine-life?on=${on}`,
    },
  };
}
