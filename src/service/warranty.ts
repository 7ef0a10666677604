/**
 * Warranty from the books: a policy per model and batch, and "in warranty?" answered from the
 * delivery that sold the machine and the repairs since — never typed in. Any number of serials is
 * answered with a fixed number of queries and one pass in memory.
 */
import type { Actor, AppContext } from '../app/context.js';
import { type Day, todayUtc } from '../kernel/calendar.js';
import { notFound } from '../kernel/errors.js';
import { selectBuilds } from '../supply/store-production.js';
import {
  type DeliveredRange,
  parseSerial,
  policyFor,
  type SerialLot,
  type SerialRange,
  type Warranty,
  type WarrantyPolicy,
  warrantyOn,
} from './model.js';
import { recordService } from './projections.js';
import type { PolicyInput } from './schemas.js';
import * as store from './store.js';

export async function setPolicy(ctx: AppContext, actor: Actor, input: PolicyInput, idempotencyKey?: string) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.policy-set',
      stream: `warranty:${input.productId}`,
      idempotencyKey,
      request: input,
    },
    async () => input satisfies WarrantyPolicy,
    async (_tx, e) => e.payload,
  );
}

export const listPolicies = (ctx: AppContext) => store.selectPolicies(ctx.db);

export interface SerialWarranty extends Warranty {
  serial: string;
  /** False for a serial that is not ours or was never built; the rest is then empty. */
  known: boolean;
  productId: string | null;
  batch: string | null;
  customerId: number | null;
}

/** Ranges grouped by model and month, each group in ascending order, so a serial finds its own by halving. */
function byBuild<R extends SerialRange>(ranges: readonly R[]): Map<string, R[]> {
  const m = new Map<string, R[]>();
  for (const r of ranges) {
    const k = `${r.productId}|${r.month}`;
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  for (const list of m.values()) list.sort((a, b) => a.first - b.first);
  return m;
}

/** The range holding `seq`, among ranges that do not overlap, sorted by first. */
function find<R extends SerialRange>(m: Map<string, R[]>, k: string, seq: number): R | undefined {
  const list = m.get(k);
  if (!list) return undefined;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = list[mid]!;
    if (seq < r.first) hi = mid - 1;
    else if (seq > r.last) lo = mid + 1;
    else return r;
  }
  return undefined;
}

export async function warrantyOf(
  ctx: AppContext,
  serials: readonly string[],
  on?: Day,
): Promise<SerialWarranty[]> {
  const today = on ?? todayUtc(ctx.clock.now());
  // Only the builds the serials were made in: their lots and sales, not every range ever recorded.
  const wanted = new Map<string, store.BuildKey>();
  for (const serial of serials) {
    const p = parseSerial(serial);
    if (p) wanted.set(`${p.productId}|${p.month}`, { productId: p.productId, month: p.month });
  }
  const builds = [...wanted.values()];
  const [policies, made, lots, sold, repairs] = await Promise.all([
    store.selectPolicies(ctx.db),
    selectBuilds(ctx.db, { productIds: [...new Set(builds.map((b) => b.productId))] }),
    store.selectLots(ctx.db, { builds }),
    store.selectDelivered(ctx.db, { builds }),
    store.repairsOf(ctx.db, serials),
  ]);
  const built = new Map(made.map((b) => [`${b.productId}|${b.month}`, b.units]));
  const lotsOf = byBuild<SerialLot>(lots);
  const soldOf = byBuild<DeliveredRange>(sold);
  return serials.map((serial) =>
    answer(serial, today, policies, built, lotsOf, soldOf, repairs.get(serial) ?? []),
  );
}

function answer(
  serial: string,
  today: Day,
  policies: readonly WarrantyPolicy[],
  built: Map<string, number>,
  lotsOf: Map<string, SerialLot[]>,
  soldOf: Map<string, DeliveredRange[]>,
  repairs: Day[],
): SerialWarranty {
  const parts = parseSerial(serial);
  const key = parts && `${parts.productId}|${parts.month}`;
  if (!parts || !key || parts.seq > (built.get(key) ?? 0)) {
    return {
      serial,
      known: false,
      productId: null,
      batch: null,
      customerId: null,
      inWarranty: false,
      until: null,
      basis: 'none',
      deadOnArrival: false,
    };
  }
  const batch = find(lotsOf, key, parts.seq)?.batch ?? parts.month;
  const sale = find(soldOf, key, parts.seq);
  const w = warrantyOn(
    { policy: policyFor(policies, parts.productId, batch), delivery: sale, repairsShippedOn: repairs },
    today,
  );
  return {
    serial,
    known: true,
    productId: parts.productId,
    batch,
    customerId: sale?.customerId ?? null,
    ...w,
  };
}

/** One serial's warranty; an unknown serial is a 404 naming the field. */
export async function warrantyOfOne(ctx: AppContext, serial: string, on?: Day): Promise<SerialWarranty> {
  const [w] = await warrantyOf(ctx, [serial], on);
  if (!w?.known) throw notFound('Machine serial', serial, 'serial');
  return w;
}
