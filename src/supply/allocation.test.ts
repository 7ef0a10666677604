import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, monthRange } from '../kernel/calendar.js';
import {
  type AllocationInput,
  allocateOutput,
  type ProductSupply,
  type TrancheDemand,
} from './allocation.js';

const tranche = (
  contractId: number,
  dueMonth: string,
  units: number,
  productId = 'A1246',
  t = 1,
): TrancheDemand => ({
  contractId,
  lineId: contractId * 10,
  tranche: t,
  productId,
  dueMonth,
  units,
  kind: 'futures',
  customer: `Customer ${contractId}`,
  paidForShipment: true,
});

const supplyOf =
  (table: Record<string, ProductSupply[]>) =>
  (month: string): ProductSupply[] =>
    table[month] ?? [];

describe('allocateOutput', () => {
  it('serves tranches due, earliest first, then self-mining, then stock', () => {
    const result = allocateOutput({
      months: ['2021-01', '2021-02'],
      supply: supplyOf({
        '2021-01': [{ productId: 'A1246', built: 1000, capacity: 1000 }],
        '2021-02': [{ productId: 'A1246', built: 1000, capacity: 1000 }],
      }),
      tranches: [
        tranche(2, '2021-01', 300),
        tranche(1, '2021-01', 200),
        tranche(3, '2021-02', 500),
        tranche(4, '2021-03', 999),
      ],
      selfMiningBp: () => 1000,
    });
    const jan = result.months[0]!.products[0]!;
    expect(jan.toTranches.map((t) => [t.contractId, t.units])).toEqual([
      [1, 200],
      [2, 300],
    ]);
    expect(jan.selfMining).toBe(100);
    expect(jan.toStock).toBe(400);
    const feb = result.months[1]!.products[0]!;
    // February's tranche is served from January's stock first.
    expect(feb.toTranches).toEqual([expect.objectContaining({ contractId: 3, units: 500, fromStock: 400 })]);
    expect(feb.selfMining).toBe(100);
    expect(feb.stockEnd).toBe(800);
    expect(result.late).toEqual([]);
    // A tranche due after the plan's last month is left alone.
    expect(result.tranches.map((t) => t.contractId)).toEqual([1, 2, 3]);
  });

  it('lets self-mining yield to contract tranches, and says so', () => {
    const result = allocateOutput({
      months: ['2021-01'],
      supply: supplyOf({ '2021-01': [{ productId: 'A1246', built: 1000, capacity: 1000 }] }),
      tranches: [tranche(1, '2021-01', 960)],
      selfMiningBp: () => 1000,
    });
    const p = result.months[0]!.products[0]!;
    expect(p.selfMiningTarget).toBe(100);
    expect(p.selfMining).toBe(40);
    expect(p.selfMiningShortfall).toBe(60);
    expect(p.selfMiningNote).toMatch(/contract tranches due come first and took 960 of the 1,000/);
  });

  it('reports a late tranche with the units short, what went ahead of it, and when it fills', () => {
    const result = allocateOutput({
      months: ['2021-01', '2021-02', '2021-03'],
      supply: supplyOf({
        '2021-01': [{ productId: 'A1246', built: 500, capacity: 500 }],
        '2021-02': [{ productId: 'A1246', built: 300, capacity: 300 }],
        '2021-03': [{ productId: 'A1246', built: 300, capacity: 300 }],
      }),
      tranches: [tranche(1, '2020-12', 100), tranche(2, '2021-01', 1000)],
      selfMiningBp: () => 1000,
    });
    expect(
      result.late.map((t) => [t.contractId, t.overdueAtStart, t.unitsShortAtDue, t.filledMonth]),
    ).toEqual([
      [1, true, 100, '2021-01'],
      [2, false, 600, '2021-03'],
    ]);
    const late = result.late[1]!;
    expect(late.unitsAheadInQueue).toBe(100);
    expect(late.allocatedByDue).toBe(400);
    expect(late.filledMonth).toBe('2021-03');
    expect(result.months[1]!.products[0]!.toTranches[0]!.late).toBe(true);
    expect(result.months[0]!.products[0]!.selfMining).toBe(0);
  });

  it('leaves a tranche open at the end of the plan when machines never come', () => {
    const result = allocateOutput({
      months: ['2021-01', '2021-02'],
      supply: () => [],
      tranches: [tranche(1, '2021-01', 50, 'K510')],
      selfMiningBp: () => 1000,
    });
    expect(result.late[0]).toMatchObject({ unitsShortAtDue: 50, filledMonth: null, unitsOpenAtEnd: 50 });
    expect(result.months[1]!.products[0]).toMatchObject({ productId: 'K510', unitsDue: 50, unitsShort: 50 });
  });
});

// --- properties over random order books and output ----------------------------------------------

const PRODUCTS = ['A1066', 'A1166', 'A1246'];
const months = monthRange('2021-01', '2021-08');

const arbitraryInput: fc.Arbitrary<AllocationInput> = fc
  .record({
    tranches: fc.array(
      fc.record({
        contractId: fc.integer({ min: 1, max: 30 }),
        lineId: fc.integer({ min: 1, max: 3 }),
        tranche: fc.integer({ min: 1, max: 4 }),
        productId: fc.constantFrom(...PRODUCTS),
        due: fc.integer({ min: -2, max: 9 }),
        units: fc.integer({ min: 0, max: 800 }),
        paid: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
    supply: fc.array(
      fc.array(
        fc.record({ built: fc.integer({ min: 0, max: 1500 }), spare: fc.integer({ min: 0, max: 500 }) }),
        {
          minLength: PRODUCTS.length,
          maxLength: PRODUCTS.length,
        },
      ),
      { minLength: months.length, maxLength: months.length },
    ),
    selfMiningBp: fc.integer({ min: 0, max: 5000 }),
  })
  .map(({ tranches, supply, selfMiningBp }) => {
    // One tranche per (contract, line, tranche) key, as the order book has.
    const unique = new Map<string, TrancheDemand>();
    for (const t of tranches) {
      unique.set(`${t.contractId}/${t.lineId}/${t.tranche}`, {
        contractId: t.contractId,
        lineId: t.lineId,
        tranche: t.tranche,
        productId: t.productId,
        dueMonth: addMonths('2021-01', t.due),
        units: t.units,
        kind: 'futures',
        customer: `C${t.contractId}`,
        paidForShipment: t.paid,
      });
    }
    const table = new Map(
      months.map((m, i) => [
        m,
        PRODUCTS.map((p, j) => ({
          productId: p,
          built: supply[i]![j]!.built,
          // Capacity can be below what was built (a recorded build beat the plan) or above it.
          capacity: Math.max(0, supply[i]![j]!.built + supply[i]![j]!.spare - 250),
        })),
      ]),
    );
    return {
      months,
      supply: (m: string) => table.get(m) ?? [],
      tranches: [...unique.values()],
      selfMiningBp: () => selfMiningBp,
    };
  });

describe('allocation properties', () => {
  it('is a pure function of its inputs: the order of the tranches does not matter', () => {
    fc.assert(
      fc.property(arbitraryInput, fc.integer(), (input, seed) => {
        const shuffled = [...input.tranches].sort(
          (a, b) =>
            ((a.contractId * 31 + a.tranche * 7 + seed) % 13) -
            ((b.contractId * 31 + b.tranche * 7 + seed) % 13),
        );
        expect(allocateOutput({ ...input, tranches: shuffled })).toEqual(allocateOutput(input));
      }),
    );
  });

  it('never allocates more than is built, nor more than a tranche needs', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const result = allocateOutput(input);
        const perTranche = new Map<string, number>();
        const builtSoFar = new Map<string, number>();
        const allocatedSoFar = new Map<string, number>();
        for (const { month, products } of result.months) {
          for (const p of products) {
            const built = input.supply(month).find((s) => s.productId === p.productId)?.built ?? 0;
            expect(p.built).toBe(built);
            // Conservation: what was in stock and built is what went out plus what is in stock after.
            expect(p.stockStart + p.built).toBe(p.unitsToTranches + p.selfMining + p.stockEnd);
            expect(p.toStock).toBeGreaterThanOrEqual(0);
            expect(p.selfMining).toBeLessThanOrEqual(p.selfMiningTarget);
            builtSoFar.set(p.productId, (builtSoFar.get(p.productId) ?? 0) + p.built);
            const allocated = p.unitsToTranches + p.selfMining;
            allocatedSoFar.set(p.productId, (allocatedSoFar.get(p.productId) ?? 0) + allocated);
            expect(allocatedSoFar.get(p.productId)!).toBeLessThanOrEqual(builtSoFar.get(p.productId)!);
            for (const t of p.toTranches) {
              expect(t.dueMonth <= month).toBe(true);
              const key = `${t.contractId}/${t.lineId}/${t.tranche}`;
              perTranche.set(key, (perTranche.get(key) ?? 0) + t.units);
            }
            // Contracts first: while a due tranche is short, nothing goes to self-mining or stock.
            if (p.unitsShort > 0) {
              expect(p.selfMining).toBe(0);
              expect(p.stockEnd).toBe(0);
            }
          }
        }
        for (const t of input.tranches) {
          const got = perTranche.get(`${t.contractId}/${t.lineId}/${t.tranche}`) ?? 0;
          expect(got).toBeLessThanOrEqual(t.units);
        }
        for (const o of result.tranches) {
          expect(o.allocatedByDue + o.unitsShortAtDue).toBe(o.unitsOpen);
          expect(o.unitsOpenAtEnd).toBe(
            o.unitsOpen - (perTranche.get(`${o.contractId}/${o.lineId}/${o.tranche}`) ?? 0),
          );
        }
      }),
    );
  });

  it('serves an earlier-due tranche of a model in full before a later one gets anything', () => {
    fc.assert(
      fc.property(arbitraryInput, (input) => {
        const result = allocateOutput(input);
        for (const { products } of result.months) {
          for (const p of products) {
            const got = p.toTranches;
            for (let i = 1; i < got.length; i++) {
              expect(got[i - 1]!.dueMonth <= got[i]!.dueMonth).toBe(true);
            }
          }
        }
        const late = new Set(result.late.map((t) => `${t.contractId}/${t.lineId}/${t.tranche}`));
        for (const o of result.tranches) {
          expect(late.has(`${o.contractId}/${o.lineId}/${o.tranche}`)).toBe(o.unitsShortAtDue > 0);
        }
      }),
    );
  });
});
