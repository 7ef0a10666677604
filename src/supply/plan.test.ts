import { describe, expect, it } from 'vitest';
import type { TrancheDemand } from './allocation.js';
import type { DesignSpec } from './output.js';
import { buildPlan, type PlanInput, selfMiningUnits } from './plan.js';
import { goodDies } from './yield.js';

const a12: DesignSpec = {
  id: 'a12',
  name: 'A12',
  diesPerWafer: 600,
  models: [{ productId: 'A1246', chipsPerMachine: 100, sharePct: 100 }],
};

const tranche = (contractId: number, dueMonth: string, units: number): TrancheDemand => ({
  contractId,
  lineId: contractId,
  tranche: 1,
  productId: 'A1246',
  dueMonth,
  units,
  kind: 'futures',
  customer: `Customer ${contractId}`,
  paidForShipment: contractId !== 3,
});

function input(overrides: Partial<PlanInput> = {}): PlanInput {
  return {
    from: '2021-01',
    to: '2021-04',
    designs: [a12],
    partnerships: [
      {
        id: 1,
        foundryId: 'tsmc',
        designId: 'a12',
        startMonth: '2019-01',
        curve: { startBp: 9000, matureBp: 9000, monthsToMature: 0, shape: 'linear' },
      },
      {
        id: 2,
        foundryId: 'newfab',
        designId: 'a12',
        startMonth: '2021-02',
        curve: { startBp: 3000, matureBp: 8000, monthsToMature: 5, shape: 'linear' },
      },
    ],
    foundryNames: new Map([
      ['tsmc', 'TSMC'],
      ['newfab', 'NewFab'],
    ]),
    waferOrders: [
      // Received in December with fewer chips than expected: carried into January.
      {
        id: 1,
        partnershipId: 1,
        wafers: 10,
        placedMonth: '2020-09',
        outMonth: '2020-12',
        status: 'received',
        receivedMonth: '2020-12',
        chipsReceived: 5000,
      },
      {
        id: 2,
        partnershipId: 1,
        wafers: 20,
        placedMonth: '2020-11',
        outMonth: '2021-02',
        status: 'placed',
        receivedMonth: null,
        chipsReceived: null,
      },
      {
        id: 3,
        partnershipId: 2,
        wafers: 100,
        placedMonth: '2020-12',
        outMonth: '2021-03',
        status: 'placed',
        receivedMonth: null,
        chipsReceived: null,
      },
    ],
    builds: [],
    assemblyCapacity: () => undefined,
    tranches: [tranche(1, '2021-01', 40), tranche(2, '2021-02', 200), tranche(3, '2021-03', 300)],
    deliveries: [],
    selfMiningBp: () => 1000,
    ...overrides,
  };
}

describe('buildPlan', () => {
  it('runs wafers to machines to tranches, month by month', () => {
    const plan = buildPlan(input());
    const rows = plan.months.map((m) => m.models[0]!);
    expect(rows.map((r) => r.design.wafersOut)).toEqual([0, 20, 100, 0]);
    expect(rows.map((r) => r.design.goodDies)).toEqual([
      0,
      goodDies(20, 600, 9000),
      goodDies(100, 600, 4000),
      0,
    ]);
    // NewFab is in month 2 of its ramp in March: 30% + 1/5 of the way to 80%.
    expect(rows[2]!.design.lots[0]).toMatchObject({
      foundryName: 'NewFab',
      yieldPct: 40,
      expectedDies: 24_000,
      source: 'expected',
    });
    expect(rows[2]!.design.yieldInForce).toEqual([
      { foundryId: 'tsmc', foundryName: 'TSMC', yieldPct: 90, monthOfRamp: 27 },
      { foundryId: 'newfab', foundryName: 'NewFab', yieldPct: 40, monthOfRamp: 2 },
    ]);
    expect(rows.map((r) => r.machinesBuilt)).toEqual([50, 108, 240, 0]);
    expect(rows.every((r) => r.source === 'planned')).toBe(true);
    expect(rows[0]!.allocation).toMatchObject({
      unitsDue: 40,
      selfMiningTarget: 5,
      selfMining: 5,
      toStock: 5,
    });
    expect(plan.totals.machinesBuilt).toBe(398);
  });

  it('expects no chips from a cancelled order', () => {
    const base = input();
    const cancelMarch = {
      ...base,
      waferOrders: base.waferOrders.map((o) =>
        o.outMonth === '2021-03' ? { ...o, status: 'cancelled' as const } : o,
      ),
    };
    const rows = buildPlan(cancelMarch).months.map((m) => m.models[0]!);
    expect(rows.map((r) => r.design.wafersOut)).toEqual([0, 20, 0, 0]);
    expect(rows[2]!.design.lots).toEqual([]);
  });

  it('names the tranches that will be late, by how many units, and why', () => {
    const plan = buildPlan(input());
    expect(
      plan.lateTranches.map((t) => [t.contractId, t.dueMonth, t.unitsShortAtDue, t.filledMonth]),
    ).toEqual([
      [2, '2021-02', 87, '2021-03'],
      [3, '2021-03', 147, null],
    ]);
    const [second, third] = plan.lateTranches;
    expect(second!.why).toMatch(/Due 2021-02: 87 of 200 units short\./);
    expect(second!.why).toMatch(/113 A1246 were available/);
    expect(second!.why).toMatch(/limited by chips: 20 wafers of A12 come out \(TSMC 20 at 90% yield\)/);
    expect(second!.why).toMatch(/Filled in 2021-03, 1 month late\./);
    expect(third!.why).toMatch(/NewFab 100 at 40% yield, month 2 of its ramp/);
    expect(third!.why).toMatch(/87 went to tranches ahead of it/);
    expect(third!.why).toMatch(/Still 147 units open at the end of the plan \(2021-04\)/);
    expect(third!.why).toMatch(/Not yet paid/);
  });

  it('tells recorded builds from planned ones and lets them use chips first', () => {
    const plan = buildPlan(input({ builds: [{ productId: 'A1246', month: '2021-02', units: 60 }] }));
    const rows = plan.months.map((m) => m.models[0]!);
    expect(rows.map((r) => [r.source, r.machinesBuilt])).toEqual([
      ['actual', 0],
      ['actual', 60],
      // 5,000 + 10,800 + 24,000 chips, less 6,000 used in February: 338 machines.
      ['planned', 338],
      ['planned', 0],
    ]);
  });

  it('sends machines the books say were delivered where they went, before any rule', () => {
    // January builds 50; 70 went to contract 9 that month, 20 of them made before the plan.
    const delivered = {
      contractId: 9,
      lineId: 1,
      tranche: 2,
      productId: 'A1246',
      customer: 'Customer 9',
      dueMonth: '2020-12',
      month: '2021-01',
      units: 70,
    };
    const plan = buildPlan(input({ tranches: [tranche(2, '2021-02', 200)], deliveries: [delivered] }));
    const january = plan.months[0]!.models[0]!.allocation;
    expect(january.tranches).toEqual([
      {
        contractId: 9,
        lineId: 1,
        tranche: 2,
        customer: 'Customer 9',
        dueMonth: '2020-12',
        units: 70,
        fromStock: 20,
        late: true,
        recorded: true,
      },
    ]);
    expect(january).toMatchObject({ fromBeforePlan: 20, selfMining: 0, toStock: 0, stockEnd: 0 });
    expect(january.selfMiningNote).toMatch(/took 50 of the 50 machines built \(and 20 more from stock\)\./);
    // Every machine is accounted for: built, plus those from before, went somewhere.
    const t = plan.totals;
    expect(t.machinesBuilt + t.fromBeforePlan).toBe(t.toTranches + t.selfMining + t.stockEnd);
    expect(t.fromBeforePlan).toBe(20);
    // February's open tranche is planned as before, from February's builds.
    expect(plan.months[1]!.models[0]!.allocation.tranches[0]).toMatchObject({
      contractId: 2,
      recorded: false,
    });
  });

  it('hands self-mining its units per model per month', () => {
    const plan = buildPlan(input());
    expect(selfMiningUnits(plan)).toEqual([
      { month: '2021-01', productId: 'A1246', units: 5 },
      { month: '2021-02', productId: 'A1246', units: 0 },
      { month: '2021-03', productId: 'A1246', units: 0 },
      { month: '2021-04', productId: 'A1246', units: 0 },
    ]);
  });
});
