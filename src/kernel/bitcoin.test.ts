import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatBtc, parseBtc, SATS_PER_BTC, satsToBtcNumber, usdValueOfSats } from './bitcoin.js';
import { AppError } from './errors.js';

describe('parseBtc', () => {
  it('reads amounts up to the satoshi', () => {
    expect(parseBtc('1', 'amount')).toBe(SATS_PER_BTC);
    expect(parseBtc('1.23456789', 'amount')).toBe(123_456_789n);
    expect(parseBtc('0.00000001', 'amount')).toBe(1n);
    expect(parseBtc('-2.5', 'amount')).toBe(-250_000_000n);
    expect(parseBtc('1,000.25 BTC', 'amount')).toBe(100_025_000_000n);
    expect(parseBtc('6.25btc', 'amount')).toBe(625_000_000n);
    expect(parseBtc('1.100000000', 'amount')).toBe(110_000_000n); // trailing zeros add no precision
    expect(parseBtc('21000000', 'amount')).toBe(2_100_000_000_000_000n);
  });
  it('reads numbers through their decimal string', () => {
    expect(parseBtc(0.1, 'amount')).toBe(10_000_000n);
    expect(parseBtc(0.29, 'amount')).toBe(29_000_000n);
    expect(parseBtc(1e-8, 'amount')).toBe(1n);
    expect(parseBtc(0, 'amount')).toBe(0n);
  });
  it('refuses more than 8 decimals', () => {
    expect(() => parseBtc('0.000000001', 'fees')).toThrow(/fees has more than 8 decimals/);
    expect(() => parseBtc(1e-9, 'fees')).toThrow(AppError);
  });
  it('refuses text that is not an amount, naming the field', () => {
    for (const bad of ['', 'one', '1.2.3', 'BTC', '1 BTC BTC', '12,34', 'NaN']) {
      expect(() => parseBtc(bad, 'payout.amount')).toThrow(/^payout\.amount must be an amount of bitcoin/);
    }
    expect(() => parseBtc(Number.NaN, 'x')).toThrow(AppError);
  });
});

describe('formatBtc', () => {
  it('always shows 8 decimals', () => {
    expect(formatBtc(123_456_789n)).toBe('1.23456789 BTC');
    expect(formatBtc(0n)).toBe('0.00000000 BTC');
    expect(formatBtc(-1n)).toBe('-0.00000001 BTC');
    expect(formatBtc(625_000_000n)).toBe('6.25000000 BTC');
    expect(formatBtc(100_025_000_000n)).toBe('1,000.25000000 BTC');
  });
  it('round-trips through parseBtc', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }), (sats) => {
        expect(parseBtc(formatBtc(sats), 'x')).toBe(sats);
      }),
    );
  });
});

describe('conversions', () => {
  it('values sats at a price, rounding once half-even', () => {
    expect(usdValueOfSats(SATS_PER_BTC, 3_000_000n)).toBe(3_000_000n);
    expect(usdValueOfSats(625_000_000n, 5_000_012n)).toBe(31_250_075n);
    expect(usdValueOfSats(50_000_000n, 1n)).toBe(0n); // half a cent → 0
    expect(usdValueOfSats(150_000_000n, 1n)).toBe(2n); // 1.5 cents → 2
    expect(usdValueOfSats(-150_000_000n, 1n)).toBe(-2n);
    expect(usdValueOfSats(0n, 5_000_000n)).toBe(0n);
  });
  it('gives BTC as a float for charts', () => {
    expect(satsToBtcNumber(123_456_789n)).toBe(1.23456789);
  });
});
