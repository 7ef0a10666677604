/**
 * Supply on a scenario's as-of day, in TH/s of the machine the company sells most of: what the
 * supply plan builds each month from the wafers ordered by then, the stock, the agreements'
 * capacity and take-or-pay minimums, and the chip-order rule's settings. The engine orders wafers on
 * each path by supply's own rule (`orderShareOf`) from these.
 */
import type { AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
import { addMonths, type Day, type Month, monthOf } from '../kernel/calendar.js';
import { DEFAULT_POWER_USD_PER_KWH, DEFAULT_THRESHOLDS } from '../supply/demand.js';
import { agreementsKnownBy, massProducedModel, supplyPlan } from '../supply/planning.js';
import type { AgreementSpec } from '../supply/recommend.js';
import { selectAgreementSpecs, selectDesigns, selectPartnerships } from '../supply/store.js';
import { selectBuilds } from '../supply/store-production.js';
import { BASIS_POINTS, yieldInMonth } from '../supply/yield.js';
import { unitCostAt } from '../treasury/depreciation-model.js';
import type { SupplyStart } from './company.js';

const HOURS_PER_DAY = 24;
const W_PER_KW = 1000;

export interface SupplyBasis {
  supply: SupplyStart;
  /** The sold machine's build cost per TH/s from its costed builds up to the as-of month, if any. */
  builtCostPerThUsd: number | undefined;
  modelId: string | undefined;
}

const none = (months: readonly Month[]): SupplyStart => ({
  plannedTh: months.map(() => 0),
  stockTh: 0,
  capacityTh: months.map(() => 0),
  takeOrPayTh: months.map(() => 0),
  thPerWafer: 0,
  waferLeadMonths: 0,
  selfMiningBp: 0,
  powerUsdPerThDay: 0,
  thresholds: DEFAULT_THRESHOLDS,
});

const inForce = (a: AgreementSpec, month: Month) => a.startMonth <= month && month <= a.endMonth;

/**
 * Supply as it stood on `asOf`: the agreements signed by its month (one signed later adds no
 * capacity to a past start), the machine in mass production that day, the plan from supply's
 * records known by then.
 */
export async function supplyAt(ctx: AppContext, asOf: Day, months: readonly Month[]): Promise<SupplyBasis> {
  const asOfMonth = monthOf(asOf);
  const [designs, partnerships, allAgreements, builds] = await Promise.all([
    selectDesigns(ctx.db),
    selectPartnerships(ctx.db),
    selectAgreementSpecs(ctx.db),
    selectBuilds(ctx.db),
  ]);
  const agreements = agreementsKnownBy(allAgreements, asOfMonth);
  const model = await massProducedModel(ctx, designs, asOf);
  const design = model && designs.find((d) => d.models.some((m) => m.productId === model.id));
  if (!model || !design) return { supply: none(months), builtCostPerThUsd: undefined, modelId: undefined };

  // Without `asOf` the plan allocates today's order book, but only what the book does not move is
  // read from it: the machines built (chips and builds known by the month) and the first month's
  // stock (none carried in). The book as it stood on a day is a replay of the sales events, about
  // 150-230 ms of CPU on the demo for nothing (report.test.ts: a past quarter's outlook).
  const plan = await supplyPlan(ctx, { from: months[0]!, to: months.at(-1)! }, { knownBy: asOfMonth });
  const ths = new Map(
    (await listProducts(ctx, { kind: 'machine' })).map((p) => [p.id, p.kind === 'machine' ? p.ths : 0]),
  );
  const thOfUnits = (rows: { productId: string; units: number }[]) =>
    rows.reduce((s, r) => s + r.units * (ths.get(r.productId) ?? 0), 0);
  const plannedTh = plan.months.map((pm) =>
    thOfUnits(pm.models.map((r) => ({ productId: r.productId, units: r.machinesBuilt }))),
  );
  const stockTh = thOfUnits(
    (plan.months[0]?.models ?? []).map((r) => ({ productId: r.productId, units: r.allocation.stockStart })),
  );

  // The design's foundries and the yield they give, read once at the as-of month's orders.
  const own = partnerships.filter((p) => p.designId === design.id);
  const makers = agreements.filter((a) => own.some((p) => p.foundryId === a.foundryId));
  const waferLeadMonths = Math.max(0, ...makers.map((a) => a.leadTimeMonths));
  const out = addMonths(asOfMonth, 1 + waferLeadMonths);
  const bestYieldBp = Math.max(
    0,
    ...own.map((p) => (out < p.startMonth ? 0 : yieldInMonth(p.curve, p.startMonth, out))),
  );
  const chipsPerMachine = design.models.find((m) => m.productId === model.id)!.chipsPerMachine;
  const thPerWafer = ((design.diesPerWafer * bestYieldBp) / BASIS_POINTS / chipsPerMachine) * model.ths;

  const unitCost = unitCostAt(
    builds.flatMap((b) => (b.unitCostCents === undefined ? [] : [{ ...b, unitCostCents: b.unitCostCents }])),
    model.id,
    asOfMonth,
  );
  return {
    supply: {
      plannedTh,
      stockTh,
      capacityTh: months.map((m) =>
        makers.filter((a) => inForce(a, m)).reduce((s, a) => s + a.wafersPerMonth * thPerWafer, 0),
      ),
      takeOrPayTh: months.map((m) =>
        makers.filter((a) => inForce(a, m)).reduce((s, a) => s + a.takeOrPayWafers * thPerWafer, 0),
      ),
      thPerWafer,
      waferLeadMonths,
      selfMiningBp: Math.round((plan.months[0]?.selfMiningPct ?? 0) * 100),
      powerUsdPerThDay: ((model.watts / model.ths) * HOURS_PER_DAY * DEFAULT_POWER_USD_PER_KWH) / W_PER_KW,
      thresholds: DEFAULT_THRESHOLDS,
    },
    builtCostPerThUsd: unitCost === undefined ? undefined : Number(unitCost) / 100 / model.ths,
    modelId: model.id,
  };
}
