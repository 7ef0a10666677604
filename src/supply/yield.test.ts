import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths } from '../kernel/calendar.js';
import { AppError } from '../kernel/errors.js';
import { goodDies, parseYieldCurve, percentToBasisPoints, type YieldCurve, yieldInMonth } from './yield.js';

const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.field;
    throw e;
  }
  return undefined;
};

describe('yield curve', () => {
  it('reads percentages exactly as basis points', () => {
    expect(percentToBasisPoints(42.5, 'x')).toBe(4250);
    expect(percentToBasisPoints(0.29, 'x')).toBe(29);
    expect(fieldOf(() => percentToBasisPoints(42.555, 'yieldCurve.startPct'))).toBe('yieldCurve.startPct');
  });

  it('refuses a yield above 100%, a falling curve and a bad ramp, naming the field', () => {
    const ok = { startPct: 30, maturePct: 90, monthsToMature: 6, shape: 'linear' as const };
    expect(parseYieldCurve(ok)).toEqual({
      startBp: 3000,
      matureBp: 9000,
      monthsToMature: 6,
      shape: 'linear',
    });
    expect(fieldOf(() => parseYieldCurve({ ...ok, maturePct: 101 }))).toBe('yieldCurve.maturePct');
    expect(fieldOf(() => parseYieldCurve({ ...ok, startPct: -1 }))).toBe('yieldCurve.startPct');
    expect(fieldOf(() => parseYieldCurve({ ...ok, startPct: 95 }))).toBe('yieldCurve.maturePct');
    expect(fieldOf(() => parseYieldCurve({ ...ok, monthsToMature: 2.5 }))).toBe('yieldCurve.monthsToMature');
    expect(fieldOf(() => parseYieldCurve({ ...ok, maturePct: 0, startPct: 0 }))).toBe('yieldCurve.maturePct');
    expect(() => parseYieldCurve({ ...ok, maturePct: 120 })).toThrow(/between 0% and 100%/);
  });

  it('ramps linearly from start to mature and stays there', () => {
    const curve: YieldCurve = { startBp: 3000, matureBp: 9000, monthsToMature: 6, shape: 'linear' };
    expect(yieldInMonth(curve, '2021-01', '2021-01')).toBe(3000);
    expect(yieldInMonth(curve, '2021-01', '2021-04')).toBe(6000);
    expect(yieldInMonth(curve, '2021-01', '2021-07')).toBe(9000);
    expect(yieldInMonth(curve, '2021-01', '2023-01')).toBe(9000);
    expect(() => yieldInMonth(curve, '2021-01', '2020-12')).toThrow(/starts in 2021-01/);
  });

  it('ramps logistically: slow, fast, slow, exact at both ends', () => {
    const curve: YieldCurve = { startBp: 2000, matureBp: 9000, monthsToMature: 9, shape: 'logistic' };
    const ys = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((m) =>
      yieldInMonth(curve, '2021-01', addMonths('2021-01', m)),
    );
    expect(ys[0]).toBe(2000);
    expect(ys[9]).toBe(9000);
    const steps = ys.slice(1).map((y, i) => y - ys[i]!);
    expect(steps[4]!).toBeGreaterThan(steps[0]!);
    expect(steps[4]!).toBeGreaterThan(steps[8]!);
  });

  it('never falls and never leaves [start, mature], whatever the curve', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 36 }),
        fc.constantFrom('linear' as const, 'logistic' as const),
        (a, b, monthsToMature, shape) => {
          const curve = { startBp: Math.min(a, b), matureBp: Math.max(a, b), monthsToMature, shape };
          let previous = -1;
          for (let m = 0; m <= monthsToMature + 2; m++) {
            const y = yieldInMonth(curve, '2020-06', addMonths('2020-06', m));
            expect(y).toBeGreaterThanOrEqual(previous);
            expect(y).toBeGreaterThanOrEqual(curve.startBp);
            expect(y).toBeLessThanOrEqual(curve.matureBp);
            previous = y;
          }
        },
      ),
    );
  });

  it('counts good dies as whole dies, rounded down over the whole lot', () => {
    expect(goodDies(100, 500, 8000)).toBe(40_000);
    // 3 × 333 × 33.33% = 332.96…: 332 whole dies, not 333, and not 3 × floor(110.99) = 330.
    expect(goodDies(3, 333, 3333)).toBe(332);
    expect(goodDies(1, 29, 10_000)).toBe(29);
  });
});
