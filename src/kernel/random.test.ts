import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

const take = (seed: number | string, n: number) => {
  const random = createRandom(seed);
  return Array.from({ length: n }, () => random.next());
};

describe('createRandom', () => {
  it('repeats the same sequence for the same seed', () => {
    expect(take(42, 50)).toEqual(take(42, 50));
    expect(take('scenario-a', 50)).toEqual(take('scenario-a', 50));
  });
  it('gives different sequences for different seeds, and tells 1 from "1"', () => {
    expect(take(1, 5)).not.toEqual(take(2, 5));
    expect(take(1, 5)).not.toEqual(take('1', 5));
    expect(take('', 5)).not.toEqual(take('a', 5));
  });
  it('stays in [0, 1) and is roughly uniform', () => {
    const values = take(7, 20_000);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.49);
    expect(mean).toBeLessThan(0.51);
    const buckets = new Array(10).fill(0);
    for (const v of values) buckets[Math.floor(v * 10)]++;
    for (const count of buckets) expect(count).toBeGreaterThan(1800);
  });
  it('draws integers within bounds, both included', () => {
    const random = createRandom(3);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = random.int(-2, 3);
      expect(Number.isInteger(v) && v >= -2 && v <= 3).toBe(true);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-2, -1, 0, 1, 2, 3]);
    expect(random.int(5, 5)).toBe(5);
    expect(() => random.int(3, 2)).toThrow(RangeError);
    expect(() => random.int(0.5, 2)).toThrow(RangeError);
  });
  it('draws normals with the asked mean and spread', () => {
    const random = createRandom('normal');
    const values = Array.from({ length: 20_000 }, () => random.normal(10, 2));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeGreaterThan(1.95);
    expect(sd).toBeLessThan(2.05);
    expect(values.every(Number.isFinite)).toBe(true);
    const standard = createRandom(1).normal();
    expect(Number.isFinite(standard)).toBe(true);
  });
  it('picks items and flips biased coins', () => {
    const random = createRandom(9);
    const items = ['a', 'b', 'c'] as const;
    const picked = new Set(Array.from({ length: 200 }, () => random.pick(items)));
    expect(picked).toEqual(new Set(items));
    expect(() => random.pick([])).toThrow(RangeError);
    const hits = Array.from({ length: 10_000 }, () => random.chance(0.3)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(2800);
    expect(hits).toBeLessThan(3200);
    expect(random.chance(0)).toBe(false);
    expect(random.chance(1)).toBe(true);
  });
});
