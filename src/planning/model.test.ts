/**
 * The planning engine without a database: seeded paths are reproducible and slice-proof, zero
 * volatility collapses every path onto the deterministic one, a higher price never lowers the
 * median revenue, percentiles are ordered, and one month of one path computed by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CompanyStart, emptyCompanyPaths, runCompany } from './company.js';
import { type Calibration, drawMarket, emptyMarketPaths, type PriceModel, rewardFactor } from './market.js';
import { bandsOf, cashRisk } from './outcomes.js';
import { seededRandom } from './random.js';

const MONTHS = ['2021-01', '2021-02', '2021-03', '2021-04', '2021-05', '2021-06'];
const H = MONTHS.length;

const last: Calibration['last'] = {
  month: '2020-12',
  priceUsd: 29_000,
  difficulty: 18.6e12,
  feesPerBlockSats: 50_000_000,
  spotUsdPerTh: 40,
  hashpriceUsdPerThDay: (rewardFactor('2020-12', 50_000_000) / 18.6e12) * 29_000,
};

const calibration: Calibration = {
  from: '2016-01',
  to: '2020-12',
  meanLogReturn: 0.05,
  volatilityMonthly: 0.2,
  difficulty: { lag: 1, intercept: 0.03, slope: 0.1, residual: 0.05, r2: 0.3 },
  spot: {
    intercept: Math.log(40) - Math.log(last.hashpriceUsdPerThDay),
    slope: 1,
    residual: 0,
    r2: 0,
    points: 0,
  },
  feesPerBlockSats: 50_000_000,
  last,
  pairs: Array.from({ length: 48 }, (_, i) => ({
    logReturn: Math.sin(i) * 0.2,
    logGrowth: 0.03 + Math.cos(i) * 0.02,
  })),
};

const start = (over: Partial<CompanyStart> = {}): CompanyStart => ({
  scheduledCents: [100_000_00, 100_000_00, 0, 0, 0, 0],
  scheduledTh: [2500, 2500, 0, 0, 0, 0],
  laterCents: 0,
  futuresShare: 1,
  lockedUsdPerTh: 40,
  liabilitiesCents: 60_000_00,
  bookingsCentsPerMonth: 50_000_00,
  bookingsHashprice: last.hashpriceUsdPerThDay,
  elasticity: 1,
  leadMonths: 2,
  spotShare: 0.5,
  depositShare: 0.3,
  cancelBelow: 0.3,
  cancelShare: 0.1,
  costPerThUsd: 28,
  fixedCostsCentsPerMonth: 0,
  selfMining: { installedTh: 10_000, addThPerMonth: 1000, energyUsdPerThDay: 0.05 },
  treasury: { btcSats: 0, usdCents: 1_000_000_00 },
  daysInMonth: [31, 28, 31, 30, 31, 30],
  ...over,
});

function run(
  model: PriceModel,
  paths: number,
  opts: { seed?: number; slice?: number; s?: CompanyStart } = {},
) {
  const market = emptyMarketPaths(paths, H);
  const company = emptyCompanyPaths(paths, H);
  const randomFor = (p: number) => seededRandom((opts.seed ?? 7) * 1000 + p);
  const slice = opts.slice ?? paths;
  for (let first = 0; first < paths; first += slice) {
    const count = Math.min(slice, paths - first);
    drawMarket(market, first, count, calibration, model, [], MONTHS, randomFor);
    runCompany(company, first, count, opts.s ?? start(), market);
  }
  return { market, company };
}

const gbm = (vol: number): PriceModel => ({ kind: 'gbm', meanLogReturn: 0.02, volatilityMonthly: vol });
const pathOf = (i: number, H_: number) => Array.from({ length: H_ }, (_, m) => i * 1000 + m);

describe('paths', () => {
  it('are the same for the same seed, whether drawn in one slice or many', () => {
    const whole = run(gbm(0.2), 40);
    const sliced = run(gbm(0.2), 40, { slice: 7 });
    expect(sliced.market.priceUsd).toEqual(whole.market.priceUsd);
    expect(sliced.company.cash).toEqual(whole.company.cash);
    expect(run(gbm(0.2), 40, { seed: 8 }).market.priceUsd).not.toEqual(whole.market.priceUsd);
  });

  it('all equal the deterministic one when the volatility is zero', () => {
    const many = run(gbm(0), 25);
    const one = run(gbm(0), 1);
    for (let p = 0; p < 25; p++) {
      expect(many.company.revenue.subarray(p * H, p * H + H)).toEqual(one.company.revenue);
      expect(many.company.cash.subarray(p * H, p * H + H)).toEqual(one.company.cash);
      expect(many.market.priceUsd.subarray(p * H, p * H + H)).toEqual(one.market.priceUsd);
    }
  });

  it('never give a lower median revenue for higher prices', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 5_000, max: 200_000, noNaN: true }), { minLength: H, maxLength: H }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        (prices, k) => {
          const low = run({ kind: 'path', pricesUsd: prices }, 1);
          const high = run({ kind: 'path', pricesUsd: prices.map((x) => x * k) }, 1);
          const lowBands = bandsOf(low.company.revenue, 1, H);
          const highBands = bandsOf(high.company.revenue, 1, H);
          for (let m = 0; m < H; m++) expect(highBands[m]![2]).toBeGreaterThanOrEqual(lowBands[m]![2]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('give ordered percentiles for every figure and month', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (seed, vol) => {
          const r = run(gbm(vol), 50, { seed });
          for (const values of [r.company.revenue, r.company.cash, r.company.btcHeld, r.market.priceUsd]) {
            for (const b of bandsOf(values, 50, H)) {
              for (let q = 1; q < 5; q++) expect(b[q]).toBeGreaterThanOrEqual(b[q - 1]!);
            }
          }
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('one month of one path, by hand', () => {
  it('matches the engine to the cent and the sat', () => {
    const price = 36_000;
    const r = run({ kind: 'path', pricesUsd: [price, ...pathOf(1, H - 1).map((x) => x + 30_000)] }, 1);
    const s = start();
    // January 2021: difficulty follows the price of December (lag 1) with no noise on a given path.
    const decemberReturn = calibration.pairs.at(-1)!.logReturn;
    const difficulty = last.difficulty * Math.exp(0.03 + 0.1 * decemberReturn);
    expect(r.market.difficulty[0]).toBeCloseTo(difficulty, 0);
    const btcPerThDay = rewardFactor('2021-01', 50_000_000) / difficulty;
    const hashprice = btcPerThDay * price;
    // Spot follows December's hashprice: 40 USD/TH, above 70% of the locked 40, so nothing is cancelled.
    expect(r.market.spotUsdPerTh[0]).toBeCloseTo(40, 6);
    const booked = Math.round(50_000_00 * (hashprice / last.hashpriceUsdPerThDay));
    const bookedSpot = Math.round(booked * 0.5);
    const revenue = 100_000_00 + bookedSpot;
    const cost = Math.round((2500 + bookedSpot / 100 / 40) * 28 * 100);
    const th = 11_000;
    const mined = Math.round(th * btcPerThDay * 31 * 1e8);
    const energy = Math.round(th * 0.05 * 31 * 100);
    const deposits = Math.round(booked * 0.3);
    expect(r.company.revenue[0]).toBe(revenue);
    expect(r.company.grossMargin[0]).toBe(revenue - cost);
    expect(r.company.btcMined[0]).toBe(mined);
    expect(r.company.btcHeld[0]).toBe(mined);
    expect(r.company.liabilities[0]).toBe(60_000_00 + deposits - Math.round(revenue * 0.3));
    expect(r.company.cash[0]).toBe(1_000_000_00 + deposits + Math.round(revenue * 0.7) - cost - energy);
    expect(r.company.selfMiningEh[0]).toBeCloseTo(0.011, 9);
    expect(s.treasury.usdCents).toBe(1_000_000_00);
  });

  it('cancels futures when spot falls well below the locked price, forfeiting the deposit share', () => {
    const s = start({ bookingsCentsPerMonth: 0 });
    const crash = run({ kind: 'path', pricesUsd: Array.from({ length: H }, () => 29_000 * 0.2) }, 1, { s });
    // February: spot follows January's hashprice, a fifth of December's: 8 USD/TH < 70% of 40.
    expect(crash.market.spotUsdPerTh[1]).toBeLessThan(28);
    const cancelled = Math.round(100_000_00 * 0.1);
    expect(crash.company.cancelled[1]).toBe(cancelled);
    const revenue = 100_000_00 - cancelled;
    expect(crash.company.revenue[1]).toBe(revenue);
    const forfeited = Math.round(cancelled * 0.3);
    expect(crash.company.grossMargin[1]).toBe(revenue - Math.round(2500 * 0.9 * 28 * 100) + forfeited);
    expect(crash.company.liabilities[1]).toBe(
      crash.company.liabilities[0]! - Math.round(revenue * 0.3) - forfeited,
    );
  });
});

describe('cash risk', () => {
  it('counts paths below the floor and sizes the chip order from the P10 and P50 of the lowest cash', () => {
    const minCash = Float64Array.from([-100, 0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
    const r = cashRisk(minCash, 50);
    expect(r.belowFloor).toBeCloseTo(2 / 11);
    expect(r.chipOrderAtP50Cents).toBe(400 - 50);
    expect(r.chipOrderAtP10Cents).toBe(0); // P10 of the lowest cash is 0, below the floor
  });
});
