/**
 * How many wafers to order this month, given the BTC price. The price drives what a machine earns,
 * so how fast a customer earns back its price (payback), so how many machines spot buyers take.
 *
 * The rule, in three layers, each sized per capacity agreement:
 * 1. contracted: enough wafers for the tranches due in the month the wafers come out, net of chips
 *    already on their way, from the best-yielding capacity first (capacity already paid for under a
 *    take-or-pay minimum before any other);
 * 2. spot and self-mining: a share of the capacity still free at the agreements where the current
 *    model's chip is made, the share set by payback (all of it when payback is short, none when it
 *    is too long to sell) plus self-mining's share of production while a machine earns more than its power;
 * 3. take-or-pay: at least each agreement's minimum, which is paid for whether used or not.
 * Only layer 2 depends on the price (through demand.ts), and it only grows with it, so a lower BTC
 * price never orders more wafers.
 */
import type { Sats } from '../kernel/bitcoin.js';
import { addMonths, type Day, type Month } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import type { TrancheDemand } from './allocation.js';
import { type DemandThresholds, pct, priceDemand } from './demand.js';
import { formatCount as fmt } from './format.js';
import type { DesignSpec } from './output.js';
import { BASIS_POINTS, goodDies, type PartnershipSpec, yieldInMonth } from './yield.js';

export interface AgreementSpec {
  id: number;
  foundryId: string;
  foundryName: string;
  /** Months a wafer started there takes to come out. */
  leadTimeMonths: number;
  wafersPerMonth: number;
  takeOrPayWafers: number;
  startMonth: Month;
  endMonth: Month;
}

export interface RecommendInput {
  month: Month;
  market: { day: Day; btcUsd: Cents; difficulty: number; feesPerBlockSats: Sats; spotUsdPerTh: Cents };
  currentModel: { productId: string; ths: number; watts: number };
  powerUsdPerKwh: number;
  selfMiningBp: number;
  thresholds: DemandThresholds;
  designs: DesignSpec[];
  partnerships: PartnershipSpec[];
  agreements: AgreementSpec[];
  /** Wafers already ordered this month, per agreement id. */
  placedThisMonth: ReadonlyMap<number, number>;
  /** Expected good dies of orders already placed and not yet received, by the month they come out. */
  incoming: { designId: string; month: Month; dies: number }[];
  openTranches: TrancheDemand[];
  /**
   * Units of tranches due by a month that the supply plan still leaves open at its end, keyed
   * `productId|month`: the backlog wafers coming out the month after must also serve.
   */
  backlog: ReadonlyMap<string, number>;
}

export interface RecommendedLot {
  designId: string;
  partnershipId: number;
  wafers: number;
  yieldBp: number;
  expectedDies: number;
  reason: 'contracted' | 'spot' | 'take-or-pay';
}

export interface AgreementRecommendation {
  agreementId: number;
  foundryId: string;
  foundryName: string;
  outMonth: Month;
  wafersPerMonth: number;
  takeOrPayWafers: number;
  alreadyPlaced: number;
  wafers: number;
  lots: RecommendedLot[];
}

export interface DesignDemand {
  designId: string;
  outMonth: Month;
  /** Units due in the out month, and units due earlier that the plan leaves open by then. */
  unitsDue: { productId: string; units: number; backlog: number }[];
  contractedDies: number;
  incomingDies: number;
  diesToOrder: number;
  diesCovered: number;
}

export interface Recommendation {
  month: Month;
  inputs: {
    day: Day;
    btcUsd: Cents;
    difficulty: number;
    feesPerBlockSats: Sats;
    hashpriceUsdPerThDay: number;
    spotUsdPerTh: Cents;
    model: { productId: string; ths: number; watts: number; priceCents: Cents };
    powerUsdPerKwh: number;
    machineNetCentsPerDay: Cents;
    paybackDays: number | null;
    selfMiningPct: number;
  };
  demand: {
    thresholds: DemandThresholds;
    /** Share of the free capacity spot buyers are assumed to take, 0..1. */
    spotShare: number;
    /** Share of free capacity ordered beyond contracts: spot plus self-mining. */
    orderShare: number;
    contracted: DesignDemand[];
  };
  agreements: AgreementRecommendation[];
  totalWafers: number;
  explanation: string[];
}

/** The smallest number of wafers whose good dies (floored over the lot) reach `dies`. */
export function wafersForDies(dies: number, diesPerWafer: number, yieldBp: number): number {
  if (dies <= 0) return 0;
  const perWaferBp = BigInt(diesPerWafer) * BigInt(yieldBp);
  return Number((BigInt(dies) * BigInt(BASIS_POINTS) + perWaferBp - 1n) / perWaferBp);
}

interface Slot {
  agreement: AgreementSpec;
  partnership: PartnershipSpec;
  design: DesignSpec;
  outMonth: Month;
  yieldBp: number;
}

interface AgreementState {
  minLeft: number;
  capLeft: number;
  lots: RecommendedLot[];
}

export function recommendWafers(input: RecommendInput): Recommendation {
  const { market } = input;
  const { machinePrice, economics, payback, hashprice, spotShare, orderShare, explanation } =
    priceDemand(input);

  // Capacity open this month, and where each design can be made.
  const active = input.agreements
    .filter((a) => a.startMonth <= input.month && input.month <= a.endMonth)
    .sort((a, b) => a.id - b.id);
  const state = new Map<number, AgreementState>(
    active.map((a) => {
      const placed = input.placedThisMonth.get(a.id) ?? 0;
      return [
        a.id,
        {
          minLeft: Math.max(0, a.takeOrPayWafers - placed),
          capLeft: Math.max(0, a.wafersPerMonth - placed),
          lots: [],
        },
      ];
    }),
  );
  const designs = new Map(input.designs.map((d) => [d.id, d]));
  const slots: Slot[] = [];
  for (const a of active) {
    const outMonth = addMonths(input.month, a.leadTimeMonths);
    for (const p of input.partnerships.filter((x) => x.foundryId === a.foundryId)) {
      const design = designs.get(p.designId);
      if (!design || outMonth < p.startMonth) continue;
      slots.push({
        agreement: a,
        partnership: p,
        design,
        outMonth,
        yieldBp: yieldInMonth(p.curve, p.startMonth, outMonth),
      });
    }
  }
  const rate = (s: Slot) => s.design.diesPerWafer * s.yieldBp;
  const addLot = (s: Slot, wafers: number, reason: RecommendedLot['reason']): number => {
    const st = state.get(s.agreement.id)!;
    st.capLeft -= wafers;
    st.minLeft = Math.max(0, st.minLeft - wafers);
    const dies = goodDies(wafers, s.design.diesPerWafer, s.yieldBp);
    const same = st.lots.find((l) => l.partnershipId === s.partnership.id && l.reason === reason);
    if (same) {
      same.wafers += wafers;
      same.expectedDies += dies;
    } else {
      st.lots.push({
        designId: s.design.id,
        partnershipId: s.partnership.id,
        wafers,
        yieldBp: s.yieldBp,
        expectedDies: dies,
        reason,
      });
    }
    return dies;
  };

  /**
   * Orders wafers at `candidates` until their good dies reach `dies`: first the wafers a take-or-pay
   * minimum pays for anyway, then any capacity, best yield first in both passes. Returns the dies
   * still missing when capacity runs out. More dies asked never orders fewer wafers anywhere.
   */
  const fill = (candidates: Slot[], dies: number, reason: RecommendedLot['reason']): number => {
    let left = dies;
    const byRate = [...candidates].sort((a, b) => rate(b) - rate(a) || a.agreement.id - b.agreement.id);
    for (const pass of ['take-or-pay', 'capacity'] as const) {
      for (const s of byRate) {
        if (left <= 0) break;
        const st = state.get(s.agreement.id)!;
        const room = pass === 'take-or-pay' ? st.minLeft : st.capLeft;
        if (room === 0 || s.yieldBp === 0) continue;
        left -= addLot(s, Math.min(room, wafersForDies(left, s.design.diesPerWafer, s.yieldBp)), reason);
      }
    }
    return Math.max(0, left);
  };

  // 1. Contracted demand, design by design.
  const contracted: DesignDemand[] = [];
  for (const design of [...input.designs].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const own = slots.filter((s) => s.design.id === design.id);
    if (own.length === 0) continue;
    // Chips made under several agreements must be ready by the latest of their out months.
    const outMonth = own.map((s) => s.outMonth).sort()[own.length - 1]!;
    const before = addMonths(outMonth, -1);
    const unitsDue = design.models
      .map((m) => ({
        productId: m.productId,
        units: input.openTranches
          .filter((tr) => tr.productId === m.productId && tr.dueMonth === outMonth)
          .reduce((sum, tr) => sum + tr.units, 0),
        backlog: input.backlog.get(`${m.productId}|${before}`) ?? 0,
      }))
      .filter((u) => u.units + u.backlog > 0);
    const cpm = new Map(design.models.map((m) => [m.productId, m.chipsPerMachine]));
    const contractedDies = unitsDue.reduce((s, u) => s + (u.units + u.backlog) * cpm.get(u.productId)!, 0);
    const incomingDies = input.incoming
      .filter((i) => i.designId === design.id && i.month === outMonth)
      .reduce((s, i) => s + i.dies, 0);
    const diesToOrder = Math.max(0, contractedDies - incomingDies);
    const left = fill(own, diesToOrder, 'contracted');
    const demand: DesignDemand = {
      designId: design.id,
      outMonth,
      unitsDue,
      contractedDies,
      incomingDies,
      diesToOrder,
      diesCovered: Math.min(diesToOrder, diesToOrder - left),
    };
    contracted.push(demand);
    const units =
      unitsDue
        .map(
          (u) =>
            `${fmt(u.units)} ${u.productId} due then` +
            (u.backlog > 0
              ? ` and ${fmt(u.backlog)} due earlier that the plan leaves open by ${before}`
              : ''),
        )
        .join('; ') || 'no units due then nor left open from earlier';
    explanation.push(
      `${design.name}: wafers ordered now come out in ${outMonth}; the order book has ${units} ` +
        `(${fmt(contractedDies)} chips); ${fmt(incomingDies)} chips from earlier orders arrive then, so ${fmt(diesToOrder)} are to order.`,
    );
    if (left > 0) {
      explanation.push(
        `Capacity limit reached for ${design.name}: ${fmt(left)} chips of contracted demand cannot be ordered this month ` +
          'under the agreements in force; those tranches will depend on later orders.',
      );
    }
  }

  // 2. Spot and self-mining, where the current model's chip is made.
  const currentDesign = input.designs.find((d) =>
    d.models.some((m) => m.productId === input.currentModel.productId),
  );
  const spotSlots = slots
    .filter((s) => s.design.id === currentDesign?.id && s.yieldBp > 0)
    .sort((a, b) => rate(b) - rate(a) || a.agreement.id - b.agreement.id);
  if (!currentDesign || spotSlots.length === 0) {
    explanation.push(
      `No capacity agreement in force makes the chip of ${input.currentModel.productId} this month, so nothing is ordered for spot buyers.`,
    );
  }
  // Free capacity is sized in chips, each agreement once at its best-yielding partnership, and the
  // share of it to order is then filled like contracts: paid-for minimums first, then best yield.
  const sized = new Set<number>();
  let freeDies = 0;
  for (const s of spotSlots) {
    if (sized.has(s.agreement.id)) continue;
    sized.add(s.agreement.id);
    freeDies += goodDies(state.get(s.agreement.id)!.capLeft, s.design.diesPerWafer, s.yieldBp);
  }
  const spotDies = Math.floor(freeDies * orderShare);
  if (spotDies > 0) {
    fill(spotSlots, spotDies, 'spot');
    explanation.push(
      `Beyond contracts: ${pct(orderShare)} of the ${fmt(freeDies)} chips the free capacity could make, ${fmt(spotDies)} chips of ${currentDesign!.name}.`,
    );
  }

  // 3. Take-or-pay minimums.
  for (const a of active) {
    const st = state.get(a.id)!;
    if (st.minLeft === 0) continue;
    const best = slots
      .filter((s) => s.agreement.id === a.id && s.yieldBp > 0)
      .sort((x, y) => rate(y) - rate(x) || x.partnership.id - y.partnership.id)[0];
    if (!best) {
      explanation.push(
        `${a.foundryName} agreement #${a.id} has a take-or-pay minimum of ${fmt(a.takeOrPayWafers)} wafers but no ` +
          'partnership producing there this month; the minimum will be paid with nothing to order against it.',
      );
      continue;
    }
    const topUp = st.minLeft;
    addLot(best, topUp, 'take-or-pay');
    explanation.push(
      `Take-or-pay: ${fmt(topUp)} more wafers at ${a.foundryName} than demand needs, because agreement #${a.id}'s ` +
        `minimum of ${fmt(a.takeOrPayWafers)} wafers a month is paid whether used or not.`,
    );
  }

  const agreements: AgreementRecommendation[] = active.map((a) => {
    const st = state.get(a.id)!;
    const wafers = st.lots.reduce((s, l) => s + l.wafers, 0);
    return {
      agreementId: a.id,
      foundryId: a.foundryId,
      foundryName: a.foundryName,
      outMonth: addMonths(input.month, a.leadTimeMonths),
      wafersPerMonth: a.wafersPerMonth,
      takeOrPayWafers: a.takeOrPayWafers,
      alreadyPlaced: input.placedThisMonth.get(a.id) ?? 0,
      wafers,
      lots: st.lots,
    };
  });
  const reasonText: Record<RecommendedLot['reason'], string> = {
    contracted: 'for contracts',
    spot: 'for spot buyers and self-mining',
    'take-or-pay': 'to meet the take-or-pay minimum',
  };
  for (const a of agreements) {
    if (a.lots.length > 0) {
      explanation.push(
        `${a.foundryName}: ${a.lots
          .map(
            (l) =>
              `${fmt(l.wafers)} wafers ${reasonText[l.reason]} (${fmt(l.expectedDies)} chips of ${designs.get(l.designId)!.name} at ${l.yieldBp / 100}% yield)`,
          )
          .join('; ')}.`,
      );
    }
    if (a.alreadyPlaced + a.wafers >= a.wafersPerMonth && a.wafers > 0) {
      explanation.push(
        `${a.foundryName} agreement #${a.agreementId} is ordered to its capacity of ${fmt(a.wafersPerMonth)} wafers a month.`,
      );
    }
  }
  const totalWafers = agreements.reduce((s, a) => s + a.wafers, 0);
  explanation.push(
    `Recommended: ${fmt(totalWafers)} wafers in ${input.month}` +
      (agreements.length > 0
        ? ` (${agreements.map((a) => `${a.foundryName} ${fmt(a.wafers)}`).join(', ')}).`
        : '.'),
  );

  return {
    month: input.month,
    inputs: {
      day: market.day,
      btcUsd: market.btcUsd,
      difficulty: market.difficulty,
      feesPerBlockSats: market.feesPerBlockSats,
      hashpriceUsdPerThDay: hashprice,
      spotUsdPerTh: market.spotUsdPerTh,
      model: { ...input.currentModel, priceCents: machinePrice },
      powerUsdPerKwh: input.powerUsdPerKwh,
      machineNetCentsPerDay: economics.netCents,
      paybackDays: Number.isFinite(payback) ? payback : null,
      selfMiningPct: input.selfMiningBp / 100,
    },
    demand: { thresholds: input.thresholds, spotShare, orderShare, contracted },
    agreements,
    totalWafers,
    explanation,
  };
}
