/**
 * The rules every supply write must pass: what a design, an agreement, a wafer order and a build
 * may be. Pure; the service loads the facts these need and records the event only when they pass.
 * The planning rules live beside it: yield.ts, output.ts, allocation.ts, plan.ts, recommend.ts.
 */
import { addMonths, type Month } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import { formatCount as fmt } from './format.js';
import { type DesignModel, splitProRata } from './output.js';
import type { WaferOrderStatus } from './plan.js';

function wholeNumber(value: number, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${fmt(max)}`;
    throw invalid(field, `${field} must be a whole number ${range}, got ${value}.`);
  }
  return value;
}

export interface DesignModelInput {
  productId: string;
  chipsPerMachine: number;
  sharePct?: number;
}

/**
 * A design's machine models. Shares say how the design's chips are split between models; with one
 * model it gets them all, and shares left out are split evenly.
 */
export function checkDesignModels(models: DesignModelInput[]): DesignModel[] {
  if (models.length === 0) throw invalid('models', 'A design needs at least one machine model that uses it.');
  const seen = new Set<string>();
  models.forEach((m, i) => {
    if (seen.has(m.productId)) {
      throw invalid(`models.${i}.productId`, `${m.productId} is listed twice; list each machine model once.`);
    }
    seen.add(m.productId);
    wholeNumber(m.chipsPerMachine, `models.${i}.chipsPerMachine`, 1, 10_000);
  });
  const given = models.filter((m) => m.sharePct !== undefined);
  if (given.length === 0) {
    const even = splitProRata(
      100,
      models.map(() => 1),
    );
    return models.map((m, i) => ({
      productId: m.productId,
      chipsPerMachine: m.chipsPerMachine,
      sharePct: even[i]!,
    }));
  }
  if (given.length !== models.length) {
    throw invalid(
      'models',
      'Give a chip share for every machine model of the design, or for none (even split).',
    );
  }
  models.forEach((m, i) => {
    wholeNumber(m.sharePct!, `models.${i}.sharePct`, 0, 100);
  });
  const total = models.reduce((s, m) => s + m.sharePct!, 0);
  if (total !== 100) {
    throw invalid('models', `The machine models' chip shares must add up to 100%, got ${total}%.`);
  }
  return models.map((m) => ({
    productId: m.productId,
    chipsPerMachine: m.chipsPerMachine,
    sharePct: m.sharePct!,
  }));
}

export function checkDiesPerWafer(value: number): number {
  return wholeNumber(value, 'diesPerWafer', 1, 1_000_000);
}

export function checkProcessNm(value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 1000) {
    throw invalid(
      'processNm',
      `processNm must be a process node in nanometres above 0, such as 7 or 16, got ${value}.`,
    );
  }
  return value;
}

export function checkLeadTime(value: number, field = 'leadTimeMonths'): number {
  return wholeNumber(value, field, 0, 36);
}

export interface AgreementTerms {
  wafersPerMonth: number;
  takeOrPayWafers: number;
  startMonth: Month;
  termMonths: number;
}

export function checkAgreementTerms(terms: AgreementTerms): AgreementTerms & { endMonth: Month } {
  wholeNumber(terms.wafersPerMonth, 'wafersPerMonth', 1, 10_000_000);
  wholeNumber(terms.takeOrPayWafers, 'takeOrPayWafers', 0, 10_000_000);
  wholeNumber(terms.termMonths, 'termMonths', 1, 240);
  if (terms.takeOrPayWafers > terms.wafersPerMonth) {
    throw invalid(
      'takeOrPayWafers',
      `takeOrPayWafers (${fmt(terms.takeOrPayWafers)}) cannot exceed the ${fmt(terms.wafersPerMonth)} wafers a month the agreement locks.`,
    );
  }
  return { ...terms, endMonth: addMonths(terms.startMonth, terms.termMonths - 1) };
}

export interface AgreementFacts {
  id: number;
  foundryId: string;
  foundryName: string;
  wafersPerMonth: number;
  startMonth: Month;
  endMonth: Month;
}

/** A wafer order must fall in its agreement's term, at its foundry, and within the month's capacity. */
export function checkWaferOrder(args: {
  agreement: AgreementFacts;
  partnership: { foundryId: string; startMonth: Month; designName: string };
  placedMonth: Month;
  wafers: number;
  leadTimeMonths: number;
  /** Wafers already ordered under the agreement in the same month. */
  alreadyPlaced: number;
}): { outMonth: Month } {
  const { agreement: a, partnership: p } = args;
  wholeNumber(args.wafers, 'wafers', 1, 10_000_000);
  checkLeadTime(args.leadTimeMonths);
  if (p.foundryId !== a.foundryId) {
    throw invalid(
      'partnershipId',
      `The partnership for ${p.designName} is not with ${a.foundryName}, the foundry of agreement #${a.id}.`,
    );
  }
  if (args.placedMonth < a.startMonth || args.placedMonth > a.endMonth) {
    throw ruleBroken(
      'supply.outside-agreement-term',
      `Agreement #${a.id} with ${a.foundryName} runs from ${a.startMonth} to ${a.endMonth}; an order placed in ${args.placedMonth} is outside it.`,
      'placedMonth',
    );
  }
  const left = a.wafersPerMonth - args.alreadyPlaced;
  if (args.wafers > left) {
    throw ruleBroken(
      'supply.agreement-capacity',
      `Agreement #${a.id} with ${a.foundryName} allows ${fmt(a.wafersPerMonth)} wafers a month; ` +
        `${fmt(args.alreadyPlaced)} are already ordered in ${args.placedMonth}, so at most ${fmt(left)} more, not ${fmt(args.wafers)}.`,
      'wafers',
      { capacity: a.wafersPerMonth, alreadyPlaced: args.alreadyPlaced, requested: args.wafers },
    );
  }
  const outMonth = addMonths(args.placedMonth, args.leadTimeMonths);
  if (outMonth < p.startMonth) {
    throw ruleBroken(
      'supply.before-partnership',
      `Wafers placed in ${args.placedMonth} would come out in ${outMonth}, before the ${p.designName} partnership with ${a.foundryName} starts in ${p.startMonth}.`,
      'placedMonth',
    );
  }
  return { outMonth };
}

/**
 * placed → out → received, or placed → cancelled (wafers already out of the fab are the company's):
 * each once, never backwards, never before the previous step.
 */
export function checkWaferOrderStep(args: {
  orderId: number;
  status: WaferOrderStatus;
  to: 'out' | 'received' | 'cancelled';
  placedMonth: Month;
  outMonth: Month;
  month: Month;
}): void {
  const next: Record<WaferOrderStatus, readonly WaferOrderStatus[]> = {
    placed: ['out', 'cancelled'],
    out: ['received'],
    received: [],
    cancelled: [],
  };
  const allowed = next[args.status];
  if (!allowed.includes(args.to)) {
    throw ruleBroken(
      'supply.wafer-order-status',
      `Wafer order #${args.orderId} is ${args.status}; it cannot be marked ${args.to}` +
        (allowed.length > 0
          ? ` (its next step is ${allowed.join(' or ')}).`
          : ` (it is already ${args.status}).`),
      'status',
    );
  }
  // The fab runs an order's wafers by its out month: from then on they exist and are paid for.
  if (args.to === 'cancelled' && args.month >= args.outMonth) {
    throw ruleBroken(
      'supply.wafer-order-run',
      `Wafer order #${args.orderId} is due out of the fab in ${args.outMonth}; by ${args.month} its wafers are run and it can no longer be cancelled.`,
      'month',
    );
  }
  const earliest = args.to === 'received' ? args.outMonth : args.placedMonth;
  if (args.month < earliest) {
    throw invalid(
      'month',
      `Wafer order #${args.orderId} cannot be ${args.to} in ${args.month}, before it was ${args.to === 'received' ? 'out' : 'placed'} (${earliest}).`,
    );
  }
}

/** Chips received can't exceed what the wafers hold at 100% yield; fewer is the usual news. */
export function checkChipsReceived(args: {
  orderId: number;
  wafers: number;
  diesPerWafer: number;
  chips: number;
}): void {
  wholeNumber(args.chips, 'chipsReceived', 0);
  const max = args.wafers * args.diesPerWafer;
  if (args.chips > max) {
    throw invalid(
      'chipsReceived',
      `Wafer order #${args.orderId} is ${fmt(args.wafers)} wafers of ${fmt(args.diesPerWafer)} dies: at most ${fmt(max)} chips, not ${fmt(args.chips)} (that would be a yield above 100%).`,
    );
  }
}

export interface ChipMovement {
  month: Month;
  /** Positive for chips received, negative for chips a build uses. */
  chips: number;
}

/**
 * A build may not use chips the company doesn't have: after it, chips received up to each month
 * minus chips used by builds up to that month must stay at zero or more, for its month and every
 * later one (a build entered for an early month could otherwise starve a later one already recorded).
 */
export function checkBuildChips(args: {
  productId: string;
  designName: string;
  month: Month;
  units: number;
  chipsPerMachine: number;
  /** Every receipt of the design's chips and every other recorded build of its models. */
  movements: ChipMovement[];
}): void {
  wholeNumber(args.units, 'units', 0);
  const needed = args.units * args.chipsPerMachine;
  const all = [...args.movements, { month: args.month, chips: -needed }].sort((a, b) =>
    a.month < b.month ? -1 : a.month > b.month ? 1 : b.chips - a.chips,
  );
  let balance = 0;
  let received = 0;
  for (let i = 0; i < all.length; i++) {
    const m = all[i]!;
    balance += m.chips;
    if (m.chips > 0) received += m.chips;
    const endOfMonth = all[i + 1]?.month !== m.month;
    if (endOfMonth && m.month >= args.month && balance < 0) {
      const available = balance + needed;
      throw ruleBroken(
        'supply.build-exceeds-chips',
        `Building ${fmt(args.units)} ${args.productId} in ${args.month} needs ${fmt(needed)} ${args.designName} chips ` +
          `(${args.chipsPerMachine} a machine), but by ${m.month} only ${fmt(Math.max(0, available))} chips received ` +
          'are not used by other builds. Record the wafer order as received first, or build fewer.',
        'units',
        { needed, available, received, month: m.month },
      );
    }
  }
}
