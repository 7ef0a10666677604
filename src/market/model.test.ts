import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SATS_PER_BTC } from '../kernel/bitcoin.js';
import { addDays } from '../kernel/calendar.js';
import { AppError } from '../kernel/errors.js';
import { parseMarketCsv, readCsv } from './csv.js';
import {
  blockSubsidySats,
  expectedBtcPerThPerDay,
  expectedSatsForHashrate,
  HALVING_DAYS,
  halvingsBy,
  hashpriceUsdPerThDay,
  machineDailyEconomics,
  machineDailyEnergyCents,
  machineDailyRevenueCents,
  networkHashrateThs,
  nextHalvingDay,
  paybackDays,
} from './model.js';

const dailyText = readFileSync(new URL('../../data/market/btc_daily.csv', import.meta.url), 'utf8');
const { rows: market } = parseMarketCsv(dailyText);
const records = readCsv(dailyText);
const header = records[0]!.fields;
/** The published columns of btc_daily.csv by day, to check the model against. */
const published = new Map(
  records
    .slice(1)
    .map((r) => [r.fields[0]!, Object.fromEntries(header.map((name, i) => [name, Number(r.fields[i])]))]),
);
const marketOn = (day: string) => market.find((row) => row.day === day)!;

describe('network hashrate', () => {
  it('is difficulty × 2^32 / 600', () => {
    expect(networkHashrateThs(1)).toBeCloseTo(2 ** 32 / 600 / 1e12, 20);
    expect(networkHashrateThs(20_607_418_304_386)).toBeCloseTo(147_513_646.1, 0);
  });
  it('matches implied_hashrate_ths of every day in btc_daily.csv', () => {
    for (const row of market) {
      const expected = published.get(row.day)!.implied_hashrate_ths!;
      // The file rounds to 0.1 TH/s, which matters only for the first years' small figures.
      expect(Math.abs(networkHashrateThs(row.difficulty) - expected)).toBeLessThanOrEqual(
        Math.max(0.05, expected * 1e-6),
      );
    }
  });
  it('refuses a difficulty that is not positive', () => {
    expect(() => networkHashrateThs(0)).toThrow(AppError);
    expect(() => networkHashrateThs(-1)).toThrow(/difficulty must be a positive number/);
    expect(() => networkHashrateThs(Number.NaN)).toThrow(AppError);
  });
});

describe('block subsidy', () => {
  it('halves on the days the halving blocks were mined', () => {
    expect(blockSubsidySats('2009-01-03')).toBe(50n * SATS_PER_BTC);
    expect(blockSubsidySats('2012-11-27')).toBe(50n * SATS_PER_BTC);
    expect(blockSubsidySats('2012-11-28')).toBe(25n * SATS_PER_BTC);
    expect(blockSubsidySats('2016-07-08')).toBe(25n * SATS_PER_BTC);
    expect(blockSubsidySats('2016-07-09')).toBe(1_250_000_000n);
    expect(blockSubsidySats('2020-05-10')).toBe(1_250_000_000n);
    expect(blockSubsidySats('2020-05-11')).toBe(625_000_000n);
    expect(blockSubsidySats('2024-04-19')).toBe(625_000_000n);
    expect(blockSubsidySats('2024-04-20')).toBe(312_500_000n);
  });
  it('agrees with the subsidy column of btc_daily.csv away from halving days', () => {
    for (const row of market) {
      if (HALVING_DAYS.includes(row.day) || HALVING_DAYS.includes(addDays(row.day, 1))) continue;
      const { subsidy_btc_total, blocks } = published.get(row.day)!;
      // The file derives the subsidy from USD totals; a few days of September 2022 are off by ~2e-5.
      const perBlock = (subsidy_btc_total! / blocks!) * 1e8;
      expect(Math.abs(perBlock / Number(blockSubsidySats(row.day)) - 1), row.day).toBeLessThan(1e-4);
    }
  });
  it('projects later halvings at 144 blocks a day, down to zero', () => {
    expect(nextHalvingDay('2021-01-15')).toBe('2024-04-20');
    expect(nextHalvingDay('2024-04-20')).toBe('2028-04-18'); // 2024-04-20 + ⌈210,000 / 144⌉ = 1459 days
    expect(blockSubsidySats('2028-04-17')).toBe(312_500_000n);
    expect(blockSubsidySats('2028-04-18')).toBe(156_250_000n);
    expect(halvingsBy(nextHalvingDay('2030-01-01'))).toBe(halvingsBy('2030-01-01') + 1);
    expect(halvingsBy(addDays(nextHalvingDay('2030-01-01'), -1))).toBe(halvingsBy('2030-01-01'));
    expect(blockSubsidySats('2300-01-01')).toBe(0n);
    expect(halvingsBy('2008-01-01')).toBe(0);
  });
});

describe('expected reward and hashprice', () => {
  it('gives the textbook figure for January 2021', () => {
    const btc = expectedBtcPerThPerDay({
      difficulty: 20_607_418_304_386,
      day: '2021-01-15',
      feesPerBlockSats: 94_367_000n,
    });
    const blocksPerThDay = 86_400e12 / (20_607_418_304_386 * 2 ** 32);
    expect(btc).toBeCloseTo(blocksPerThDay * 7.19367, 15);
    expect(btc).toBeGreaterThan(7e-6);
    expect(btc).toBeLessThan(7.1e-6);
  });
  it('is within a few per cent of the published hashprice on sample days', () => {
    for (const day of ['2021-01-15', '2021-06-15', '2017-12-17', '2022-11-09', '2024-06-01']) {
      const ours = hashpriceUsdPerThDay(marketOn(day));
      const theirs = published.get(day)!.hashprice_usd_per_th_day!;
      expect(Math.abs(ours / theirs - 1)).toBeLessThan(0.03);
    }
    expect(hashpriceUsdPerThDay(marketOn('2021-01-15'))).toBeCloseTo(0.2578, 3);
    expect(hashpriceUsdPerThDay(marketOn('2021-06-15'))).toBeCloseTo(0.2657, 3);
  });
  it('tracks the published hashprice on every day but the halving days', () => {
    // On a halving day part of the blocks still paid the old subsidy; Coin Metrics' block counts
    // run a few blocks ahead, so its data halves on 2024-04-19 already.
    const mixed = new Set([...HALVING_DAYS, '2024-04-19']);
    for (const row of market) {
      if (mixed.has(row.day)) continue;
      const theirs = published.get(row.day)!.hashprice_usd_per_th_day!;
      expect(Math.abs(hashpriceUsdPerThDay(row) / theirs - 1), row.day).toBeLessThan(0.002);
    }
  });
  it('computes sats for a hashrate exactly and rounds once', () => {
    const args = { difficulty: 20_607_418_304_386, day: '2021-01-15', feesPerBlockSats: 94_367_000n };
    const perThDay = expectedBtcPerThPerDay(args) * 1e8;
    const fleet = expectedSatsForHashrate({ ...args, ths: 350_000, days: 90 });
    expect(Number(fleet)).toBeCloseTo(perThDay * 350_000 * 90, -1);
    // Splitting the work does not lose satoshis beyond one per part.
    const parts = [0, 1, 2].map(() => expectedSatsForHashrate({ ...args, ths: 350_000, days: 30 }));
    expect(Number(fleet - parts.reduce((s, p) => s + p, 0n))).toBeLessThanOrEqual(3);
    expect(expectedSatsForHashrate({ ...args, ths: 0, days: 30 })).toBe(0n);
    expect(expectedSatsForHashrate({ ...args, ths: 110, days: 0.5 })).toBe(
      expectedSatsForHashrate({ ...args, ths: 55, days: 1 }),
    );
  });
  it('gives a difficulty of 1 and one TH/s the exact fraction', () => {
    // 86,400 × 10^12 × 50 BTC / 2^32 with no fees, in sats, rounded half-even.
    const sats = expectedSatsForHashrate({
      ths: 1,
      days: 1,
      difficulty: 1,
      day: '2010-01-01',
      feesPerBlockSats: 0n,
    });
    const exact = (86_400n * 10n ** 12n * 5_000_000_000n * 2n + 2n ** 32n) / (2n * 2n ** 32n);
    expect(sats).toBe(exact);
  });
  it('refuses negative fees and bad numbers', () => {
    const base = { ths: 100, days: 1, difficulty: 1e13, day: '2021-01-15' };
    expect(() => expectedSatsForHashrate({ ...base, feesPerBlockSats: -1n })).toThrow(
      /Fees per block cannot be negative/,
    );
    expect(() => expectedSatsForHashrate({ ...base, ths: Number.NaN, feesPerBlockSats: 0n })).toThrow(
      AppError,
    );
    expect(() => expectedBtcPerThPerDay({ difficulty: 0, day: '2021-01-15', feesPerBlockSats: 0n })).toThrow(
      AppError,
    );
  });
});

describe('machine economics', () => {
  const january = marketOn('2021-01-15');
  it('earns hashprice × TH/s a day, in cents', () => {
    const revenue = machineDailyRevenueCents({ ...january, ths: 90 });
    expect(Number(revenue)).toBeCloseTo(hashpriceUsdPerThDay(january) * 90 * 100, 0);
    expect(machineDailyRevenueCents({ ...january, ths: 0 })).toBe(0n);
  });
  it('prices energy exactly', () => {
    expect(machineDailyEnergyCents(3420, 0.05)).toBe(410n); // 82.08 kWh × $0.05 = $4.104
    expect(machineDailyEnergyCents(3250, 0.045)).toBe(351n); // 78 kWh × $0.045 = $3.51
    expect(machineDailyEnergyCents(1000, 0.0625)).toBe(150n); // exactly $1.50
    expect(machineDailyEnergyCents(125, 0.0125)).toBe(4n); // 3.75 cents → 4 (tie to even)
    expect(machineDailyEnergyCents(125, 0.0075)).toBe(2n); // 2.25 cents → 2
    expect(machineDailyEnergyCents(0, 0.05)).toBe(0n);
    expect(() => machineDailyEnergyCents(-1, 0.05)).toThrow(/power must be zero or more watts/);
    expect(() => machineDailyEnergyCents(100, Number.NaN)).toThrow(AppError);
  });
  it('combines revenue and energy into a daily net', () => {
    const day = machineDailyEconomics({ ths: 90, watts: 3420, usdPerKwh: 0.05, market: january });
    expect(day.energyCents).toBe(410n);
    expect(day.netCents).toBe(day.revenueCents - day.energyCents);
    expect(day.netCents > 0n).toBe(true);
  });
  it('works out payback, infinite when a machine loses money', () => {
    expect(paybackDays(300_000n, 1_000n)).toBe(300);
    expect(paybackDays(300_000n, 0n)).toBe(Number.POSITIVE_INFINITY);
    expect(paybackDays(300_000n, -50n)).toBe(Number.POSITIVE_INFINITY);
    expect(paybackDays(0n, 100n)).toBe(0);
  });
});
