/**
 * Yield: the share of dies on a wafer that work. With a new foundry partner it starts low and ramps
 * to a mature level over months, so it is a curve per partnership (foundry × design), read at the
 * month the wafers come out.
 *
 * Yields are held as integer basis points (1/100 of a percent) so that good dies are computed with
 * integer arithmetic: 0.29 × 100 is 28.999999999999996 in floating point, and a plan that loses a
 * die to that in one month and not the next is hard to trust.
 */
import { type Month, monthsBetween } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { numberToExactDecimal } from '../kernel/money.js';

export type YieldShape = 'linear' | 'logistic';
export const YIELD_SHAPES: readonly YieldShape[] = ['linear', 'logistic'];

export interface YieldCurve {
  /** Yield in the partnership's first month, in basis points (4250 = 42.50 %). */
  startBp: number;
  /** Yield once mature, in basis points. */
  matureBp: number;
  /** Months from the start month until the mature yield is reached; 0 means mature from the start. */
  monthsToMature: number;
  shape: YieldShape;
}

/** A foundry making a design: the yield curve belongs to the pair, counted from its start month. */
export interface PartnershipSpec {
  id: number;
  foundryId: string;
  designId: string;
  startMonth: Month;
  curve: YieldCurve;
}

/** The curve as a user writes it, in percent. */
export interface YieldCurveInput {
  startPct: number;
  maturePct: number;
  monthsToMature: number;
  shape: YieldShape;
}

export const BASIS_POINTS = 10_000;
/** Longer than any ramp seen in the industry; a larger figure is a typing error, not a plan. */
const MAX_MONTHS_TO_MATURE = 120;

/** A percentage with at most two decimals as basis points; anything else is refused with the field. */
export function percentToBasisPoints(pct: number, field: string): number {
  const exact = numberToExactDecimal(pct);
  if (!exact || (exact.numerator * 100n) % exact.denominator !== 0n) {
    throw invalid(field, `${field} must be a percentage with at most two decimals, got ${pct}.`);
  }
  return Number((exact.numerator * 100n) / exact.denominator);
}

export function basisPointsToPercent(bp: number): number {
  return bp / 100;
}

/** Checks a curve as entered and returns it in basis points. Field names are under `prefix`. */
export function parseYieldCurve(input: YieldCurveInput, prefix = 'yieldCurve'): YieldCurve {
  const startBp = percentToBasisPoints(input.startPct, `${prefix}.startPct`);
  const matureBp = percentToBasisPoints(input.maturePct, `${prefix}.maturePct`);
  for (const [name, bp, pct] of [
    ['startPct', startBp, input.startPct],
    ['maturePct', matureBp, input.maturePct],
  ] as const) {
    if (bp < 0 || bp > BASIS_POINTS) {
      throw invalid(
        `${prefix}.${name}`,
        `${prefix}.${name} must be a yield between 0% and 100%, got ${pct}%: ${
          bp < 0 ? 'no wafer gives fewer than zero good dies' : 'no wafer gives more good dies than it has'
        }.`,
      );
    }
  }
  if (matureBp === 0) {
    throw invalid(
      `${prefix}.maturePct`,
      `${prefix}.maturePct must be above 0%: a yield of 0% never builds a machine.`,
    );
  }
  if (matureBp < startBp) {
    throw invalid(
      `${prefix}.maturePct`,
      `${prefix}.maturePct (${input.maturePct}%) must be at least the start yield (${input.startPct}%): a yield curve ramps up.`,
    );
  }
  if (
    !Number.isInteger(input.monthsToMature) ||
    input.monthsToMature < 0 ||
    input.monthsToMature > MAX_MONTHS_TO_MATURE
  ) {
    throw invalid(
      `${prefix}.monthsToMature`,
      `${prefix}.monthsToMature must be a whole number of months from 0 to ${MAX_MONTHS_TO_MATURE}, got ${input.monthsToMature}.`,
    );
  }
  if (!YIELD_SHAPES.includes(input.shape)) {
    throw invalid(
      `${prefix}.shape`,
      `${prefix}.shape must be linear or logistic, got "${String(input.shape)}".`,
    );
  }
  return { startBp, matureBp, monthsToMature: input.monthsToMature, shape: input.shape };
}

/**
 * How steep the logistic ramp is. 10 over the ramp makes the first and last months slow and the
 * middle fast (about 2/3 of the gain in the middle third), the usual shape of a process learning curve.
 */
const LOGISTIC_STEEPNESS = 10;
const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Share of the ramp done after `progress` (0..1) of the months to mature. */
function rampShare(shape: YieldShape, progress: number): number {
  switch (shape) {
    case 'linear':
      return progress;
    case 'logistic': {
      // Rescaled so the curve is exactly at the start yield in month 0 and at the mature yield at the end.
      const low = sigmoid(-LOGISTIC_STEEPNESS / 2);
      const high = sigmoid(LOGISTIC_STEEPNESS / 2);
      return (sigmoid(LOGISTIC_STEEPNESS * (progress - 0.5)) - low) / (high - low);
    }
  }
}

/**
 * The yield in force in `month` for a partnership that started in `startMonth`, in basis points.
 * Month 0 is the start month. A month before the start has no yield: the partnership makes nothing yet.
 */
export function yieldInMonth(curve: YieldCurve, startMonth: Month, month: Month): number {
  const age = monthsBetween(startMonth, month);
  if (age < 0) {
    throw invalid('month', `The partnership starts in ${startMonth}; it has no yield in ${month}.`);
  }
  if (age >= curve.monthsToMature) return curve.matureBp;
  const share = rampShare(curve.shape, age / curve.monthsToMature);
  return Math.round(curve.startBp + (curve.matureBp - curve.startBp) * share);
}

/**
 * Good dies from a lot of wafers: wafers × dies per wafer × yield, rounded down. Down, because a
 * fraction of a die is not a chip: rounding up would promise chips no one can solder onto a board,
 * and a plan that promises one machine too many makes a tranche late that looked on time. The floor
 * is taken once over the whole lot, not per wafer, which would drop up to one die per wafer.
 */
export function goodDies(wafers: number, diesPerWafer: number, yieldBp: number): number {
  return Number((BigInt(wafers) * BigInt(diesPerWafer) * BigInt(yieldBp)) / BigInt(BASIS_POINTS));
}
