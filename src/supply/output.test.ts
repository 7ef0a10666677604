import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildKey, type ChipArrival, type DesignSpec, planOutput, splitProRata } from './output.js';

const design: DesignSpec = {
  id: 'A12',
  name: 'A12 chip',
  diesPerWafer: 1000,
  models: [{ productId: 'A1246', chipsPerMachine: 100, sharePct: 100 }],
};

const lot = (orderId: number, month: string, dies: number, designId = 'A12'): ChipArrival => ({
  orderId,
  designId,
  foundryId: 'tsmc',
  foundryName: 'TSMC',
  month,
  wafers: 10,
  yieldBp: 9000,
  partnershipAge: 12,
  expectedDies: dies,
  dies,
  source: 'expected',
});

describe('splitProRata', () => {
  it('splits exactly, largest remainder first, ties to the earlier item', () => {
    expect(splitProRata(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(splitProRata(7, [2, 1])).toEqual([5, 2]);
    expect(splitProRata(5, [0, 0])).toEqual([0, 0]);
  });

  it('always adds up to the total and never gives a weight-0 item anything', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 1 }),
        (total, weights) => {
          const split = splitProRata(total, weights);
          const sum = weights.reduce((a, b) => a + b, 0);
          expect(split.reduce((a, b) => a + b, 0)).toBe(sum === 0 ? 0 : total);
          split.forEach((s, i) => {
            if (weights[i] === 0) expect(s).toBe(0);
          });
        },
      ),
    );
  });
});

describe('planOutput', () => {
  it('builds what the chips allow and carries the remainder', () => {
    const out = planOutput({
      from: '2021-01',
      to: '2021-03',
      designs: [design],
      arrivals: [lot(1, '2021-01', 1050), lot(2, '2021-03', 960)],
      actualBuilds: new Map(),
      planFrom: '2021-01',
      assemblyCapacity: () => undefined,
    });
    expect(out.map((m) => m.models[0]!.built)).toEqual([10, 0, 10]);
    expect(out.map((m) => m.designs[0]!.chipsCarriedOut)).toEqual([50, 50, 10]);
    expect(out[0]!.models[0]!.source).toBe('planned');
    expect(out[1]!.models[0]!.limitedBy).toBe('chips');
  });

  it('shares assembly capacity in proportion to what chips allow', () => {
    const two: DesignSpec = {
      ...design,
      id: 'B',
      name: 'B chip',
      models: [{ productId: 'B1', chipsPerMachine: 10, sharePct: 100 }],
    };
    const out = planOutput({
      from: '2021-01',
      to: '2021-01',
      designs: [design, two],
      arrivals: [lot(1, '2021-01', 3000), lot(2, '2021-01', 100, 'B')],
      actualBuilds: new Map(),
      planFrom: '2021-01',
      assemblyCapacity: () => 20,
    });
    const [a, b] = out[0]!.models;
    expect(a!.buildableByChips).toBe(30);
    expect(b!.buildableByChips).toBe(10);
    expect(a!.built + b!.built).toBe(20);
    expect(a!.built).toBe(15);
    expect(a!.limitedBy).toBe('assembly');
    // The chips not built this month wait in the pool.
    expect(out[0]!.designs[0]!.chipsCarriedOut).toBe(1500);
  });

  it('takes recorded builds as actual up to the last recorded month, planned after', () => {
    const out = planOutput({
      from: '2021-01',
      to: '2021-04',
      designs: [design],
      arrivals: [lot(1, '2021-01', 5000)],
      actualBuilds: new Map([[buildKey('A1246', '2021-02'), 7]]),
      planFrom: '2021-01',
      assemblyCapacity: () => undefined,
    });
    expect(out.map((m) => [m.models[0]!.source, m.models[0]!.built])).toEqual([
      ['actual', 0],
      ['actual', 7],
      ['planned', 43],
      ['planned', 0],
    ]);
  });

  it('builds nothing unrecorded before the plan starts and carries those chips in', () => {
    const out = planOutput({
      from: '2020-11',
      to: '2021-01',
      designs: [design],
      arrivals: [lot(1, '2020-11', 3000)],
      actualBuilds: new Map([[buildKey('A1246', '2020-12'), 5]]),
      planFrom: '2021-01',
      assemblyCapacity: () => undefined,
    });
    expect(out.map((m) => [m.month, m.models[0]!.source, m.models[0]!.built])).toEqual([
      ['2020-11', 'actual', 0],
      ['2020-12', 'actual', 5],
      ['2021-01', 'planned', 25],
    ]);
  });

  it('splits a design’s chips between its models by share', () => {
    const shared: DesignSpec = {
      ...design,
      models: [
        { productId: 'A1246', chipsPerMachine: 100, sharePct: 75 },
        { productId: 'A1166', chipsPerMachine: 50, sharePct: 25 },
      ],
    };
    const out = planOutput({
      from: '2021-01',
      to: '2021-01',
      designs: [shared],
      arrivals: [lot(1, '2021-01', 4000)],
      actualBuilds: new Map(),
      planFrom: '2021-01',
      assemblyCapacity: () => undefined,
    });
    expect(out[0]!.models.map((m) => [m.productId, m.chips, m.built])).toEqual([
      ['A1246', 3000, 30],
      ['A1166', 1000, 20],
    ]);
  });

  it('never uses more chips than arrived (planned months)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ m: fc.integer({ min: 0, max: 11 }), dies: fc.integer({ min: 0, max: 50_000 }) }),
          { maxLength: 10 },
        ),
        fc.option(fc.integer({ min: 0, max: 500 }), { nil: undefined }),
        (lots, capacity) => {
          const arrivals = lots.map((l, i) => lot(i + 1, `2021-${String(l.m + 1).padStart(2, '0')}`, l.dies));
          const out = planOutput({
            from: '2021-01',
            to: '2021-12',
            designs: [design],
            arrivals,
            actualBuilds: new Map(),
            planFrom: '2021-01',
            assemblyCapacity: () => capacity,
          });
          let used = 0;
          for (const m of out) {
            used += m.models[0]!.built * 100;
            if (capacity !== undefined) expect(m.models[0]!.built).toBeLessThanOrEqual(capacity);
            expect(m.designs[0]!.chipsCarriedOut).toBeGreaterThanOrEqual(0);
          }
          expect(used).toBeLessThanOrEqual(lots.reduce((s, l) => s + l.dies, 0));
        },
      ),
    );
  });
});
