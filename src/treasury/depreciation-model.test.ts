import { describe, expect, it } from 'vitest';
import {
  accumulatedOn,
  accumulatedUnder,
  costPerBtc,
  depreciate,
  lifeDays,
  lifeSchedule,
  unitCostAt,
} from './depreciation-model.js';

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
    const lives = lifeSchedule(36, []);
    const at = (from: string, on: string) => depreciate({ cohorts, builds, lives, from, on });
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

  it('charges each day at the life in force that day: a change of life is prospective (hand-computed)', () => {
    // $3,000 installed 2021-01-01 under the default of 2 months (61 days); from 2021-01-11 the life
    // is 1 month (30 days), from 2021-01-21 4 months (122 days).
    const lives = lifeSchedule(2, [
      { effectiveFrom: '2021-01-11', lifeMonths: 1 },
      { effectiveFrom: '2021-01-21', lifeMonths: 4 },
    ]);
    expect(lives.map((l) => l.lifeDays)).toEqual([61, 30, 122]);
    const charged = (day: string) => accumulatedUnder(300_000n, '2021-01-01', day, lives);
    // 10 days at 1/61: 300,000 × 10 / 61 = 49,180.33 → 49,180; unchanged by the later lives.
    expect(charged('2021-01-10')).toBe(49_180n);
    // 30 − 10 = 20 days left for the 250,820 not yet charged: 5 days = 62,705 more.
    expect(charged('2021-01-15')).toBe(49_180n + 62_705n);
    // 10 days of 20 = 125,410 more by 2021-01-20.
    expect(charged('2021-01-20')).toBe(174_590n);
    // Then 122 − 20 = 102 days left for 125,410: 51 days = half, 62,705 more.
    expect(charged('2021-03-12')).toBe(174_590n + 62_705n);
    expect(charged('2021-05-02')).toBe(300_000n);
    expect(charged('2021-12-31')).toBe(300_000n);
    // Applied to the whole history, the 1-month life would have charged 20 days of 30 by 01-20.
    expect(accumulatedOn(300_000n, '2021-01-01', '2021-01-20', 30)).toBe(200_000n);

    // A life shorter than the days already served writes the rest off on its first day.
    const shorter = lifeSchedule(4, [{ effectiveFrom: '2021-03-01', lifeMonths: 1 }]);
    const before = accumulatedUnder(300_000n, '2021-01-01', '2021-02-28', shorter);
    expect(before).toBe(145_082n); // 59 days of 122: 145,081.97
    expect(accumulatedUnder(300_000n, '2021-01-01', '2021-03-01', shorter)).toBe(300_000n);

    // The fleet's figures: periods at their lives add up, and a period before a change is unchanged.
    const cohorts = [{ productId: 'A1246', day: '2021-01-01', machines: 1 }];
    const costed = [{ productId: 'A1246', month: '2021-01', units: 1, unitCostCents: 300_000n }];
    const at = (from: string, on: string) => depreciate({ cohorts, builds: costed, lives, from, on });
    const jan = at('2021-01-01', '2021-01-31');
    expect(jan).toMatchObject({ lifeMonths: 4, lifeDays: 122 });
    expect(at('2021-01-01', '2021-01-10').periodCents).toBe(49_180n);
    expect(jan.periodCents + at('2021-02-01', '2021-12-31').periodCents).toBe(300_000n);
  });

  it('counts energy alone and energy with depreciation per BTC mined', () => {
    const c = costPerBtc(1_000_000n, 500_000n, 50_000_000n); // 0.5 BTC
    expect(c.energyPerBtcCents).toBe(2_000_000n);
    expect(c.withDepreciationPerBtcCents).toBe(3_000_000n);
    expect(costPerBtc(1n, 1n, 0n).withDepreciationPerBtcCents).toBeNull();
  });
});
