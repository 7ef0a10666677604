import { describe, expect, it } from 'vitest';
import { accumulatedOn, costPerBtc, depreciate, lifeDays, unitCostAt } from './depreciation-model.js';

const builds = [
  { productId: 'A1246', month: '2020-10', units: 100, unitCostCents: 150_000n },
  { productId: 'A1246', month: '2020-11', units: 300, unitCostCents: 130_000n },
  { productId: 'A1166', month: '2020-12', units: 10, unitCostCents: 90_000n },
];

describe('machine depreciation', () => {
  it('states a life of months as whole days, 36 months = 1,096 days, and refuses a life of none', () => {
    expect(lifeDays(36)).toBe(1096);
    expect(lifeDays(12)).toBe(365);
    expect(() => lifeDays(0)).toThrow(/lifeMonths|life/);
  });

  it("costs a machine at its model's builds up to its install month, averaged over their units", () => {
    expect(unitCostAt(builds, 'A1246', '2020-10')).toBe(150_000n);
    // (100 × 1,500 + 300 × 1,300) / 400 = 1,350
    expect(unitCostAt(builds, 'A1246', '2021-01')).toBe(135_000n);
    expect(unitCostAt(builds, 'A1166', '2020-11')).toBeUndefined();
  });

  it('writes a cost off straight-line by day from the install day, never past the cost', () => {
    const life = lifeDays(36);
    expect(accumulatedOn(1_096_000n, '2021-01-01', '2020-12-31', life)).toBe(0n);
    expect(accumulatedOn(1_096_000n, '2021-01-01', '2021-01-01', life)).toBe(1_000n);
    expect(accumulatedOn(1_096_000n, '2021-01-01', '2021-01-10', life)).toBe(10_000n);
    expect(accumulatedOn(1_096_000n, '2021-01-01', '2030-01-01', life)).toBe(1_096_000n);
  });

  it('charges a period what the accumulated figure grew by; periods add up to the whole', () => {
    const cohorts = [
      { productId: 'A1246', day: '2020-11-15', machines: 40 },
      { productId: 'A1246', day: '2020-12-20', machines: 10 },
      { productId: 'A1166', day: '2020-11-20', machines: 5 }, // no costed A1166 build by 2020-11
    ];
    const at = (from: string, on: string) => depreciate({ cohorts, builds, lifeMonths: 36, from, on });
    const q4 = at('2020-10-01', '2020-12-31');
    expect(q4.machines).toBe(55);
    expect(q4.uncostedMachines).toBe(5);
    // 40 at the Nov average (100×1,500+300×1,300)/400 = 1,350, 10 at the same: 50 × 1,350
    expect(q4.grossCostCents).toBe(6_750_000n);
    expect(q4.periodCents).toBe(q4.accumulatedCents);
    const nov = at('2020-11-01', '2020-11-30');
    const dec = at('2020-12-01', '2020-12-31');
    expect(nov.periodCents + dec.periodCents).toBe(q4.periodCents);
    // 40 × 1,350 for 16 days of 1,096, plus 10 × 1,350 for 12 days
    expect(q4.periodCents).toBe(
      accumulatedOn(5_400_000n, '2020-11-15', '2020-12-31', 1096) +
        accumulatedOn(1_350_000n, '2020-12-20', '2020-12-31', 1096),
    );
    expect(q4.netBookValueCents).toBe(q4.grossCostCents - q4.accumulatedCents);
    const later = at('2020-10-01', '2024-12-31');
    expect(later.accumulatedCents).toBe(later.grossCostCents);
    expect(() => at('2021-01-01', '2020-12-31')).toThrow(/from/);
  });

  it('counts energy alone and energy with depreciation per BTC mined', () => {
    const c = costPerBtc(1_000_000n, 500_000n, 50_000_000n); // 0.5 BTC
    expect(c.energyPerBtcCents).toBe(2_000_000n);
    expect(c.withDepreciationPerBtcCents).toBe(3_000_000n);
    expect(costPerBtc(1n, 1n, 0n).withDepreciationPerBtcCents).toBeNull();
  });
});
