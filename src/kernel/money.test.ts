import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';
import {
  centsToNumber,
  formatUsd,
  formatUsdDecimal,
  mulRatio,
  numberToExactDecimal,
  parseExactDecimal,
  parseUsd,
  percentOf,
  roundHalfEven,
} from './money.js';

function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

describe('roundHalfEven', () => {
  it('rounds ties to the even neighbour, both ways', () => {
    expect(roundHalfEven(5n, 10n)).toBe(0n); // 0.5
    expect(roundHalfEven(15n, 10n)).toBe(2n); // 1.5
    expect(roundHalfEven(25n, 10n)).toBe(2n); // 2.5
    expect(roundHalfEven(35n, 10n)).toBe(4n); // 3.5
  });
  it('is symmetric for negatives', () => {
    expect(roundHalfEven(-5n, 10n)).toBe(0n);
    expect(roundHalfEven(-15n, 10n)).toBe(-2n);
    expect(roundHalfEven(-25n, 10n)).toBe(-2n);
    expect(roundHalfEven(-26n, 10n)).toBe(-3n);
    expect(roundHalfEven(-24n, 10n)).toBe(-2n);
  });
  it('rounds non-ties to the nearest', () => {
    expect(roundHalfEven(14n, 10n)).toBe(1n);
    expect(roundHalfEven(16n, 10n)).toBe(2n);
    expect(roundHalfEven(2n, 3n)).toBe(1n);
    expect(roundHalfEven(1n, 3n)).toBe(0n);
  });
  it('handles zero, exact division and a denominator of one', () => {
    expect(roundHalfEven(0n, 7n)).toBe(0n);
    expect(roundHalfEven(21n, 7n)).toBe(3n);
    expect(roundHalfEven(-9n, 1n)).toBe(-9n);
  });
  it('is exact for huge bigints', () => {
    const huge = 10n ** 40n;
    expect(roundHalfEven(huge * 3n + 1n, 2n)).toBe((huge * 3n) / 2n + 0n);
    expect(roundHalfEven(huge + 5n, 10n)).toBe(huge / 10n); // tie, huge/10 is even
    expect(roundHalfEven(huge + 15n, 10n)).toBe(huge / 10n + 2n);
  });
  it('refuses a zero or negative denominator', () => {
    expect(() => roundHalfEven(1n, 0n)).toThrow(RangeError);
    expect(() => roundHalfEven(1n, -2n)).toThrow(RangeError);
  });
  it('never misses the true quotient by more than one half', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        (n, d) => {
          const r = roundHalfEven(n, d);
          const error = n * 2n - r * 2n * d; // 2·(n/d − r)·d
          expect(error <= d && error >= -d).toBe(true);
          if (error === d || error === -d) expect(r % 2n).toBe(0n);
          expect(roundHalfEven(-n, d)).toBe(-r);
        },
      ),
    );
  });
});

describe('mulRatio and percentOf', () => {
  it('multiplies by a ratio and rounds once', () => {
    expect(mulRatio(1000n, 1n, 3n)).toBe(333n);
    expect(mulRatio(1000n, 2n, 3n)).toBe(667n);
    expect(mulRatio(25n, 1n, 10n)).toBe(2n); // 2.5 → 2
    expect(mulRatio(-25n, 1n, 10n)).toBe(-2n);
  });
  it('takes percentages with decimals exactly', () => {
    expect(percentOf(17_400_000_000n, 30)).toBe(5_220_000_000n);
    expect(percentOf(1000n, 62.5)).toBe(625n);
    expect(percentOf(10_000n, 0.1)).toBe(10n); // 0.1 as a decimal, not 0.1000000000000000055…
    expect(percentOf(1_000_000n, 12.3456)).toBe(123_456n);
    expect(percentOf(50n, 1)).toBe(0n); // 0.5 → 0
    expect(percentOf(150n, 1)).toBe(2n); // 1.5 → 2
    expect(percentOf(-150n, 1)).toBe(-2n);
    expect(percentOf(12_345n, 0)).toBe(0n);
    expect(percentOf(12_345n, 100)).toBe(12_345n);
    expect(percentOf(100n, -20)).toBe(-20n);
  });
  it('refuses more than 4 decimals and non-finite percentages', () => {
    expect(thrown(() => percentOf(100n, 1.23456)).field).toBe('percent');
    expect(() => percentOf(100n, Number.NaN)).toThrow(/percentage/);
    expect(() => percentOf(100n, Number.POSITIVE_INFINITY)).toThrow(AppError);
  });
});

describe('exact decimals', () => {
  it('reads plain and exponent notation', () => {
    expect(parseExactDecimal('12.340')).toEqual({ numerator: 12340n, denominator: 1000n });
    expect(parseExactDecimal('-0.5')).toEqual({ numerator: -5n, denominator: 10n });
    expect(parseExactDecimal('1e-7')).toEqual({ numerator: 1n, denominator: 10_000_000n });
    expect(parseExactDecimal('2.5E3')).toEqual({ numerator: 2500n, denominator: 1n });
    expect(parseExactDecimal('.5')).toEqual({ numerator: 5n, denominator: 10n });
    for (const bad of ['', '.', '-', '1.2.3', 'abc', '1e', '1,000', ' 1'])
      expect(parseExactDecimal(bad)).toBeUndefined();
  });
  it('reads a number through its shortest decimal string', () => {
    expect(numberToExactDecimal(0.1)).toEqual({ numerator: 1n, denominator: 10n });
    expect(numberToExactDecimal(1e21)).toEqual({ numerator: 10n ** 21n, denominator: 1n });
    expect(numberToExactDecimal(Number.NaN)).toBeUndefined();
  });
});

describe('parseUsd', () => {
  it('accepts the written forms of an amount', () => {
    expect(parseUsd('1234', 'price')).toBe(123_400n);
    expect(parseUsd('1234.5', 'price')).toBe(123_450n);
    expect(parseUsd('1,234.56', 'price')).toBe(123_456n);
    expect(parseUsd('$1,234.56', 'price')).toBe(123_456n);
    expect(parseUsd('-12.30', 'price')).toBe(-1230n);
    expect(parseUsd('-$5.00', 'price')).toBe(-500n);
    expect(parseUsd('$-5', 'price')).toBe(-500n);
    expect(parseUsd(' $1,000,000 ', 'price')).toBe(100_000_000n);
    expect(parseUsd('0', 'price')).toBe(0n);
    expect(parseUsd('+7', 'price')).toBe(700n);
  });
  it('converts numbers through their decimal string', () => {
    expect(parseUsd(1234.56, 'price')).toBe(123_456n);
    expect(parseUsd(0.29, 'price')).toBe(29n); // 0.29 * 100 is 28.999999999999996 as floats
    expect(parseUsd(1.005, 'price')).toBe(100n); // tie → even
    expect(parseUsd(-0.015, 'price')).toBe(-2n);
    expect(parseUsd(1e21, 'price')).toBe(10n ** 23n);
  });
  it('rounds more than two decimals half-even', () => {
    expect(parseUsd('29374.152', 'price')).toBe(2_937_415n);
    expect(parseUsd('0.125', 'price')).toBe(12n);
    expect(parseUsd('0.135', 'price')).toBe(14n);
    expect(parseUsd('0.1251', 'price')).toBe(13n);
    expect(parseUsd('-0.125', 'price')).toBe(-12n);
  });
  it('refuses fractions of a cent when whole cents are asked for', () => {
    expect(parseUsd('12.30', 'amount', { wholeCents: true })).toBe(1230n);
    expect(parseUsd(0.29, 'amount', { wholeCents: true })).toBe(29n);
    expect(() => parseUsd('12.345', 'amount', { wholeCents: true })).toThrow(
      expect.objectContaining({ code: 'invalid.fraction-of-cent', field: 'amount' }),
    );
    expect(() => parseUsd(1.005, 'amount', { wholeCents: true })).toThrow(/fraction of a cent/);
  });
  it('is exact for huge amounts', () => {
    expect(parseUsd('123456789012345678901234.56', 'x')).toBe(12345678901234567890123456n);
  });
  it('refuses anything else with a sentence naming the field', () => {
    for (const bad of [
      '',
      'abc',
      '12,34',
      '1,2345.00',
      '$',
      '--5',
      '-$-5',
      '5$',
      '1.2.3',
      '1 000',
      'NaN',
      '.5',
    ]) {
      const error = thrown(() => parseUsd(bad, 'lines.0.price'));
      expect(error.field).toBe('lines.0.price');
      expect(error.kind).toBe('invalid');
      expect(error.message).toMatch(/^lines\.0\.price must be an amount of US dollars/);
    }
    expect(thrown(() => parseUsd(Number.NaN, 'deposit')).message).toMatch(/deposit must be a finite amount/);
    expect(() => parseUsd(Number.POSITIVE_INFINITY, 'deposit')).toThrow(AppError);
  });
  it('reads back what formatUsd writes', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (cents) => {
        expect(parseUsd(formatUsd(cents), 'x')).toBe(cents);
      }),
    );
  });
  it('writes a plain decimal that parseUsd reads back', () => {
    expect([123_456n, -500n, 7n, 0n].map(formatUsdDecimal)).toEqual(['1234.56', '-5.00', '0.07', '0.00']);
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (cents) => {
        expect(parseUsd(formatUsdDecimal(cents), 'x')).toBe(cents);
      }),
    );
  });
});

describe('formatUsd', () => {
  it('writes dollars and cents with thousands separators', () => {
    expect(formatUsd(123_456n)).toBe('$1,234.56');
    expect(formatUsd(-500n)).toBe('-$5.00');
    expect(formatUsd(0n)).toBe('$0.00');
    expect(formatUsd(7n)).toBe('$0.07');
    expect(formatUsd(-7n)).toBe('-$0.07');
    expect(formatUsd(100_000_000_000n)).toBe('$1,000,000,000.00');
  });
  it('writes compact millions, billions and trillions', () => {
    expect(formatUsd(17_400_000_000n, { compact: true })).toBe('$174.0M');
    expect(formatUsd(124_000_000_000n, { compact: true })).toBe('$1.24B');
    expect(formatUsd(23_800_000_000n, { compact: true })).toBe('$238.0M');
    expect(formatUsd(95_000n, { compact: true })).toBe('$950.00');
    expect(formatUsd(99_999_999n, { compact: true })).toBe('$999,999.99');
    expect(formatUsd(100_000_000n, { compact: true })).toBe('$1.0M');
    expect(formatUsd(-6_600_000_000n, { compact: true })).toBe('-$66.0M');
    expect(formatUsd(99_996_000_000n, { compact: true })).toBe('$1.00B'); // not $1000.0M
    expect(formatUsd(310_000_000_000_000n, { compact: true })).toBe('$3.10T');
  });
  it('rounds compact figures half-even', () => {
    expect(formatUsd(12_250_000_000n, { compact: true })).toBe('$122.5M');
    expect(formatUsd(12_225_000_000n, { compact: true })).toBe('$122.2M'); // tie → even
    expect(formatUsd(12_235_000_000n, { compact: true })).toBe('$122.4M');
  });
});

describe('centsToNumber', () => {
  it('gives dollars as a float', () => {
    expect(centsToNumber(123_456n)).toBe(1234.56);
    expect(centsToNumber(-5n)).toBe(-0.05);
  });
});
