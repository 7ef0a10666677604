/**
 * Where each month's machines go. Contract tranches due come first, earliest due first (then by
 * contract, line and tranche number); then
 * self-mining takes its target share of the month's production capacity from what is left; the
 * rest goes to spot stock, which serves later tranches before new machines do.
 *
 * A pure function: the same inputs give the same result whatever order the tranches come in.
 */
import { type Month, monthsBetween } from '../kernel/calendar.js';
import { formatCount as fmt } from './format.js';
import { BASIS_POINTS } from './yield.js';

export type TrancheKind = 'spot' | 'futures' | 'pre-order';

/** An open delivery tranche of the order book, as the sales module reports it. */
export interface TrancheDemand {
  contractId: number;
  lineId: number;
  tranche: number;
  productId: string;
  dueMonth: Month;
  units: number;
  kind: TrancheKind;
  customer: string;
  paidForShipment: boolean;
}

/** Machines the books say were delivered: they went where they went, whatever the rules would say. */
export interface DeliveryMade {
  contractId: number;
  lineId: number;
  tranche: number;
  productId: string;
  customer: string;
  dueMonth: Month;
  /** The month it was delivered in. */
  month: Month;
  units: number;
}

/** One model's machines in one month. */
export interface ProductSupply {
  productId: string;
  built: number;
  /** What the month could build; self-mining's target is a share of this, not of what was built. */
  capacity: number;
}

export interface AllocationInput {
  /** Consecutive months, earliest first. */
  months: Month[];
  supply: (month: Month) => ProductSupply[];
  tranches: TrancheDemand[];
  /** Deliveries recorded in these months, taken from the month's stock and builds before any rule. */
  deliveries?: DeliveryMade[];
  /** Self-mining's target share of production capacity in a month, in basis points (1000 = 10 %). */
  selfMiningBp: (month: Month) => number;
}

export interface TrancheAllocation {
  contractId: number;
  lineId: number;
  tranche: number;
  customer: string;
  dueMonth: Month;
  units: number;
  fromStock: number;
  /** Delivered after its due month. */
  late: boolean;
  /** A delivery the books record, not one the plan allocates. */
  recorded: boolean;
}

export interface ProductMonthAllocation {
  month: Month;
  productId: string;
  built: number;
  capacity: number;
  stockStart: number;
  /** Units due by this month (this month's tranches and any still open from before) before allocating. */
  unitsDue: number;
  toTranches: TrancheAllocation[];
  /** Recorded deliveries and planned allocations together. */
  unitsToTranches: number;
  /**
   * Units of recorded deliveries beyond this month's stock and builds: machines made before the
   * plan's first month (which starts with no stock), so built + this = where they all went.
   */
  fromBeforePlan: number;
  selfMiningTarget: number;
  selfMining: number;
  /** Units of the target self-mining did not get; 0 when the target was met. */
  selfMiningShortfall: number;
  /** Why self-mining got less than its target, when it did. */
  selfMiningNote?: string;
  toStock: number;
  stockEnd: number;
  /** Units due by this month still open after it. */
  unitsShort: number;
}

export interface TrancheOutcome {
  contractId: number;
  lineId: number;
  tranche: number;
  productId: string;
  customer: string;
  kind: TrancheKind;
  paidForShipment: boolean;
  dueMonth: Month;
  unitsOpen: number;
  /** Units allocated by the end of the due month (0 for one already overdue when the plan starts). */
  allocatedByDue: number;
  unitsShortAtDue: number;
  /** Due before the first month of the plan and still open. */
  overdueAtStart: boolean;
  /** Units allocated to tranches that come before this one in the same month it fell short. */
  unitsAheadInQueue: number;
  /** The month its last unit is allocated; null when the plan ends before that. */
  filledMonth: Month | null;
  unitsOpenAtEnd: number;
}

export interface AllocationResult {
  months: { month: Month; products: ProductMonthAllocation[] }[];
  /** Every tranche due within the plan's months, in allocation order. */
  tranches: TrancheOutcome[];
  /** The tranches that are short at their due month. */
  late: TrancheOutcome[];
}

interface Queue {
  items: TrancheDemand[];
  outcomes: TrancheOutcome[];
  remaining: number[];
  /** Every item before `head` is filled. */
  head: number;
  /** Items before `dueEnd` are due by the current month. */
  dueEnd: number;
  stock: number;
}

function selfMiningNote(
  target: number,
  got: number,
  built: number,
  builtToTranches: number,
  unitsToTranches: number,
): string {
  if (builtToTranches > 0) {
    const fromStock = unitsToTranches - builtToTranches;
    return (
      `Self-mining got ${fmt(got)} of its ${fmt(target)}-unit target: contract tranches due come first ` +
      `and took ${fmt(builtToTranches)} of the ${fmt(built)} machines built` +
      `${fromStock > 0 ? ` (and ${fmt(fromStock)} more from stock)` : ''}.`
    );
  }
  return `Self-mining got ${fmt(got)} of its ${fmt(target)}-unit target: only ${fmt(built)} machines were built against the capacity.`;
}

/**
 * A month's recorded deliveries of one model, taken from stock first, then from the month's
 * builds; what neither covers was made before the plan began.
 */
function takeRecorded(deliveries: readonly DeliveryMade[], stock: number, built: number) {
  const allocations: TrancheAllocation[] = [];
  let fromBeforePlan = 0;
  for (const d of deliveries) {
    const fromStock = Math.min(d.units, stock);
    const fromBuilt = Math.min(d.units - fromStock, built);
    stock -= fromStock;
    built -= fromBuilt;
    fromBeforePlan += d.units - fromStock - fromBuilt;
    allocations.push({
      contractId: d.contractId,
      lineId: d.lineId,
      tranche: d.tranche,
      customer: d.customer,
      dueMonth: d.dueMonth,
      units: d.units,
      fromStock: d.units - fromBuilt,
      late: d.month > d.dueMonth,
      recorded: true,
    });
  }
  return { allocations, stock, built, fromBeforePlan };
}

export function allocateOutput(input: AllocationInput): AllocationResult {
  const first = input.months[0];
  const last = input.months[input.months.length - 1];
  const queues = new Map<string, Queue>();
  if (first === undefined || last === undefined) return { months: [], tranches: [], late: [] };

  // Sorted by numbers rather than by comparing the objects' month strings: 20,000 tranches then
  // sort in milliseconds. Array sort is stable, so identical keys keep their input order.
  const candidates = input.tranches.filter((t) => t.units > 0 && t.dueMonth <= last);
  const monthNumbers = new Map<Month, number>();
  const due = candidates.map((t) => {
    let n = monthNumbers.get(t.dueMonth);
    if (n === undefined) {
      n = monthsBetween(first, t.dueMonth);
      monthNumbers.set(t.dueMonth, n);
    }
    return n;
  });
  const order = candidates
    .map((_, i) => i)
    .sort((a, b) => {
      const x = candidates[a]!;
      const y = candidates[b]!;
      return due[a]! - due[b]! || x.contractId - y.contractId || x.lineId - y.lineId || x.tranche - y.tranche;
    });
  const tranches: TrancheOutcome[] = [];
  for (const k of order) {
    const t = candidates[k]!;
    let q = queues.get(t.productId);
    if (!q) {
      q = { items: [], outcomes: [], remaining: [], head: 0, dueEnd: 0, stock: 0 };
      queues.set(t.productId, q);
    }
    const outcome: TrancheOutcome = {
      contractId: t.contractId,
      lineId: t.lineId,
      tranche: t.tranche,
      productId: t.productId,
      customer: t.customer,
      kind: t.kind,
      paidForShipment: t.paidForShipment,
      dueMonth: t.dueMonth,
      unitsOpen: t.units,
      allocatedByDue: 0,
      unitsShortAtDue: 0,
      overdueAtStart: t.dueMonth < first,
      unitsAheadInQueue: 0,
      filledMonth: null,
      unitsOpenAtEnd: t.units,
    };
    q.items.push(t);
    q.remaining.push(t.units);
    q.outcomes.push(outcome);
    tranches.push(outcome);
  }

  // Recorded deliveries by month, then by model.
  const recorded = new Map<Month, Map<string, DeliveryMade[]>>();
  for (const d of input.deliveries ?? []) {
    const byModel = recorded.get(d.month) ?? new Map<string, DeliveryMade[]>();
    recorded.set(d.month, byModel);
    const list = byModel.get(d.productId);
    if (list) list.push(d);
    else byModel.set(d.productId, [d]);
  }
  const months: AllocationResult['months'] = [];
  for (const month of input.months) {
    const supplyByProduct = new Map(input.supply(month).map((s) => [s.productId, s]));
    const deliveredByModel = recorded.get(month);
    const productIds = [
      ...new Set([...supplyByProduct.keys(), ...queues.keys(), ...(deliveredByModel?.keys() ?? [])]),
    ].sort();
    const selfMiningBp = input.selfMiningBp(month);
    const products: ProductMonthAllocation[] = [];
    for (const productId of productIds) {
      const supply = supplyByProduct.get(productId) ?? { productId, built: 0, capacity: 0 };
      const q = queues.get(productId);
      const stockStart = q?.stock ?? 0;
      const taken = takeRecorded(deliveredByModel?.get(productId) ?? [], stockStart, supply.built);
      let stock = taken.stock;
      let built = taken.built;
      const toTranches: TrancheAllocation[] = taken.allocations;
      let unitsDue = 0;
      let unitsShort = 0;
      let unitsToTranches = taken.allocations.reduce((n, a) => n + a.units, 0);
      if (q) {
        const newlyDueFrom = q.dueEnd;
        while (q.dueEnd < q.items.length && q.items[q.dueEnd]!.dueMonth <= month) q.dueEnd++;
        for (let i = q.head; i < q.dueEnd; i++) unitsDue += q.remaining[i]!;
        let allocatedThisMonth = 0;
        let i = q.head;
        for (; i < q.dueEnd && stock + built > 0; i++) {
          const want = q.remaining[i]!;
          const fromStock = Math.min(want, stock);
          const fromBuilt = Math.min(want - fromStock, built);
          const units = fromStock + fromBuilt;
          stock -= fromStock;
          built -= fromBuilt;
          q.remaining[i] = want - units;
          const t = q.items[i]!;
          const outcome = q.outcomes[i]!;
          toTranches.push({
            contractId: t.contractId,
            lineId: t.lineId,
            tranche: t.tranche,
            customer: t.customer,
            dueMonth: t.dueMonth,
            units,
            fromStock,
            late: month > t.dueMonth,
            recorded: false,
          });
          if (i >= newlyDueFrom) outcome.unitsAheadInQueue = allocatedThisMonth;
          allocatedThisMonth += units;
          outcome.unitsOpenAtEnd = q.remaining[i]!;
          if (q.remaining[i] === 0) outcome.filledMonth = month;
        }
        unitsToTranches += allocatedThisMonth;
        // Tranches the machines ran out before had every unit of the month go ahead of them.
        for (let j = Math.max(i, newlyDueFrom); j < q.dueEnd; j++)
          q.outcomes[j]!.unitsAheadInQueue = allocatedThisMonth;
        // Tranches that became due this month are judged now: what they have is what they got on time.
        for (let i = newlyDueFrom; i < q.dueEnd; i++) {
          const outcome = q.outcomes[i]!;
          // One already overdue when the plan starts was short of all its open units at its due month.
          outcome.allocatedByDue = outcome.overdueAtStart ? 0 : outcome.unitsOpen - q.remaining[i]!;
          outcome.unitsShortAtDue = outcome.unitsOpen - outcome.allocatedByDue;
          if (outcome.unitsShortAtDue === 0) outcome.unitsAheadInQueue = 0;
        }
        while (q.head < q.dueEnd && q.remaining[q.head] === 0) q.head++;
        for (let i = q.head; i < q.dueEnd; i++) unitsShort += q.remaining[i]!;
      }
      const builtAfterTranches = built;
      const selfMiningTarget = Math.floor((supply.capacity * selfMiningBp) / BASIS_POINTS);
      const selfMining = Math.min(selfMiningTarget, builtAfterTranches);
      const toStock = builtAfterTranches - selfMining;
      stock += toStock;
      if (q) q.stock = stock;
      else if (stock > 0) {
        queues.set(productId, { items: [], outcomes: [], remaining: [], head: 0, dueEnd: 0, stock });
      }
      const allocation: ProductMonthAllocation = {
        month,
        productId,
        built: supply.built,
        capacity: supply.capacity,
        stockStart,
        unitsDue,
        toTranches,
        unitsToTranches,
        fromBeforePlan: taken.fromBeforePlan,
        selfMiningTarget,
        selfMining,
        selfMiningShortfall: selfMiningTarget - selfMining,
        toStock,
        stockEnd: stock,
        unitsShort,
      };
      if (selfMining < selfMiningTarget) {
        allocation.selfMiningNote = selfMiningNote(
          selfMiningTarget,
          selfMining,
          supply.built,
          supply.built - builtAfterTranches,
          unitsToTranches,
        );
      }
      products.push(allocation);
    }
    months.push({ month, products });
  }

  return { months, tranches, late: tranches.filter((t) => t.unitsShortAtDue > 0) };
}
