/**
 * The planning engine without a database: seeded paths are reproducible and slice-proof, zero
 * volatility collapses every path onto the deterministic one, a higher price never lowers the
 * median revenue, percentiles are ordered, and one month of one path computed by hand.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS, spotDemandShare } from '../supply/demand.js';
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
  prepaidShare: 0.3,
  bookingsCentsPerMonth: 50_000_00,
  bookingsHashprice: last.hashpriceUsdPerThDay,
  elasticity: 1,
  elasticitySe: 0,
  bookingsLagMonths: 0,
  bookingsSigma: 0,
  hashpriceBefore: [last.hashpriceUsdPerThDay],
  leadProfile: [0, 0, 1],
  spotShare: 0.5,
  futuresDiscount: 1,
  aiChipsCentsPerMonth: 0,
  depositShare: 0.3,
  cancelBelow: 0.3,
  cancelShare: 0.1,
  costPerThUsd: 28,
  fixedCostsCentsPerMonth: 0,
  deferBelow: 0.15,
  deferShare: 0.5,
  supply: {
    plannedTh: [3000, 3000, 1000, 1000, 1000, 1000],
    stockTh: 500,
    capacityTh: [2000, 2000, 2000, 2000, 2000, 2000],
    takeOrPayTh: [200, 200, 200, 200, 200, 200],
    thPerWafer: 10,
    waferLeadMonths: 2,
    selfMiningBp: 1000,
    powerUsdPerThDay: 0.03,
    thresholds: DEFAULT_THRESHOLDS,
  },
  selfMining: { installedTh: 10_000, energyUsdPerThDay: 0.05 },
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

  // A month's due split between what stock can deliver and what waits is rounded to the cent in
  // each of three queues and the spot sale: two paths delivering the same may differ by that much.
  const CENTS_A_MONTH = 4;
  // Supply from ample (stock that never runs out) to short (no stock, a fifth of the plan, a tenth
  // of the capacity: promises due wait for machines), with self-mining's share up to a half.
  const supplies = {
    ample: (over: Partial<CompanyStart>) => start({ ...over, supply: { ...start().supply, stockTh: 1e9 } }),
    short: (over: Partial<CompanyStart>) => {
      const s = start().supply;
      return start({
        ...over,
        supply: {
          ...s,
          stockTh: 0,
          plannedTh: s.plannedTh.map((x) => x / 5),
          capacityTh: s.capacityTh.map((x) => x / 10),
          takeOrPayTh: s.capacityTh.map(() => 0),
        },
      });
    },
  };
  const higherPrices = fc.record({
    prices: fc.array(fc.double({ min: 5_000, max: 200_000, noNaN: true }), { minLength: H, maxLength: H }),
    k: fc.double({ min: 1, max: 5, noNaN: true }),
    selfMiningBp: fc.integer({ min: 0, max: 5000 }),
  });
  const medians = (
    { prices, k, selfMiningBp }: { prices: number[]; k: number; selfMiningBp: number },
    s: CompanyStart,
  ) => {
    const withSelf = { ...s, supply: { ...s.supply, selfMiningBp } };
    const p50 = (r: ReturnType<typeof run>) => bandsOf(r.company.revenue, 1, H).map((b) => b[2]);
    return {
      low: p50(run({ kind: 'path', pricesUsd: prices }, 1, { s: withSelf })),
      high: p50(run({ kind: 'path', pricesUsd: prices.map((x) => x * k) }, 1, { s: withSelf })),
    };
  };

  for (const [supply, startWith] of Object.entries(supplies)) {
    it(`never give a lower median revenue in any month for higher prices (no deferrals, ${supply} supply)`, () => {
      fc.assert(
        fc.property(higherPrices, (x) => {
          const { low, high } = medians(x, startWith({ deferShare: 0 }));
          for (let m = 0; m < H; m++) expect(high[m]!).toBeGreaterThanOrEqual(low[m]! - CENTS_A_MONTH);
        }),
        { numRuns: 400 },
      );
    });

    it(`never give a lower median revenue to date for higher prices (${supply} supply; a deferral only moves revenue later)`, () => {
      fc.assert(
        fc.property(higherPrices, (x) => {
          const { low, high } = medians(x, startWith({}));
          let lowSum = 0;
          let highSum = 0;
          for (let m = 0; m < H; m++) {
            lowSum += low[m]!;
            highSum += high[m]!;
            expect(highSum).toBeGreaterThanOrEqual(lowSum - CENTS_A_MONTH * (m + 1));
          }
        }),
        { numRuns: 400 },
      );
    });
  }

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
    // January 2021: difficulty follows the price of December (lag 1) with no noise on a given path.
    const decemberReturn = calibration.pairs.at(-1)!.logReturn;
    const difficulty = last.difficulty * Math.exp(0.03 + 0.1 * decemberReturn);
    expect(r.market.difficulty[0]).toBeCloseTo(difficulty, 0);
    const btcPerThDay = rewardFactor('2021-01', 50_000_000) / difficulty;
    const hashprice = btcPerThDay * price;
    // Spot follows December's hashprice: 40 USD/TH, the locked price: nothing cancelled or deferred.
    const spot = 40;
    expect(r.market.spotUsdPerTh[0]).toBeCloseTo(spot, 6);
    expect(r.company.cancelled[0]).toBe(0);
    expect(r.company.deferred[0]).toBe(0);

    // Demand: $50,000 a month at December's hashprice, elasticity 1; half spot, half futures in 2 months.
    const demand = Math.round(50_000_00 * (hashprice / last.hashpriceUsdPerThDay));
    const spotDemand = Math.round(demand * 0.5);
    const forward = demand - spotDemand;

    // Production: the plan's 3,000 TH/s into a stock of 500 at $28/TH. Deliveries: the backlog's
    // 2,500 TH/s first, then self-mining its 10% of production (300), then spot buyers take what
    // they want of the 700 left.
    const spotTh = Math.min(spotDemand / 100 / spot, 500 + 3000 - 2500 - 300);

    // The chip-order rule: payback of a TH/s at spot against its net earnings sets the spot share;
    // self-mining keeps 10%. Nothing is owed when the wafers come out in March that stock and the
    // plan do not cover (February's 2,500 TH/s and March's forward bookings against 4,000 built), so
    // the rule orders its share of what the path's buyers take a month (spot buyers, and forward
    // buyers due within the wafers' two months), grossed up for self-mining's share.
    const payback = spot / (hashprice - 0.03);
    const spotShare = spotDemandShare(payback, DEFAULT_THRESHOLDS);
    const orderShare = 0.1 + 0.9 * spotShare;
    const forwardTh = forward / 100 / spot;
    const stockLeft = 500 + 3000 - 2500 - 300 - spotTh;
    expect(2500 + forwardTh - stockLeft - 3000 - 1000).toBeLessThan(0);
    const buyersTh = (spotDemand / 100 / spot + forwardTh) / 0.9;
    const orderedTh = Math.max(200, orderShare * Math.min(2000, buyersTh));
    expect(r.company.wafers[0]).toBe(Math.round(orderedTh / 10));

    const spotSold = Math.round(spotTh * spot * 100);
    const revenue = 100_000_00 + spotSold;
    const deliveredTh = 2500 + spotTh;
    const cogs = Math.round(deliveredTh * 2800);
    const th = 10_000 + 300;
    const mined = Math.round(th * btcPerThDay * 31 * 1e8);
    const energy = Math.round(th * 0.05 * 31 * 100);
    const deposits = Math.round(forward * 0.3);
    expect(r.company.revenue[0]).toBe(revenue);
    expect(r.company.grossMargin[0]).toBe(revenue - cogs);
    expect(r.company.inventory[0]).toBe(Math.round((3200 - deliveredTh) * 2800));
    expect(r.company.writeDown[0]).toBe(0);
    expect(r.company.btcMined[0]).toBe(mined);
    expect(r.company.btcHeld[0]).toBe(mined); // the hold policy: mined BTC is kept
    // The backlog was paid 30% ahead (its deposits leave the liabilities), spot is paid in full.
    expect(r.company.liabilities[0]).toBe(60_000_00 + deposits - Math.round(100_000_00 * 0.3));
    expect(r.company.cash[0]).toBe(
      1_000_000_00 + deposits + Math.round(100_000_00 * 0.7) + spotSold - Math.round(3000 * 2800) - energy,
    );
    expect(r.company.selfMiningEh[0]).toBeCloseTo(0.0103, 9);
  });

  it('books at the lagged hashprice, spreads forward bookings over the lead profile at the futures discount, and adds AI chips', () => {
    const s = start({
      aiChipsCentsPerMonth: 10_000_00,
      futuresDiscount: 0.8,
      leadProfile: [0, 0.5, 0.5],
      depositShare: 0.25,
      prepaidShare: 0.3,
      bookingsLagMonths: 1,
    });
    const r = run({ kind: 'path', pricesUsd: Array.from({ length: H }, () => 29_000) }, 1, { s });
    // January books at December's hashprice, the calibration's own: $50,000, half spot at $40/TH,
    // half forward, due half in February and half in March, at 80% of spot ($32/TH: 781.25 TH/s).
    const spotSold = 625 * 40 * 100;
    expect(r.company.revenue[0]).toBe(100_000_00 + spotSold + 10_000_00);
    expect(r.company.grossMargin[0]).toBe(
      100_000_00 + spotSold + 10_000_00 - Math.round((2500 + 625) * 2800),
    );
    expect(r.company.backlog[0]).toBe(100_000_00 + 25_000_00);
    // The open book was 30% prepaid; the new forward contracts pay 25% on signing; chips in full.
    const energy = Math.round(10_300 * 0.05 * 31 * 100);
    expect(r.company.liabilities[0]).toBe(60_000_00 + Math.round(25_000_00 * 0.25) - 30_000_00);
    expect(r.company.cash[0]).toBe(
      1_000_000_00 + Math.round(25_000_00 * 0.25) + 70_000_00 + spotSold + 10_000_00 - 3000 * 2800 - energy,
    );
    // February books at January's hashprice; half of January's forward booking is delivered.
    const demand = Math.round(50_000_00 * (r.market.hashpriceUsdPerThDay[0]! / last.hashpriceUsdPerThDay));
    const forward = Math.round(demand * 0.5);
    expect(r.company.liabilities[1]).toBe(
      r.company.liabilities[0]! + Math.round(forward * 0.25) - 30_000_00 - Math.round(12_500_00 * 0.25),
    );
  });

  it('cancels futures when spot falls well below the locked price, forfeiting the deposit share', () => {
    const s = start({ bookingsCentsPerMonth: 0 });
    const crash = run({ kind: 'path', pricesUsd: Array.from({ length: H }, () => 29_000 * 0.2) }, 1, { s });
    // February: spot follows January's hashprice, a fifth of December's: 8 USD/TH < 70% of 40.
    expect(crash.market.spotUsdPerTh[1]).toBeLessThan(28);
    const cancelled = Math.round(100_000_00 * 0.1);
    expect(crash.company.cancelled[1]).toBe(cancelled);
    // Beyond the deferral threshold too: half of what remains of February's futures waits a month.
    const deferred = Math.round((100_000_00 - cancelled) * 0.5);
    expect(crash.company.deferred[1]).toBe(deferred);
    const revenue = 100_000_00 - cancelled - deferred;
    expect(crash.company.revenue[1]).toBe(revenue);
    const forfeited = Math.round(cancelled * 0.3);
    expect(crash.company.liabilities[1]).toBe(
      crash.company.liabilities[0]! - Math.round(revenue * 0.3) - forfeited,
    );
  });

  it('writes stock down to spot when spot falls below its cost, and sells it at that cost after', () => {
    const s = start({ bookingsCentsPerMonth: 0 });
    const crash = run({ kind: 'path', pricesUsd: Array.from({ length: H }, () => 29_000 * 0.2) }, 1, { s });
    const spot = crash.market.spotUsdPerTh[1]!;
    expect(spot * 100).toBeLessThan(2800);
    // January at $40 spot: 500 + 2,700 built − 2,500 delivered = 700 TH/s in stock at $28.
    expect(crash.company.inventory[0]).toBe(700 * 2800);
    // February: 2,700 more built at $28, 1,125 delivered (10% cancelled, half the rest deferred),
    // the rest written down to spot.
    const stockTh = 700 + 2700 - 1125;
    expect(crash.company.writeDown[1]).toBe(Math.round(stockTh * (2800 - spot * 100)));
    expect(crash.company.inventory[1]).toBe(Math.round(stockTh * spot * 100));
    const revenue = 45_000_00;
    const forfeited = Math.round(100_000_00 * 0.1 * 0.3);
    expect(crash.company.grossMargin[1]).toBe(
      revenue - Math.round(1125 * 2800) - crash.company.writeDown[1]! + forfeited,
    );
  });

  it('defers half the month’s futures a month when spot is 15-30% below the locked price', () => {
    const s = start({ bookingsCentsPerMonth: 0, lockedUsdPerTh: 40 / 0.8 });
    const flat = run({ kind: 'path', pricesUsd: Array.from({ length: H }, () => 29_000) }, 1, { s });
    // Spot about 40 against 50 locked: 20% below, between the deferral and cancellation thresholds.
    expect(flat.company.cancelled[0]).toBe(0);
    expect(flat.company.deferred[0]).toBe(50_000_00);
    expect(flat.company.revenue[0]).toBe(50_000_00);
    // February: its own $100,000 and January's deferred $50,000, of which half is deferred again.
    expect(flat.company.deferred[1]).toBe(75_000_00);
    expect(flat.company.revenue[1]).toBe(75_000_00);
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
