/**
 * Supply's reads that decide things: the plan month by month, the chip-order recommendation, and
 * the machines the plan gives self-mining. Each loads the facts and hands them to a pure rule.
 */
import type { AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
import {
  addMonths,
  type Day,
  dayOf,
  firstDayOfMonth,
  lastDayOfMonth,
  type Month,
  monthOf,
  monthsBetween,
} from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import { parseUsd } from '../kernel/money.js';
import { marketOn } from '../market/service.js';
import { listDeliveries, listOpenTranches } from '../sales/service.js';
import type { DeliveryMade, TrancheDemand } from './allocation.js';
import { selfMiningBasisPoints } from './builds.js';
import { DEFAULT_THRESHOLDS } from './demand.js';
import { buildPlan, type Plan, selfMiningUnits } from './plan.js';
import { type AgreementSpec, type Recommendation, recommendWafers } from './recommend.js';
import type { PlanQueryInput, RecommendQueryInput } from './schemas.js';
import type { KnownAgreement, WaferOrder } from './store.js';
import * as store from './store.js';
import * as production from './store-production.js';

/** Self-mining's share when none has been set: the 10 % of production the company announced. */
export const DEFAULT_SELF_MINING_BP = 1000;
/** Ten years of months is more than any plan needs and keeps a typo from running for minutes. */
const MAX_PLAN_MONTHS = 120;

/** The setting in force in a month: the latest whose first month is not after it. */
function inForce<T extends { fromMonth: Month }>(settings: T[], month: Month): T | undefined {
  let found: T | undefined;
  for (const s of settings) if (s.fromMonth <= month) found = s;
  return found;
}

/** The tranches still to deliver: today's, or at the end of `asOf` as the order book stood then. */
async function orderBook(ctx: AppContext, asOf: Day | undefined): Promise<TrancheDemand[]> {
  return (await listOpenTranches(ctx, asOf === undefined ? {} : { asOf })).map((t) => ({
    contractId: t.contractId,
    lineId: t.lineId,
    tranche: t.tranche,
    productId: t.productId,
    dueMonth: t.month,
    units: t.unitsOpen,
    kind: t.kind,
    customer: t.customer,
    paidForShipment: t.paidForShipment,
  }));
}

/** Deliveries in the months from `from` to `to`, only those made by the end of `asOf` when given. */
async function deliveriesMade(
  ctx: AppContext,
  from: Month,
  to: Month,
  asOf: Day | undefined,
): Promise<DeliveryMade[]> {
  const made = await listDeliveries(ctx, from, to);
  return made
    .filter((d) => asOf === undefined || d.day <= asOf)
    .map((d) => ({
      contractId: d.contractId,
      lineId: d.lineId,
      tranche: d.tranche,
      productId: d.productId,
      customer: d.customer,
      dueMonth: d.dueMonth,
      month: monthOf(d.day),
      units: d.units,
    }));
}

/**
 * The wafer orders as they stood at the end of `month`: those placed by then, a later receipt or
 * cancellation not yet known (the order was still on its way).
 */
export function ordersKnownBy(orders: WaferOrder[], month: Month): WaferOrder[] {
  return orders
    .filter((o) => o.placedMonth <= month)
    .map((o) => {
      const cancelledLater = o.cancelled !== undefined && o.cancelled.month > month;
      const receivedLater = o.receivedMonth !== null && o.receivedMonth > month;
      if (!cancelledLater && !receivedLater) return o;
      const { cancelled: _, ...rest } = o;
      return { ...rest, status: 'placed' as const, receivedMonth: null, chipsReceived: null };
    });
}

/** The agreements known at the end of `month`: those signed by then (their business date). */
export function agreementsKnownBy(agreements: KnownAgreement[], month: Month): AgreementSpec[] {
  return agreements.filter((a) => a.signedMonth <= month).map(({ signedMonth: _, ...spec }) => spec);
}

/**
 * What a plan of a past day may know: the order book (open tranches, deliveries made) as it stood
 * at the end of `asOf`, and supply's own records (wafer orders, builds) as they stood at the end of
 * `knownBy`. Each left out is today's.
 */
export interface PlanKnowledge {
  asOf?: Day;
  knownBy?: Month;
}

/** The plan month by month, from what was known as `known` says (a recommendation's, a back-test's). */
export async function supplyPlan(
  ctx: AppContext,
  query: PlanQueryInput,
  known: PlanKnowledge = {},
): Promise<Plan> {
  const { asOf, knownBy } = known;
  const span = monthsBetween(query.from, query.to);
  if (span < 0) throw invalid('to', `to (${query.to}) must not be before from (${query.from}).`);
  if (span >= MAX_PLAN_MONTHS) {
    throw invalid(
      'to',
      `A plan covers at most ${MAX_PLAN_MONTHS} months; ${query.from} to ${query.to} is ${span + 1}.`,
    );
  }
  const override =
    query.selfMiningPct === undefined
      ? undefined
      : selfMiningBasisPoints(query.selfMiningPct, 'selfMiningPct');
  const [designs, partnerships, foundries, waferOrders, builds, assembly, shares, tranches, deliveries] =
    await Promise.all([
      store.selectDesigns(ctx.db),
      store.selectPartnerships(ctx.db),
      store.selectFoundries(ctx.db),
      production.selectWaferOrders(ctx.db),
      production.selectBuilds(ctx.db),
      production.selectAssemblyCapacity(ctx.db),
      production.selectSelfMiningShares(ctx.db),
      orderBook(ctx, asOf),
      deliveriesMade(ctx, query.from, query.to, asOf),
    ]);
  return buildPlan({
    from: query.from,
    to: query.to,
    designs,
    partnerships,
    foundryNames: new Map(foundries.map((f) => [f.id, f.name])),
    waferOrders: knownBy === undefined ? waferOrders : ordersKnownBy(waferOrders, knownBy),
    builds: knownBy === undefined ? builds : builds.filter((b) => b.month <= knownBy),
    assemblyCapacity: (month) => inForce(assembly, month)?.machinesPerMonth,
    tranches,
    deliveries,
    selfMiningBp: (month) => override ?? inForce(shares, month)?.shareBp ?? DEFAULT_SELF_MINING_BP,
  });
}

/** Units per model per month that the plan allocates to self-mining: what the fleet will receive. */
export async function selfMiningAllocation(
  ctx: AppContext,
  from: Month,
  to: Month,
): Promise<{ month: Month; productId: string; units: number }[]> {
  return selfMiningUnits(await supplyPlan(ctx, { from, to }));
}

async function machines(ctx: AppContext, asOf: Day | undefined) {
  return (await listProducts(ctx, { kind: 'machine', ...(asOf ? { asOf } : {}) })).filter(
    (p) => p.kind === 'machine',
  );
}

/**
 * The most efficient machine in mass production (at the end of `asOf`, or today) whose chip has a
 * design: the one the company would sell more of.
 */
export async function massProducedModel(ctx: AppContext, designs: store.Design[], asOf?: Day) {
  const designed = new Set(designs.flatMap((d) => d.models.map((m) => m.productId)));
  return (await machines(ctx, asOf))
    .filter((m) => m.stage === 'mass-production' && designed.has(m.id))
    .sort((a, b) => a.watts / a.ths - b.watts / b.ths || (a.id < b.id ? -1 : 1))[0];
}

/** The machine buyers compare against at `asOf`: the one asked for, else the mass-produced one. */
async function currentModel(
  ctx: AppContext,
  requested: string | undefined,
  designs: store.Design[],
  asOf: Day,
) {
  if (requested !== undefined) {
    const found = (await machines(ctx, asOf)).find((m) => m.id === requested);
    if (!found) throw invalid('model', `${requested} is not a mining machine in the catalog.`);
    return found;
  }
  const found = await massProducedModel(ctx, designs, asOf);
  if (!found) {
    throw ruleBroken(
      'supply.no-current-model',
      'No machine in mass production is built from a design with chips; name one with model.',
      'model',
    );
  }
  return found;
}

export async function recommendChipOrder(
  ctx: AppContext,
  query: RecommendQueryInput,
): Promise<Recommendation> {
  const day = firstDayOfMonth(query.month);
  const market = await marketOn(ctx, day);
  const btcUsd = query.btcUsd !== undefined ? parseUsd(query.btcUsd, 'btcUsd') : market?.btcUsd;
  const difficulty = query.difficulty ?? market?.difficulty;
  if (btcUsd === undefined || difficulty === undefined) {
    throw ruleBroken(
      'market.no-data',
      `There is no market data on or before ${day}; import some with \`hashforge market import\`, or give btcUsd and difficulty.`,
      btcUsd === undefined ? 'btcUsd' : 'difficulty',
    );
  }
  if (btcUsd <= 0n) throw invalid('btcUsd', 'btcUsd must be a price above 0.');
  if (!(difficulty > 0)) throw invalid('difficulty', `difficulty must be above 0, got ${difficulty}.`);
  const spotUsdPerTh =
    query.spotUsdPerTh !== undefined ? parseUsd(query.spotUsdPerTh, 'spotUsdPerTh') : market?.spotUsdPerTh;
  if (spotUsdPerTh === undefined || spotUsdPerTh <= 0n) {
    throw ruleBroken(
      'supply.no-spot-price',
      `The market has no spot price of machines (USD/TH) on or before ${day}; give spotUsdPerTh.`,
      'spotUsdPerTh',
    );
  }
  const thresholds = {
    fullDemandPaybackDays: query.fullDemandPaybackDays ?? DEFAULT_THRESHOLDS.fullDemandPaybackDays,
    noDemandPaybackDays: query.noDemandPaybackDays ?? DEFAULT_THRESHOLDS.noDemandPaybackDays,
  };
  if (
    thresholds.fullDemandPaybackDays < 0 ||
    thresholds.noDemandPaybackDays <= thresholds.fullDemandPaybackDays
  ) {
    throw invalid(
      'noDemandPaybackDays',
      `The no-demand payback (${thresholds.noDemandPaybackDays} days) must be longer than the full-demand one (${thresholds.fullDemandPaybackDays} days).`,
    );
  }
  if (!(query.powerUsdPerKwh >= 0)) {
    throw invalid('powerUsdPerKwh', `powerUsdPerKwh must be 0 or more, got ${query.powerUsdPerKwh}.`);
  }

  // The order book as it stood in the month (at its end, or today while it runs): a past month's
  // reasons are the ones that month saw, not today's book.
  const asOf = [lastDayOfMonth(query.month), dayOf(ctx.clock.now())].sort()[0]!;
  // Supply's own records too, as they stood at the end of the month: a wafer order or agreement
  // recorded later does not change a past month's recommendation.
  const knownBy = monthOf(asOf);
  const [designs, partnerships, allAgreements, allOrders, shares, tranches] = await Promise.all([
    store.selectDesigns(ctx.db),
    store.selectPartnerships(ctx.db),
    store.selectAgreementSpecs(ctx.db),
    production.selectWaferOrders(ctx.db),
    production.selectSelfMiningShares(ctx.db),
    orderBook(ctx, asOf),
  ]);
  const agreements = agreementsKnownBy(allAgreements, knownBy);
  const orders = ordersKnownBy(allOrders, knownBy);
  const model = await currentModel(ctx, query.model, designs, asOf);
  const backlog = await backlogBefore(ctx, query.month, asOf, agreements, tranches);
  const designOfPartnership = new Map(partnerships.map((p) => [p.id, p.designId]));
  const placedThisMonth = new Map<number, number>();
  for (const o of orders) {
    if (o.placedMonth === query.month)
      placedThisMonth.set(o.agreementId, (placedThisMonth.get(o.agreementId) ?? 0) + o.wafers);
  }
  return recommendWafers({
    month: query.month,
    market: {
      day: market?.day ?? day,
      btcUsd,
      difficulty,
      feesPerBlockSats: market?.feesPerBlockSats ?? 0n,
      spotUsdPerTh,
    },
    currentModel: { productId: model.id, ths: model.ths, watts: model.watts },
    powerUsdPerKwh: query.powerUsdPerKwh,
    selfMiningBp: inForce(shares, query.month)?.shareBp ?? DEFAULT_SELF_MINING_BP,
    thresholds,
    designs,
    partnerships,
    agreements,
    placedThisMonth,
    incoming: orders
      .filter((o) => o.status === 'placed' || o.status === 'out')
      .map((o) => ({
        designId: designOfPartnership.get(o.partnershipId)!,
        month: o.outMonth,
        dies: o.expectedDies,
      })),
    openTranches: tranches,
    backlog,
  });
}

/**
 * Units due up to each month before wafers ordered in `month` come out that the plan leaves open,
 * keyed `productId|month`: the tranches a new order must also catch up on.
 */
async function backlogBefore(
  ctx: AppContext,
  month: Month,
  asOf: Day,
  agreements: AgreementSpec[],
  tranches: TrancheDemand[],
): Promise<Map<string, number>> {
  const active = agreements.filter((a) => a.startMonth <= month && month <= a.endMonth);
  const longest = Math.max(0, ...active.map((a) => a.leadTimeMonths));
  const backlog = new Map<string, number>();
  if (longest === 0) {
    // Wafers out this very month: only tranches already overdue are behind.
    const before = addMonths(month, -1);
    for (const t of tranches.filter((x) => x.dueMonth <= before)) {
      const key = `${t.productId}|${before}`;
      backlog.set(key, (backlog.get(key) ?? 0) + t.units);
    }
    return backlog;
  }
  const plan = await supplyPlan(
    ctx,
    { from: month, to: addMonths(month, longest - 1) },
    { asOf, knownBy: monthOf(asOf) },
  );
  for (const m of plan.months) {
    for (const r of m.models) backlog.set(`${r.productId}|${m.month}`, r.allocation.unitsShort);
  }
  return backlog;
}
