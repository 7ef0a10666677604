/**
 * The supply plan: wafer lots → chips → machines → where they go, month by month, and for each
 * tranche that will be late, how many units short and why. Pure: the service loads, this computes.
 */
import { type Month, monthsBetween } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import {
  type AllocationResult,
  allocateOutput,
  type DeliveryMade,
  type ProductMonthAllocation,
  type TrancheAllocation,
  type TrancheDemand,
  type TrancheOutcome,
} from './allocation.js';
import { explainLate, situationOf } from './late.js';
import {
  buildKey,
  type ChipArrival,
  type DesignMonth,
  type DesignSpec,
  type ModelMonth,
  planOutput,
} from './output.js';
import { basisPointsToPercent, goodDies, type PartnershipSpec, yieldInMonth } from './yield.js';

export const WAFER_ORDER_STATUSES = ['placed', 'out', 'received', 'cancelled'] as const;
export type WaferOrderStatus = (typeof WAFER_ORDER_STATUSES)[number];

export interface WaferOrderSpec {
  id: number;
  partnershipId: number;
  wafers: number;
  placedMonth: Month;
  /** When the wafers come out: placed + lead time, or the month they were reported out. */
  outMonth: Month;
  status: WaferOrderStatus;
  receivedMonth: Month | null;
  chipsReceived: number | null;
}

export interface BuildRecord {
  productId: string;
  month: Month;
  units: number;
  /** What one machine of this build cost to make, when recorded: the treasury depreciates deployed machines at it. */
  unitCostCents?: Cents;
}

export interface PlanInput {
  from: Month;
  to: Month;
  designs: DesignSpec[];
  partnerships: PartnershipSpec[];
  foundryNames: ReadonlyMap<string, string>;
  waferOrders: WaferOrderSpec[];
  builds: BuildRecord[];
  /** Assembly capacity in force per month (the latest setting at or before it); undefined = not limited. */
  assemblyCapacity: (month: Month) => number | undefined;
  tranches: TrancheDemand[];
  /** Deliveries the books record in the plan's months. */
  deliveries: DeliveryMade[];
  /** Self-mining's target share of production capacity in force in a month, basis points. */
  selfMiningBp: (month: Month) => number;
}

export interface PlanLot {
  orderId: number;
  foundryId: string;
  foundryName: string;
  wafers: number;
  yieldPct: number;
  expectedDies: number;
  receivedDies: number | null;
  source: 'received' | 'expected';
}

export interface PlanModelRow {
  productId: string;
  design: {
    id: string;
    name: string;
    wafersOut: number;
    lots: PlanLot[];
    yieldInForce: { foundryId: string; foundryName: string; yieldPct: number; monthOfRamp: number }[];
    goodDies: number;
    chipsCarriedIn: number;
    chipsCarriedOut: number;
  };
  sharePct: number;
  chipsPerMachine: number;
  chips: number;
  machinesBuildable: number;
  limitedBy: 'chips' | 'assembly';
  machinesBuilt: number;
  source: 'actual' | 'planned';
  allocation: {
    stockStart: number;
    unitsDue: number;
    tranches: TrancheAllocation[];
    fromBeforePlan: number;
    selfMiningTarget: number;
    selfMining: number;
    selfMiningNote: string | null;
    toStock: number;
    stockEnd: number;
    unitsShort: number;
  };
}

export interface PlanMonth {
  month: Month;
  assemblyCapacity: number | null;
  selfMiningPct: number;
  models: PlanModelRow[];
}

export interface LateTranche extends TrancheOutcome {
  monthsLate: number | null;
  why: string;
}

export interface Plan {
  from: Month;
  to: Month;
  months: PlanMonth[];
  lateTranches: LateTranche[];
  totals: {
    machinesBuilt: number;
    /** Delivered in the plan's months from machines made before it: built + this = where they went. */
    fromBeforePlan: number;
    toTranches: number;
    selfMining: number;
    stockEnd: number;
    unitsShort: number;
  };
  assumptions: string[];
}

/** Where an order's chips count: received chips in the month they arrived, else expected ones when due out. */
export function chipArrivals(
  input: Pick<PlanInput, 'designs' | 'partnerships' | 'foundryNames' | 'waferOrders'>,
): ChipArrival[] {
  const designs = new Map(input.designs.map((d) => [d.id, d]));
  const partnerships = new Map(input.partnerships.map((p) => [p.id, p]));
  // A cancelled order never comes out of the fab: it brings no chips.
  return input.waferOrders.flatMap((o) => {
    if (o.status === 'cancelled') return [];
    const p = partnerships.get(o.partnershipId)!;
    const design = designs.get(p.designId)!;
    const yieldBp = yieldInMonth(p.curve, p.startMonth, o.outMonth);
    const expectedDies = goodDies(o.wafers, design.diesPerWafer, yieldBp);
    const received = o.status === 'received';
    return {
      orderId: o.id,
      designId: design.id,
      foundryId: p.foundryId,
      foundryName: input.foundryNames.get(p.foundryId) ?? p.foundryId,
      month: received ? o.receivedMonth! : o.outMonth,
      wafers: o.wafers,
      yieldBp,
      partnershipAge: monthsBetween(p.startMonth, o.outMonth),
      expectedDies,
      dies: received ? o.chipsReceived! : expectedDies,
      source: received ? 'received' : 'expected',
    } satisfies ChipArrival;
  });
}

function earliest(months: Month[]): Month | undefined {
  return months.reduce<Month | undefined>((a, b) => (a === undefined || b < a ? b : a), undefined);
}

export function buildPlan(input: PlanInput): Plan {
  const arrivals = chipArrivals(input);
  const designs = new Map(input.designs.map((d) => [d.id, d]));
  // Chips that arrived before the window are carried into it, so the simulation starts at the first of them.
  const simFrom = earliest([
    input.from,
    ...arrivals.map((a) => a.month),
    ...input.builds.map((b) => b.month),
  ])!;
  const actualBuilds = new Map<string, number>();
  for (const b of input.builds) {
    const key = buildKey(b.productId, b.month);
    actualBuilds.set(key, (actualBuilds.get(key) ?? 0) + b.units);
  }
  const output = planOutput({
    from: simFrom,
    to: input.to,
    designs: input.designs,
    arrivals,
    actualBuilds,
    planFrom: input.from,
    assemblyCapacity: input.assemblyCapacity,
  }).filter((m) => m.month >= input.from);

  const outputByMonth = new Map(output.map((m) => [m.month, m]));
  const designedProducts = new Set(input.designs.flatMap((d) => d.models.map((m) => m.productId)));
  const allocation = allocateOutput({
    months: output.map((m) => m.month),
    supply: (month) =>
      outputByMonth
        .get(month)!
        .models.map((m) => ({ productId: m.productId, built: m.built, capacity: m.buildable })),
    tranches: input.tranches,
    // Only what a design makes: the plan builds machines, not the AI chips sold from elsewhere.
    deliveries: input.deliveries.filter((d) => designedProducts.has(d.productId)),
    selfMiningBp: input.selfMiningBp,
  });
  const allocationIndex = new Map<string, ProductMonthAllocation>();
  for (const m of allocation.months)
    for (const p of m.products) allocationIndex.set(`${p.productId}|${m.month}`, p);

  const partnershipsByDesign = new Map<string, PartnershipSpec[]>();
  for (const p of input.partnerships) {
    partnershipsByDesign.set(p.designId, [...(partnershipsByDesign.get(p.designId) ?? []), p]);
  }

  const months: PlanMonth[] = output.map((om) => {
    const designMonths = new Map(om.designs.map((d) => [d.designId, d]));
    return {
      month: om.month,
      assemblyCapacity: om.assemblyCapacity ?? null,
      selfMiningPct: basisPointsToPercent(input.selfMiningBp(om.month)),
      models: om.models.map((mm) =>
        modelRow(
          mm,
          designs.get(mm.designId)!,
          designMonths.get(mm.designId)!,
          partnershipsByDesign.get(mm.designId) ?? [],
          input.foundryNames,
          allocationIndex.get(`${mm.productId}|${om.month}`),
        ),
      ),
    };
  });

  const situation = situationOf(outputByMonth, allocationIndex, designs);
  const lateTranches = allocation.late.map((t) => explainLate(t, input, situation));
  const lastMonth = allocation.months[allocation.months.length - 1];
  return {
    from: input.from,
    to: input.to,
    months,
    lateTranches,
    totals: totals(allocation, lastMonth?.products ?? []),
    assumptions: [
      `Machines are allocated from ${input.from} with no stock carried in: the order book's open units are net of earlier deliveries. ` +
        `Before ${input.from} only recorded builds use chips; the rest are carried in.`,
      "Deliveries the books record go where they went, before any rule: from stock, then from the month's builds, else from machines made before the plan.",
      'Recorded builds are actual up to the last month a design has one; later months are planned from chips and assembly capacity.',
      "Self-mining's target is a share of each month's production capacity (selfMiningPct) and yields to contract tranches due.",
      'Tranches are served earliest due first, then by contract, line and tranche number; stock serves them before new machines.',
    ],
  };
}

function totals(allocation: AllocationResult, last: ProductMonthAllocation[]): Plan['totals'] {
  let machinesBuilt = 0;
  let fromBeforePlan = 0;
  let toTranches = 0;
  let selfMining = 0;
  for (const m of allocation.months) {
    for (const p of m.products) {
      machinesBuilt += p.built;
      fromBeforePlan += p.fromBeforePlan;
      toTranches += p.unitsToTranches;
      selfMining += p.selfMining;
    }
  }
  return {
    machinesBuilt,
    fromBeforePlan,
    toTranches,
    selfMining,
    stockEnd: last.reduce((s, p) => s + p.stockEnd, 0),
    unitsShort: last.reduce((s, p) => s + p.unitsShort, 0),
  };
}

function modelRow(
  mm: ModelMonth,
  design: DesignSpec,
  dm: DesignMonth,
  partnerships: PartnershipSpec[],
  foundryNames: ReadonlyMap<string, string>,
  alloc: ProductMonthAllocation | undefined,
): PlanModelRow {
  const spec = design.models.find((m) => m.productId === mm.productId)!;
  return {
    productId: mm.productId,
    design: {
      id: design.id,
      name: design.name,
      wafersOut: dm.wafersOut,
      lots: dm.lots.map((l) => ({
        orderId: l.orderId,
        foundryId: l.foundryId,
        foundryName: l.foundryName,
        wafers: l.wafers,
        yieldPct: basisPointsToPercent(l.yieldBp),
        expectedDies: l.expectedDies,
        receivedDies: l.source === 'received' ? l.dies : null,
        source: l.source,
      })),
      yieldInForce: partnerships
        .filter((p) => p.startMonth <= mm.month)
        .map((p) => ({
          foundryId: p.foundryId,
          foundryName: foundryNames.get(p.foundryId) ?? p.foundryId,
          yieldPct: basisPointsToPercent(yieldInMonth(p.curve, p.startMonth, mm.month)),
          monthOfRamp: monthsBetween(p.startMonth, mm.month) + 1,
        })),
      goodDies: dm.goodDies,
      chipsCarriedIn: dm.chipsCarriedIn,
      chipsCarriedOut: dm.chipsCarriedOut,
    },
    sharePct: spec.sharePct,
    chipsPerMachine: mm.chipsPerMachine,
    chips: mm.chips,
    machinesBuildable: mm.buildable,
    limitedBy: mm.limitedBy,
    machinesBuilt: mm.built,
    source: mm.source,
    allocation: {
      stockStart: alloc?.stockStart ?? 0,
      unitsDue: alloc?.unitsDue ?? 0,
      tranches: alloc?.toTranches ?? [],
      fromBeforePlan: alloc?.fromBeforePlan ?? 0,
      selfMiningTarget: alloc?.selfMiningTarget ?? 0,
      selfMining: alloc?.selfMining ?? 0,
      selfMiningNote: alloc?.selfMiningNote ?? null,
      toStock: alloc?.toStock ?? 0,
      stockEnd: alloc?.stockEnd ?? 0,
      unitsShort: alloc?.unitsShort ?? 0,
    },
  };
}

/** Units per model per month that the plan gives self-mining (what the fleet module deploys). */
export function selfMiningUnits(plan: Plan): { month: Month; productId: string; units: number }[] {
  return plan.months.flatMap((m) =>
    m.models.map((r) => ({ month: m.month, productId: r.productId, units: r.allocation.selfMining })),
  );
}
