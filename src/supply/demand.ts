/**
 * What the BTC price says about demand. The price sets what a machine earns a day (hashprice, from
 * the market module), so how long a buyer takes to earn back the spot price of the current model
 * (payback), so how much of the free capacity spot buyers are assumed to take. Self-mining keeps
 * its share of production while a machine earns more than its power. Every step is explained.
 */
import type { Sats } from '../kernel/bitcoin.js';
import type { Day } from '../kernel/calendar.js';
import { type Cents, formatUsd, mulRatio, numberToExactDecimal } from '../kernel/money.js';
import {
  hashpriceUsdPerThDay,
  type MachineDay,
  machineDailyEconomics,
  paybackDays,
} from '../market/model.js';
import { formatCount as fmt } from './format.js';
import { BASIS_POINTS } from './yield.js';

export interface DemandThresholds {
  /** At or below this payback, spot buyers take every machine we can make. */
  fullDemandPaybackDays: number;
  /** At or above it, they buy none beyond what is already contracted. */
  noDemandPaybackDays: number;
}

export const DEFAULT_THRESHOLDS: DemandThresholds = { fullDemandPaybackDays: 240, noDemandPaybackDays: 720 };
/** The buyer's electricity price a payback is reckoned at unless one is given, USD/kWh. */
export const DEFAULT_POWER_USD_PER_KWH = 0.05;

export const pct = (share: number): string => `${Math.round(share * 1000) / 10}%`;

/** Spot buyers' appetite from payback: 1 up to the full-demand threshold, 0 from the no-demand one, linear between. */
export function spotDemandShare(payback: number, t: DemandThresholds): number {
  if (payback <= t.fullDemandPaybackDays) return 1;
  if (payback >= t.noDemandPaybackDays) return 0;
  return (t.noDemandPaybackDays - payback) / (t.noDemandPaybackDays - t.fullDemandPaybackDays);
}

export interface PriceDemandInput {
  market: { day: Day; btcUsd: Cents; difficulty: number; feesPerBlockSats: Sats; spotUsdPerTh: Cents };
  currentModel: { productId: string; ths: number; watts: number };
  powerUsdPerKwh: number;
  selfMiningBp: number;
  thresholds: DemandThresholds;
}

export interface PriceDemand {
  machinePrice: Cents;
  economics: MachineDay;
  /** Days; Infinity when a machine never earns its price back. */
  payback: number;
  hashprice: number;
  /** Share of the free capacity spot buyers are assumed to take, 0..1. */
  spotShare: number;
  /** Share of free capacity to order beyond contracts: spot buyers' plus self-mining's. */
  orderShare: number;
  explanation: string[];
}

/**
 * The share of free capacity to order beyond contracts: self-mining takes its share of production
 * whatever buyers do while a machine earns more than its power, spot buyers their share of the rest.
 * The one rule for the chip-order recommendation and for planning's paths.
 */
export function orderShareOf(
  payback: number,
  earnsOverPower: boolean,
  selfMiningBp: number,
  t: DemandThresholds,
): { spotShare: number; selfShare: number; orderShare: number } {
  const spotShare = spotDemandShare(payback, t);
  const selfShare = earnsOverPower ? selfMiningBp / BASIS_POINTS : 0;
  return { spotShare, selfShare, orderShare: selfShare + (1 - selfShare) * spotShare };
}

/** The demand a price implies; it never grows when the price falls, because payback only lengthens. */
export function priceDemand(input: PriceDemandInput): PriceDemand {
  const { market, currentModel: model } = input;
  const ths = numberToExactDecimal(model.ths)!;
  const machinePrice = mulRatio(market.spotUsdPerTh, ths.numerator, ths.denominator);
  const economics = machineDailyEconomics({
    ths: model.ths,
    watts: model.watts,
    usdPerKwh: input.powerUsdPerKwh,
    market,
  });
  const payback = paybackDays(machinePrice, economics.netCents);
  const hashprice = hashpriceUsdPerThDay(market);
  const { spotShare, selfShare, orderShare } = orderShareOf(
    payback,
    economics.netCents > 0n,
    input.selfMiningBp,
    input.thresholds,
  );
  const explanation: string[] = [];

  explanation.push(
    `At BTC ${formatUsd(market.btcUsd)}, difficulty ${market.difficulty.toExponential(3)} and ` +
      `${fmt(Number(market.feesPerBlockSats))} sats of fees a block, hashprice is $${hashprice.toFixed(4)} per TH/s a day.`,
  );
  const paybackText = Number.isFinite(payback)
    ? `${Math.round(payback)} days`
    : 'never (it earns no more than its power costs)';
  explanation.push(
    `The ${model.productId} (${model.ths} TH/s, ${model.watts} W) at the spot ${formatUsd(market.spotUsdPerTh)}/TH costs ` +
      `${formatUsd(machinePrice)} and nets ${formatUsd(economics.netCents)} a day at $${input.powerUsdPerKwh}/kWh: payback ${paybackText}.`,
  );
  const t = input.thresholds;
  if (spotShare === 1) {
    explanation.push(
      `Payback is within the ${t.fullDemandPaybackDays}-day full-demand threshold: spot buyers are assumed to take all free capacity.`,
    );
  } else if (spotShare === 0) {
    explanation.push(
      `Payback is beyond the ${t.noDemandPaybackDays}-day no-demand threshold: no spot demand is assumed beyond the order book.`,
    );
  } else {
    explanation.push(
      `Payback is past the ${t.fullDemandPaybackDays}-day full-demand threshold but short of the ${t.noDemandPaybackDays}-day ` +
        `no-demand threshold: spot buyers are assumed to take ${pct(spotShare)} of free capacity.`,
    );
  }
  if (selfShare > 0) {
    explanation.push(
      `Self-mining keeps its ${pct(selfShare)} share of production, so ${pct(orderShare)} of the free capacity is ordered beyond contracts.`,
    );
  } else if (input.selfMiningBp > 0) {
    explanation.push('Self-mining gets no share: a machine would not earn its power cost at this price.');
  }

  return { machinePrice, economics, payback, hashprice, spotShare, orderShare, explanation };
}
