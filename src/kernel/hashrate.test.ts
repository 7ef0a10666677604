import { describe, expect, it } from 'vitest';
import { formatHashrate, parseHashrate, TH_PER_EH, TH_PER_PH } from './hashrate.js';

describe('formatHashrate', () => {
  it('picks the unit', () => {
    expect(formatHashrate(90)).toBe('90.00 TH/s');
    expect(formatHashrate(350_000)).toBe('350.00 PH/s');
    expect(formatHashrate(2_500_000)).toBe('2.50 EH/s');
    expect(formatHashrate(1000)).toBe('1.00 PH/s');
    expect(formatHashrate(999)).toBe('999.00 TH/s');
    expect(formatHashrate(0)).toBe('0.00 TH/s');
    expect(formatHashrate(0.5)).toBe('0.50 TH/s');
    expect(formatHashrate(150_000_000)).toBe('150.00 EH/s');
  });
  it('chooses the unit after rounding', () => {
    expect(formatHashrate(999.999)).toBe('1.00 PH/s');
    expect(formatHashrate(999_996)).toBe('1.00 EH/s');
  });
  it('honours digits and signs', () => {
    expect(formatHashrate(3_456_789, 1)).toBe('3.5 EH/s');
    expect(formatHashrate(350_000, 0)).toBe('350 PH/s');
    expect(formatHashrate(-2000)).toBe('-2.00 PH/s');
  });
});

describe('parseHashrate', () => {
  it('reads numbers and text with units, in TH/s', () => {
    expect(parseHashrate(90, 'ths')).toBe(90);
    expect(parseHashrate('90', 'ths')).toBe(90);
    expect(parseHashrate('90 TH/s', 'ths')).toBe(90);
    expect(parseHashrate('350 PH', 'ths')).toBe(350 * TH_PER_PH);
    expect(parseHashrate('3.5 EH/s', 'ths')).toBe(3.5 * TH_PER_EH);
    expect(parseHashrate('350PH/s', 'ths')).toBe(350_000);
    expect(parseHashrate('2 eh/s', 'ths')).toBe(2_000_000);
    expect(parseHashrate('0.11 ph', 'ths')).toBeCloseTo(110);
    expect(parseHashrate('0', 'ths')).toBe(0);
    expect(parseHashrate('1e3 TH', 'ths')).toBe(1000);
  });
  it('refuses negatives, NaN and unknown units, naming the field', () => {
    for (const bad of [
      -1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '-5',
      '90 GH/s',
      '90 MH',
      'fast',
      '',
      'TH/s',
      '3.5 EH/h',
    ]) {
      expect(() => parseHashrate(bad, 'target.hashrate')).toThrow(/^target\.hashrate must be a hashrate/);
    }
  });
});
