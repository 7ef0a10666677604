/**
 * Self-mining's share of production: what supply's plan builds and allocates to self-mining each
 * month, against what was actually deployed. The plan is supply's (`supplyPlan`,
 * `selfMiningAllocation`); a deployment naming an allocation month may not take more than it gave.
 */
import type { AppContext } from '../app/context.js';
import { firstDayOfMonth, lastDayOfMonth, type Month, monthRange } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';
import { lockStreams } from '../ledger/ledger.js';
import { selfMiningAllocation, supplyPlan } from '../supply/planning.js';
import { shareOfProductionBp } from './model.js';
import * as store from './store.js';

/**
 * Refuses a deployment that would take more of a month's self-mining allocation than supply's plan
 * gave. Runs inside the deployment's transaction; the allocation's own stream serialises two
 * deployments against one month (they may be for different sites).
 */
export async function checkAllocation(
  ctx: AppContext,
  month: Month,
  productId: string,
  units: number,
): Promise<void> {
  await lockStreams(ctx.db, [`self-mining-allocation:${month}`]);
  const allocated = (await selfMiningAllocation(ctx, month, month))
    .filter((a) => a.productId === productId)
    .reduce((n, a) => n + a.units, 0);
  const deployed =
    (await store.deployedAgainstAllocation(ctx.db, month, month)).find((d) => d.productId === productId)
      ?.units ?? 0;
  if (deployed + units <= allocated) return;
  throw ruleBroken(
    'mining.beyond-allocation',
    `Supply's plan gives self-mining ${allocated} ${productId} in ${month}; ${deployed} are already deployed ` +
      `against it, so ${units} more would take ${deployed + units - allocated} beyond it.`,
    'allocationMonth',
    { month, productId, allocated, deployed, units },
  );
}

export interface AllocationRow {
  month: Month;
  productId: string;
  /** Machines built (actual where recorded, planned after), from supply's plan. */
  built: number;
  /** What the plan gives self-mining. */
  allocated: number;
  /** Units deployed naming this month's allocation. */
  deployedAgainst: number;
  /** Units shipped to a site in the month, whatever allocation they name. */
  shipped: number;
}

export interface AllocationStatus {
  from: Month;
  to: Month;
  rows: AllocationRow[];
  built: number;
  allocated: number;
  shipped: number;
  /** Shipped ÷ built, basis points; null when nothing was built. */
  shareBp: number | null;
  plannedShareBp: number | null;
}

export async function allocationStatus(ctx: AppContext, from: Month, to: Month): Promise<AllocationStatus> {
  const plan = await supplyPlan(ctx, { from, to });
  const against = await store.deployedAgainstAllocation(ctx.db, from, to);
  const shipped = await store.shippedByMonth(ctx.db, firstDayOfMonth(from), lastDayOfMonth(to));
  const rows = new Map<string, AllocationRow>();
  const row = (month: Month, productId: string): AllocationRow => {
    const key = `${month}|${productId}`;
    let r = rows.get(key);
    if (!r) {
      r = { month, productId, built: 0, allocated: 0, deployedAgainst: 0, shipped: 0 };
      rows.set(key, r);
    }
    return r;
  };
  for (const m of plan.months) {
    for (const model of m.models) {
      const r = row(m.month, model.productId);
      r.built = model.machinesBuilt;
      r.allocated = model.allocation.selfMining;
    }
  }
  for (const d of against) row(d.month, d.productId).deployedAgainst = d.units;
  for (const d of shipped) row(d.month, d.productId).shipped = d.units;
  const months = monthRange(from, to);
  const list = [...rows.values()]
    .filter((r) => months.includes(r.month))
    .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.productId < b.productId ? -1 : 1));
  const total = (f: (r: AllocationRow) => number) => list.reduce((n, r) => n + f(r), 0);
  const built = total((r) => r.built);
  return {
    from,
    to,
    rows: list,
    built,
    allocated: total((r) => r.allocated),
    shipped: total((r) => r.shipped),
    shareBp:
      shareOfProductionBp(
        total((r) => r.shipped),
        built,
      ) ?? null,
    plannedShareBp:
      shareOfProductionBp(
        total((r) => r.allocated),
        built,
      ) ?? null,
  };
}
