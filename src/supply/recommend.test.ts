import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, spotDemandShare } from './demand.js';
import { type RecommendInput, recommendWafers, wafersForDies } from './recommend.js';
import { goodDies } from './yield.js';

/** Early 2021: A12 chips at a mature foundry and a new partner ramping, an A1246 at $50/TH spot. */
function scenario(btcUsd: number, overrides: Partial<RecommendInput> = {}): RecommendInput {
  return {
    month: '2021-06',
    market: {
      day: '2021-06-01',
      btcUsd: BigInt(btcUsd) * 100n,
      difficulty: 25e12,
      feesPerBlockSats: 50_000_000n,
      spotUsdPerTh: 5000n,
    },
    currentModel: { productId: 'A1246', ths: 90, watts: 3420 },
    powerUsdPerKwh: 0.05,
    selfMiningBp: 1000,
    thresholds: DEFAULT_THRESHOLDS,
    designs: [
      {
        id: 'a12',
        name: 'A12',
        diesPerWafer: 600,
        models: [{ productId: 'A1246', chipsPerMachine: 100, sharePct: 100 }],
      },
    ],
    partnerships: [
      {
        id: 1,
        foundryId: 'tsmc',
        designId: 'a12',
        startMonth: '2019-01',
        curve: { startBp: 7000, matureBp: 9200, monthsToMature: 6, shape: 'linear' },
      },
      {
        id: 2,
        foundryId: 'newfab',
        designId: 'a12',
        startMonth: '2021-05',
        curve: { startBp: 3000, matureBp: 8800, monthsToMature: 9, shape: 'logistic' },
      },
    ],
    agreements: [
      {
        id: 1,
        foundryId: 'tsmc',
        foundryName: 'TSMC',
        leadTimeMonths: 3,
        wafersPerMonth: 1000,
        takeOrPayWafers: 200,
        startMonth: '2021-01',
        endMonth: '2022-12',
      },
      {
        id: 2,
        foundryId: 'newfab',
        foundryName: 'NewFab',
        leadTimeMonths: 3,
        wafersPerMonth: 500,
        takeOrPayWafers: 100,
        startMonth: '2021-03',
        endMonth: '2022-02',
      },
    ],
    placedThisMonth: new Map(),
    incoming: [],
    backlog: new Map(),
    openTranches: [
      {
        contractId: 1,
        lineId: 1,
        tranche: 3,
        productId: 'A1246',
        dueMonth: '2021-09',
        units: 2000,
        kind: 'futures',
        customer: 'Northern Hash',
        paidForShipment: true,
      },
    ],
    ...overrides,
  };
}

describe('spotDemandShare', () => {
  it('is full up to the first threshold, none from the second, linear between', () => {
    expect(spotDemandShare(100, DEFAULT_THRESHOLDS)).toBe(1);
    expect(spotDemandShare(240, DEFAULT_THRESHOLDS)).toBe(1);
    expect(spotDemandShare(480, DEFAULT_THRESHOLDS)).toBe(0.5);
    expect(spotDemandShare(720, DEFAULT_THRESHOLDS)).toBe(0);
    expect(spotDemandShare(Number.POSITIVE_INFINITY, DEFAULT_THRESHOLDS)).toBe(0);
  });
});

describe('wafersForDies', () => {
  it('is the fewest wafers whose good dies reach the need', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 1, max: 2000 }),
        fc.integer({ min: 1, max: 10_000 }),
        (dies, dpw, bp) => {
          const w = wafersForDies(dies, dpw, bp);
          expect(goodDies(w, dpw, bp)).toBeGreaterThanOrEqual(dies);
          if (w > 0) expect(goodDies(w - 1, dpw, bp)).toBeLessThan(dies);
        },
      ),
    );
  });
});

describe('recommendWafers', () => {
  it('covers contracted demand from the best yield, stays within capacity and minimums, and explains itself', () => {
    const high = recommendWafers(scenario(60_000));
    const low = recommendWafers(scenario(20_000));
    expect(high.totalWafers).toBeGreaterThan(low.totalWafers);
    for (const r of [high, low]) {
      for (const a of r.agreements) {
        expect(a.wafers).toBeGreaterThanOrEqual(a.takeOrPayWafers);
        expect(a.wafers).toBeLessThanOrEqual(a.wafersPerMonth);
      }
      // 2,000 A1246 due in 2021-09 = 200,000 chips. Both take-or-pay minimums are paid for anyway and
      // go first; the rest comes from TSMC, mature at 92%, not from NewFab, still ramping.
      expect(r.demand.contracted[0]).toMatchObject({
        outMonth: '2021-09',
        contractedDies: 200_000,
        diesToOrder: 200_000,
        diesCovered: 200_000,
      });
      const [tsmc, newFab] = r.agreements.map((a) => a.lots.find((l) => l.reason === 'contracted')!);
      expect(newFab!.wafers).toBe(100);
      expect(newFab!.yieldBp).toBeLessThan(8800);
      const rest = 200_000 - goodDies(200, 600, 9200) - newFab!.expectedDies;
      expect(tsmc!.wafers).toBe(200 + wafersForDies(rest, 600, 9200));
    }
    expect(high.demand.spotShare).toBe(1);
    expect(high.agreements.map((a) => a.wafers)).toEqual([1000, 500]);
    expect(high.explanation.join('\n')).toMatch(/within the 240-day full-demand threshold/);
    expect(low.inputs.paybackDays!).toBeGreaterThan(240);
    expect(low.explanation.join('\n')).toMatch(
      /spot buyers are assumed to take \d+(\.\d)?% of free capacity|no-demand threshold/,
    );
    expect(low.explanation.join('\n')).toMatch(/Recommended: [\d,]+ wafers in 2021-06/);
  });

  it('orders only contracts and take-or-pay minimums when a machine earns less than its power', () => {
    const r = recommendWafers(
      scenario(3_000, {
        openTranches: [
          {
            contractId: 1,
            lineId: 1,
            tranche: 1,
            productId: 'A1246',
            dueMonth: '2021-09',
            units: 100,
            kind: 'futures',
            customer: 'X',
            paidForShipment: true,
          },
        ],
      }),
    );
    expect(r.inputs.paybackDays).toBeNull();
    expect(r.demand.orderShare).toBe(0);
    const contracted = wafersForDies(10_000, 600, 9200);
    expect(r.agreements.map((a) => a.lots.map((l) => [l.reason, l.wafers]))).toEqual([
      [
        ['contracted', contracted],
        ['take-or-pay', 200 - contracted],
      ],
      [['take-or-pay', 100]],
    ]);
    expect(r.explanation.join('\n')).toMatch(/Take-or-pay: 100 more wafers at NewFab/);
    expect(r.explanation.join('\n')).toMatch(/Self-mining gets no share/);
  });

  it('counts chips already on their way and wafers already ordered this month', () => {
    const r = recommendWafers(
      scenario(3_000, {
        incoming: [{ designId: 'a12', month: '2021-09', dies: 150_000 }],
        placedThisMonth: new Map([[1, 950]]),
      }),
    );
    expect(r.demand.contracted[0]).toMatchObject({ incomingDies: 150_000, diesToOrder: 50_000 });
    // TSMC's minimum is met by the 950 already placed. NewFab's 100 take-or-pay wafers are paid for
    // anyway and go first; TSMC's last 50 wafers this month, the best yield, cover what is left.
    const newFab = r.agreements[1]!.lots[0]!;
    expect(newFab).toMatchObject({ reason: 'contracted', wafers: 100 });
    const rest = 50_000 - newFab.expectedDies;
    expect(rest).toBeLessThan(goodDies(50, 600, 9200));
    expect(r.agreements[0]).toMatchObject({ alreadyPlaced: 950, wafers: wafersForDies(rest, 600, 9200) });
    expect(r.demand.contracted[0]!.diesCovered).toBe(50_000);
  });

  it('also catches up on tranches the plan leaves open before the wafers come out', () => {
    const r = recommendWafers(scenario(3_000, { backlog: new Map([['A1246|2021-08', 500]]) }));
    expect(r.demand.contracted[0]).toMatchObject({
      unitsDue: [{ productId: 'A1246', units: 2000, backlog: 500 }],
      contractedDies: 250_000,
    });
    expect(r.explanation.join('\n')).toMatch(
      /2,000 A1246 due then and 500 due earlier that the plan leaves open by 2021-08/,
    );
  });

  it('says when contracted demand exceeds all capacity', () => {
    const r = recommendWafers(
      scenario(60_000, {
        openTranches: [
          {
            contractId: 1,
            lineId: 1,
            tranche: 1,
            productId: 'A1246',
            dueMonth: '2021-09',
            units: 20_000,
            kind: 'futures',
            customer: 'X',
            paidForShipment: true,
          },
        ],
      }),
    );
    expect(r.agreements.map((a) => a.wafers)).toEqual([1000, 500]);
    expect(r.explanation.join('\n')).toMatch(/Capacity limit reached for A12/);
  });

  it('never recommends more wafers at a lower BTC price', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1_000, max: 150_000 }),
        fc.integer({ min: 1_000, max: 150_000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 0, max: 300_000 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 3000 }),
        fc.integer({ min: 0, max: 5000 }),
        (a, b, units, incoming, placed, selfBp, behind) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const extra: Partial<RecommendInput> = {
            selfMiningBp: selfBp,
            backlog: new Map([['A1246|2021-08', behind]]),
            incoming: [{ designId: 'a12', month: '2021-09', dies: incoming }],
            placedThisMonth: new Map([[1, placed]]),
            openTranches: [
              {
                contractId: 1,
                lineId: 1,
                tranche: 1,
                productId: 'A1246',
                dueMonth: '2021-09',
                units,
                kind: 'futures',
                customer: 'X',
                paidForShipment: true,
              },
            ],
          };
          const low = recommendWafers(scenario(lo, extra));
          const high = recommendWafers(scenario(hi, extra));
          expect(low.totalWafers).toBeLessThanOrEqual(high.totalWafers);
          low.agreements.forEach((agreement, i) => {
            expect(agreement.wafers).toBeLessThanOrEqual(high.agreements[i]!.wafers);
            expect(agreement.alreadyPlaced + agreement.wafers).toBeLessThanOrEqual(agreement.wafersPerMonth);
          });
        },
      ),
    );
  });
});
