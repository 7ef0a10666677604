import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { machineDailyEnergyCents, machineDailyRevenueCents } from '../market/model.js';
import {
  adviseGroup,
  batchSerials,
  breakevenBtcPriceCents,
  checkCapacity,
  checkCompliance,
  checkDeployment,
  checkSerials,
  checkTarget,
  costPerBtcCents,
  curtailmentHashprice,
  luck,
  machineState,
  matchFleetMachines,
  megawattsToWatts,
  priceOn,
  reportedShareOfProduction,
  type SiteForDeployment,
  shareOfProduction,
  shareOfProductionBp,
  shareOfProductionPercent,
  targetBasis,
  targetProgress,
} from './model.js';

const caught = (f: () => unknown): AppError | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
};

const approved: SiteForDeployment = {
  code: 'SG1',
  compliance: {
    status: 'approved',
    permitRef: 'EMA-2021-17',
    permitFrom: '2021-01-01',
    permitUntil: '2023-12-31',
  },
  capacityW: 10_000,
  deployedW: 3_420,
};

describe('capacity and compliance checks', () => {
  it('reads megawatts exactly and refuses fractions of a watt', () => {
    expect(megawattsToWatts(12.5)).toBe(12_500_000);
    expect(megawattsToWatts(0.000001)).toBe(1);
    expect(caught(() => megawattsToWatts(0.0000001))?.field).toBe('capacityMw');
    expect(caught(() => megawattsToWatts(-1))?.kind).toBe('invalid');
  });

  it('deploys to an approved site within capacity', () => {
    expect(() => checkDeployment(approved, 3_420, '2021-03-01')).not.toThrow();
    expect(() => checkDeployment(approved, 6_580, '2021-03-01')).not.toThrow();
  });

  it('refuses a pending or suspended site, naming its status', () => {
    for (const status of ['pending', 'suspended'] as const) {
      const e = caught(() =>
        checkDeployment({ ...approved, compliance: { ...approved.compliance, status } }, 100, '2021-03-01'),
      );
      expect(e?.code).toBe('mining.site-not-approved');
      expect(e?.kind).toBe('conflict');
      expect(e?.message).toContain(status);
      expect(e?.field).toBe('site');
    }
  });

  it('refuses a day outside the permit', () => {
    expect(caught(() => checkDeployment(approved, 100, '2020-12-31'))?.code).toBe(
      'mining.permit-not-in-force',
    );
    expect(caught(() => checkDeployment(approved, 100, '2024-01-01'))?.code).toBe('mining.permit-expired');
  });

  it('refuses beyond capacity by the watts it is over', () => {
    const e = caught(() => checkDeployment(approved, 6_581, '2021-03-01'));
    expect(e?.code).toBe('mining.over-capacity');
    expect(e?.detail).toMatchObject({ capacityW: 10_000, neededW: 10_001, overW: 1 });
    expect(e?.message).toContain('0.010 MW of power capacity');
  });

  it('never lets deployed watts exceed capacity (property)', () => {
    fc.assert(
      fc.property(fc.nat(1e9), fc.nat(1e9), fc.nat(1e6), (capacityW, deployedW, addW) => {
        const ok = caught(() => checkCapacity('X', capacityW, deployedW + addW, addW)) === undefined;
        expect(ok).toBe(deployedW + addW <= capacityW);
      }),
    );
  });

  it('approves only with a permit reference and dates in order', () => {
    expect(
      caught(() =>
        checkCompliance({ status: 'approved', permitRef: null, permitFrom: null, permitUntil: null }),
      )?.code,
    ).toBe('mining.permit-required');
    expect(
      caught(() =>
        checkCompliance({
          status: 'pending',
          permitRef: null,
          permitFrom: '2021-02-01',
          permitUntil: '2021-01-01',
        }),
      )?.field,
    ).toBe('permitUntil');
  });
});

describe('electricity price over time', () => {
  const prices = [
    { effectiveFrom: '2021-06-01', usdPerKwh: 0.06 },
    { effectiveFrom: '2021-01-01', usdPerKwh: 0.045 },
  ];
  it('takes the latest change on or before the day', () => {
    expect(priceOn(prices, '2020-12-31')).toBeUndefined();
    expect(priceOn(prices, '2021-01-01')).toBe(0.045);
    expect(priceOn(prices, '2021-05-31')).toBe(0.045);
    expect(priceOn(prices, '2021-06-01')).toBe(0.06);
    expect(priceOn(prices, '2030-01-01')).toBe(0.06);
  });
});

describe('curtailment threshold and advice', () => {
  const a1246 = { ths: 90, watts: 3420 };
  const market = {
    day: '2022-06-18',
    btcUsd: 1_901_387n,
    difficulty: 30_283_293_547_737,
    feesPerBlockSats: 13_014_000n,
  };

  it('is the energy cost a day per TH/s', () => {
    // 3.42 kW × 24 h × $0.05 = $4.104 a day over 90 TH/s
    expect(curtailmentHashprice(a1246, 0.05)).toBeCloseTo(0.0456, 10);
    expect(caught(() => curtailmentHashprice({ ths: 0, watts: 1 }, 0.05))?.field).toBe('ths');
  });

  const group = (usdPerKwh: number) => ({
    site: 'SG1',
    productId: 'A1246',
    machines: 10,
    ...a1246,
    usdPerKwh,
    revenueCentsPerMachine: machineDailyRevenueCents({ ...market, ths: 90 }),
    energyCentsPerMachine: machineDailyEnergyCents(3420, usdPerKwh),
    hashprice: 0.0806,
  });

  it('keeps machines on while hashprice covers power, off once it does not', () => {
    const cheap = adviseGroup(group(0.05));
    expect(cheap.advice).toBe('keep-on');
    expect(cheap.savedCentsPerDay).toBe(0n);
    const dear = adviseGroup(group(0.12));
    expect(dear.advice).toBe('switch-off');
    // energy 3.42 × 24 × 0.12 = $9.8496 → 985 cents; revenue of 90 TH/s that day ≈ $7.25
    const g = group(0.12);
    expect(dear.savedCentsPerDay).toBe((g.energyCentsPerMachine - g.revenueCentsPerMachine) * 10n);
    expect(dear.thresholdUsdPerThDay).toBeGreaterThan(dear.hashpriceUsdPerThDay);
  });

  it('switches off a suspended site whatever the economics', () => {
    const forced = adviseGroup({ ...group(0.05), forcedBy: 'site SG1 is suspended' });
    expect(forced.advice).toBe('switch-off');
    expect(forced.reason).toContain('suspended');
    expect(forced.savedCentsPerDay).toBeLessThan(0n);
  });

  it('advises switch-off exactly when energy exceeds revenue (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 100_000n), fc.bigInt(0n, 100_000n), fc.nat(1000), (rev, energy, n) => {
        const a = adviseGroup({
          ...group(0.05),
          machines: n,
          revenueCentsPerMachine: rev,
          energyCentsPerMachine: energy,
        });
        expect(a.advice === 'switch-off').toBe(energy > rev);
        expect(a.savedCentsPerDay >= 0n).toBe(true);
      }),
    );
  });
});

describe('breakeven, cost per BTC and luck', () => {
  it('breakeven price is energy per day over BTC per day', () => {
    // $4.104 a day for 0.0004 BTC a day → $10,260 per BTC
    expect(breakevenBtcPriceCents(410n, 40_000n)).toBe(1_025_000n);
    expect(breakevenBtcPriceCents(410n, 0n)).toBeUndefined();
  });

  it('cost per BTC is energy over BTC mined, rounded half-even', () => {
    expect(costPerBtcCents(1_000_000n, 50_000_000n)).toBe(2_000_000n);
    expect(costPerBtcCents(1n, 200_000_000n)).toBe(0n); // 0.5 cent → 0
    expect(costPerBtcCents(3n, 200_000_000n)).toBe(2n); // 1.5 cents → 2
    expect(costPerBtcCents(1n, 0n)).toBeUndefined();
  });

  it('cost per BTC times BTC mined gives back the energy to within a cent per BTC (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 12n), fc.bigInt(1n, 10n ** 12n), (energy, sats) => {
        const perBtc = costPerBtcCents(energy, sats)!;
        const back = (perBtc * sats) / 100_000_000n;
        const slack = sats / 100_000_000n + 1n;
        expect(back - energy <= slack && energy - back <= slack).toBe(true);
      }),
    );
  });

  it('luck is actual over expected', () => {
    expect(luck(110n, 100n)).toBeCloseTo(1.1);
    expect(luck(0n, 100n)).toBe(0);
    expect(luck(5n, 0n)).toBeUndefined();
  });
});

describe('machines, targets and serials', () => {
  it('knows a machine in transit, installed, or hashing', () => {
    expect(machineState({ installedOn: null, fleetThs: null }, '2021-03-01')).toBe('in-transit');
    expect(machineState({ installedOn: '2021-03-05', fleetThs: 90 }, '2021-03-01')).toBe('in-transit');
    expect(machineState({ installedOn: '2021-03-01', fleetThs: null }, '2021-03-01')).toBe('installed');
    expect(machineState({ installedOn: '2021-03-01', fleetThs: 0 }, '2021-03-01')).toBe('installed');
    expect(machineState({ installedOn: '2021-03-01', fleetThs: 88.5 }, '2021-03-01')).toBe('hashing');
  });

  it('measures progress against a low and a high target', () => {
    const t = checkTarget({ byDay: '2021-12-31', lowThs: 2e6, highThs: 4e6, shareBp: 1000 });
    expect(targetProgress(t, 375_000, '2021-06-14')).toMatchObject({
      standing: 'below',
      ofLow: 0.1875,
      missingToLowThs: 1_625_000,
      daysLeft: 200,
      outcome: null,
    });
    expect(targetProgress(t, 3e6, '2021-12-31')).toMatchObject({ standing: 'within', outcome: null });
    expect(targetProgress(t, 5e6, '2021-12-31')).toMatchObject({ standing: 'above', missingToLowThs: 0 });
    // Its by-day behind: no days are counted, and it says how it ended.
    expect(targetProgress(t, 3e6, '2022-01-01')).toMatchObject({ daysLeft: 0, outcome: 'met' });
    expect(targetProgress(t, 5e6, '2026-12-07').outcome).toBe('met');
    expect(targetProgress(t, 1e6, '2022-01-01')).toMatchObject({ daysLeft: 0, outcome: 'missed' });
    expect(caught(() => checkTarget({ ...t, highThs: 1e6 }))?.field).toBe('high');
    // A polled lab beside unpolled mines: the mines count at their installed hashrate.
    const lab = { installedThs: 18_000, measuredThs: 17_500 };
    const mine = { installedThs: 3_000_000, measuredThs: null };
    expect(targetBasis([lab, mine])).toEqual({ ths: 3_017_500, on: 'mixed' });
    expect(targetBasis([mine, { installedThs: 0, measuredThs: null }])).toEqual({
      ths: 3e6,
      on: 'installed',
    });
    expect(targetBasis([lab, { installedThs: 0, measuredThs: null }])).toEqual({
      ths: 17_500,
      on: 'measured',
    });
    expect(caught(() => checkTarget({ ...t, shareBp: 10_001 }))?.field).toBe('sharePercent');
  });

  it('computes the share of production', () => {
    expect(shareOfProductionBp(1_000, 10_000)).toBe(1000);
    expect(shareOfProductionBp(1, 0)).toBeUndefined();
    // One precision for the share and its plan (the CLI's allocation line says both).
    expect(shareOfProductionPercent(1000)).toBe('10.0%');
    expect(shareOfProductionPercent(null)).toBe('n/a');
  });

  it('says the share of production in words, never a share over 100 %', () => {
    expect(shareOfProduction({ shipped: 200, built: 11 }).text).toBe(
      '200 shipped, 11 built this quarter: 189 from earlier stock',
    );
    expect(shareOfProduction({ shipped: 6, built: 0 }, 'from 2026-01 to 2026-12').text).toBe(
      '6 shipped, none built from 2026-01 to 2026-12: all from earlier stock',
    );
    // Counts with thousands separators, as the report prints every count.
    expect(shareOfProduction({ shipped: 9918, built: 99182 }).text).toBe(
      '10.0% (9,918 shipped of 99,182 built this quarter)',
    );
    expect(shareOfProduction({ shipped: 1200, built: 1100 }).text).toBe(
      '1,200 shipped, 1,100 built this quarter: 100 from earlier stock',
    );
    expect(shareOfProduction({ shipped: 11, built: 110 }).text).toBe(
      '10.0% (11 shipped of 110 built this quarter)',
    );
    expect(shareOfProduction({ shipped: 11, built: 11 }).text).toBe(
      '100.0% (11 shipped of 11 built this quarter)',
    );
    expect(shareOfProduction({ shipped: 0, built: 0 }).text).toBe('none built or shipped this quarter');
  });

  it("says a report's share of production from its supply section, or that nothing was built by then", () => {
    const allocation = { selfMiningUnits: 9918, builtUnits: 99182 };
    expect(reportedShareOfProduction({ available: true, allocation }).text).toBe(
      '10.0% (9,918 shipped of 99,182 built this quarter)',
    );
    expect(reportedShareOfProduction({ available: false })).toEqual({
      figure: '—',
      detail: 'no machines built by the end of the quarter',
      text: 'no machines built by the end of the quarter',
    });
  });

  it('numbers a batch of serials and refuses repeats', () => {
    expect(batchSerials('A1246-2103-', 9, 3)).toEqual([
      'A1246-2103-0009',
      'A1246-2103-0010',
      'A1246-2103-0011',
    ]);
    expect(caught(() => checkSerials(['a', 'b', 'a']))?.field).toBe('serials.2');
    expect(caught(() => checkSerials([]))?.field).toBe('serials');
  });
});

describe('finding deployed machines in the fleet', () => {
  const fleet = [
    {
      id: 1,
      serial: 'DNA01',
      dna: 'DNA01',
      mac: '8c:a1:66:00:00:01',
      site: 'SG1',
      status: 'ok',
      hashrateThs: 90,
    },
    {
      id: 2,
      serial: '8c:a1:66:00:00:02',
      dna: null,
      mac: '8c:a1:66:00:00:02',
      site: 'SG1',
      status: 'ok',
      hashrateThs: 0,
    },
    { id: 3, serial: 'SN-3', dna: null, mac: null, site: 'SG1', status: 'new', hashrateThs: null },
  ];
  it('matches by serial, DNA or MAC, ignoring case', () => {
    const m = matchFleetMachines(
      [
        { serial: 'dna01', mac: null },
        { serial: 'A1246-0002', mac: '8C:A1:66:00:00:02'.toLowerCase() },
        { serial: 'SN-3', mac: null },
        { serial: 'A1246-0004', mac: '8c:a1:66:00:00:04' },
      ],
      fleet,
    );
    expect([...m.entries()].map(([s, f]) => `${s}=${f.id}`)).toEqual(['dna01=1', 'A1246-0002=2', 'SN-3=3']);
  });
});
