/**
 * Mining economics from the market of one day: what a TH/s earns given the network difficulty,
 * the block subsidy and the fees per block, and what a machine costs to run. Pure; no IO.
 *
 * Expected reward is a rate. For hashrate h (H/s) and difficulty D, a block is found on average
 * every D × 2^32 / h seconds, so one TH/s expects 86,400 × 10^12 / (D × 2^32) blocks a day. Luck
 * makes any real day differ; these functions give the expectation.
 *
 * Amounts (sats, cents) are computed as exact fractions from the decimal form of the inputs and
 * rounded once at the end with `roundHalfEven`; only the *rates* (BTC or USD per TH/s per day) are
 * returned as floats.
 */
import { SATS_PER_BTC, type Sats } from '../kernel/bitcoin.js';
import { addDays, type Day, daysBetween, type Month, monthOf } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import {
  type Cents,
  centsToNumber,
  type ExactDecimal,
  numberToExactDecimal,
  roundHalfEven,
} from '../kernel/money.js';

/** One day of the market, as stored and as imported. */
export interface MarketDay {
  day: Day;
  /** Price of one BTC in cents. */
  btcUsd: Cents;
  /** Network difficulty (mean of the day's blocks). */
  difficulty: number;
  /** Average transaction fees per block, in sats. */
  feesPerBlockSats: Sats;
  /** What a new machine sells for per TH/s on the spot market, when known. */
  spotUsdPerTh?: Cents;
}

/**
 * The days of one month added up, for monthly figures (a mean is a sum over a count). Each sum is of
 * the days' values as doubles, added one by one in day order from the first: what the store adds in
 * SQL (store.ts) is then, bit for bit, what `monthTotals` adds here, and a figure made from either is
 * the same.
 */
export interface MarketMonthTotals {
  month: Month;
  days: number;
  /** BTC/USD on the month's last recorded day, in cents. */
  lastBtcUsd: Cents;
  difficulty: number;
  /** Fees per block in sats, each day's as a double. */
  feesPerBlockSats: number;
  /** The days with a spot price, and those prices summed in USD per TH/s (each day's cents ÷ 100). */
  spotDays: number;
  spotUsdPerTh: number;
}

/** Days in day order, added up by month. */
export function monthTotals(days: readonly MarketDay[]): MarketMonthTotals[] {
  const out: MarketMonthTotals[] = [];
  let t: MarketMonthTotals | undefined;
  for (const d of days) {
    const month = monthOf(d.day);
    if (t?.month !== month) {
      t = {
        month,
        days: 0,
        lastBtcUsd: 0n,
        difficulty: 0,
        feesPerBlockSats: 0,
        spotDays: 0,
        spotUsdPerTh: 0,
      };
      out.push(t);
    }
    t.days++;
    t.lastBtcUsd = d.btcUsd;
    t.difficulty += d.difficulty;
    t.feesPerBlockSats += Number(d.feesPerBlockSats);
    if (d.spotUsdPerTh !== undefined) {
      t.spotDays++;
      t.spotUsdPerTh += centsToNumber(d.spotUsdPerTh);
    }
  }
  return out;
}

export const TARGET_BLOCK_SECONDS = 600;
export const BLOCKS_PER_DAY = 144;
export const HALVING_INTERVAL_BLOCKS = 210_000;
export const INITIAL_SUBSIDY_SATS = 50n * SATS_PER_BTC;

const TWO_POW_32 = 4_294_967_296;
const TWO_POW_32_BIG = 4_294_967_296n;
const SECONDS_PER_DAY = 86_400;
const H_PER_TH = 1e12;

/**
 * The first UTC day of each subsidy era: the day its halving block was mined, from
 * data/market/btc_halvings.csv (protocol facts; dates consistent with the Coin Metrics block counts).
 */
export const HALVING_DAYS: readonly Day[] = ['2012-11-28', '2016-07-09', '2020-05-11', '2024-04-20'];

/**
 * Halvings after the last known one are projected at the target pace of 144 blocks a day, so that
 * scenarios running past 2028 see the subsidy fall. Real blocks come a little faster while the
 * hashrate grows, so the projected day may be some weeks late.
 */
const PROJECTED_ERA_DAYS = HALVING_INTERVAL_BLOCKS / BLOCKS_PER_DAY;

function checkDifficulty(difficulty: number): void {
  if (!Number.isFinite(difficulty) || difficulty <= 0) {
    throw invalid('difficulty', `The network difficulty must be a positive number, got ${difficulty}.`);
  }
}

function exact(value: number, field: string): ExactDecimal {
  const decimal = numberToExactDecimal(value);
  if (!decimal) throw invalid(field, `${field} must be a finite number, got ${value}.`);
  return decimal;
}

/** The network hashrate in TH/s that the difficulty implies: D × 2^32 / 600 H/s. */
export function networkHashrateThs(difficulty: number): number {
  checkDifficulty(difficulty);
  return (difficulty * TWO_POW_32) / TARGET_BLOCK_SECONDS / H_PER_TH;
}

/** The number of halvings that happened by the start of `day` (0 before 2012-11-28). */
export function halvingsBy(day: Day): number {
  const known = HALVING_DAYS.filter((halving) => halving <= day).length;
  if (known < HALVING_DAYS.length) return known;
  const sinceLast = daysBetween(HALVING_DAYS[HALVING_DAYS.length - 1]!, day);
  return known + Math.floor(sinceLast / PROJECTED_ERA_DAYS);
}

/** The first day of the next subsidy era after `day` (projected after 2024-04-20). */
export function nextHalvingDay(day: Day): Day {
  const upcoming = HALVING_DAYS.find((halving) => halving > day);
  if (upcoming) return upcoming;
  const projectedEras = halvingsBy(day) - HALVING_DAYS.length + 1;
  return addDays(HALVING_DAYS[HALVING_DAYS.length - 1]!, Math.ceil(projectedEras * PROJECTED_ERA_DAYS));
}

/** The block subsidy on a day: 50 BTC halved once per halving so far (the protocol shifts right, so it reaches 0). */
export function blockSubsidySats(day: Day): Sats {
  const halvings = halvingsBy(day);
  return halvings >= 64 ? 0n : INITIAL_SUBSIDY_SATS >> BigInt(halvings);
}

interface RewardArgs {
  difficulty: number;
  day: Day;
  feesPerBlockSats: Sats;
}

/**
 * Expected sats for `ths` TH/s over `days` days as an exact fraction:
 * ths × days × 86,400 × 10^12 × (subsidy + fees) / (D × 2^32).
 */
function expectedSatsFraction(args: RewardArgs & { ths: number; days: number }): ExactDecimal {
  checkDifficulty(args.difficulty);
  if (args.feesPerBlockSats < 0n) {
    throw invalid(
      'feesPerBlockSats',
      `Fees per block cannot be negative, got ${args.feesPerBlockSats} sats.`,
    );
  }
  const ths = exact(args.ths, 'ths');
  const days = exact(args.days, 'days');
  const difficulty = exact(args.difficulty, 'difficulty');
  const rewardPerBlock = blockSubsidySats(args.day) + args.feesPerBlockSats;
  return {
    numerator:
      ths.numerator *
      days.numerator *
      BigInt(SECONDS_PER_DAY) *
      10n ** 12n *
      rewardPerBlock *
      difficulty.denominator,
    denominator: ths.denominator * days.denominator * difficulty.numerator * TWO_POW_32_BIG,
  };
}

/** Expected BTC a day for 1 TH/s (a rate, so a float: about 7e-6 in January 2021). */
export function expectedBtcPerThPerDay(args: RewardArgs): number {
  checkDifficulty(args.difficulty);
  const blocksPerThDay = (SECONDS_PER_DAY * H_PER_TH) / (args.difficulty * TWO_POW_32);
  return (blocksPerThDay * Number(blockSubsidySats(args.day) + args.feesPerBlockSats)) / Number(SATS_PER_BTC);
}

/** Expected sats for a hashrate over a number of days at one day's difficulty and fees, rounded once. */
export function expectedSatsForHashrate(args: RewardArgs & { ths: number; days: number }): Sats {
  const { numerator, denominator } = expectedSatsFraction(args);
  return roundHalfEven(numerator, denominator);
}

/**
 * Hashprice: expected USD a day for 1 TH/s. A rate, not an amount of money: it is about $0.26 and
 * is only ever multiplied by a hashrate and a period (or charted), so keeping it in whole cents
 * would throw away most of its precision. Amounts derived from it are computed exactly instead, by
 * `machineDailyRevenueCents`.
 */
export function hashpriceUsdPerThDay(args: RewardArgs & { btcUsd: Cents }): number {
  return (expectedBtcPerThPerDay(args) * Number(args.btcUsd)) / 100;
}

/** Expected revenue a day, in cents, for a machine (or a fleet) of `ths` TH/s, rounded once. */
export function machineDailyRevenueCents(args: RewardArgs & { ths: number; btcUsd: Cents }): Cents {
  const { numerator, denominator } = expectedSatsFraction({ ...args, days: 1 });
  return roundHalfEven(numerator * args.btcUsd, denominator * SATS_PER_BTC);
}

/** The cost of the energy a machine of `watts` draws in a day at `usdPerKwh` dollars (e.g. 0.045), rounded once. */
export function machineDailyEnergyCents(watts: number, usdPerKwh: number): Cents {
  if (!(watts >= 0)) throw invalid('watts', `A machine's power must be zero or more watts, got ${watts}.`);
  if (!(usdPerKwh >= 0))
    throw invalid('usdPerKwh', `The energy price must be zero or more USD per kWh, got ${usdPerKwh}.`);
  const w = exact(watts, 'watts');
  const price = exact(usdPerKwh, 'usdPerKwh');
  // watts × 24 h / 1000 = kWh; × USD/kWh × 100 = cents.
  return roundHalfEven(w.numerator * 24n * price.numerator * 100n, w.denominator * price.denominator * 1000n);
}

export interface MachineDay {
  revenueCents: Cents;
  energyCents: Cents;
  netCents: Cents;
}

/** Revenue, energy cost and net of one machine for one day of the market. */
export function machineDailyEconomics(args: {
  ths: number;
  watts: number;
  usdPerKwh: number;
  market: Pick<MarketDay, 'day' | 'btcUsd' | 'difficulty' | 'feesPerBlockSats'>;
}): MachineDay {
  const revenueCents = machineDailyRevenueCents({ ...args.market, ths: args.ths });
  const energyCents = machineDailyEnergyCents(args.watts, args.usdPerKwh);
  return { revenueCents, energyCents, netCents: revenueCents - energyCents };
}

/** Days for a machine to earn its price back at a constant daily net; Infinity when it never does. */
export function paybackDays(priceCents: Cents, dailyNetCents: Cents): number {
  if (dailyNetCents <= 0n) return Number.POSITIVE_INFINITY;
  return Number(priceCents) / Number(dailyNetCents);
}
