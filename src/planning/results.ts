/**
 * A run's figures as the API and the CLI give them: per month the P5-P95 bands of each figure (money
 * in integer cents, BTC in sats), the cash risk and chip order, and the three deterministic cases
 * side by side. Pure; no IO.
 */
import type { Month } from '../kernel/calendar.js';
import type { Figure } from './company.js';
import type { Calibration, PriceModel, Shock } from './market.js';
import { allBands, type Band, cashRisk, perPath } from './outcomes.js';
import type { Drawn } from './run.js';
import { describeCalibration } from './scenario.js';
import { percentileOfSorted } from './statistics.js';

/** How each figure is counted: cents, sats, EH/s or USD (the BTC price, a rate). */
const UNITS: Record<Figure | 'btcPriceUsd', 'cents' | 'sats' | 'ehs' | 'usd' | 'wafers'> = {
  revenue: 'cents',
  grossMargin: 'cents',
  cash: 'cents',
  liabilities: 'cents',
  backlog: 'cents',
  cancelled: 'cents',
  deferred: 'cents',
  inventory: 'cents',
  writeDown: 'cents',
  wafers: 'wafers',
  btcHeld: 'sats',
  btcMined: 'sats',
  selfMiningEh: 'ehs',
  btcPriceUsd: 'usd',
};

export interface MonthBand {
  month: Month;
  p5: string;
  p25: string;
  p50: string;
  p75: string;
  p95: string;
}

/** Cents, sats and wafers as whole decimal strings (bigints on the wire); EH/s and USD with their decimals. */
function shown(unit: (typeof UNITS)[keyof typeof UNITS], x: number): string {
  if (unit === 'cents' || unit === 'sats' || unit === 'wafers') return BigInt(Math.round(x)).toString();
  return unit === 'ehs' ? x.toFixed(4) : x.toFixed(2);
}

export function bandsView(drawn: Drawn, months: readonly Month[]) {
  const bands = allBands(drawn.company, drawn.market);
  return Object.fromEntries(
    Object.entries(bands).map(([figure, rows]) => {
      const unit = UNITS[figure as Figure];
      return [figure, { unit, months: rows.map((b: Band, i) => bandRow(months[i]!, b, unit)) }];
    }),
  ) as Record<Figure | 'btcPriceUsd', { unit: string; months: MonthBand[] }>;
}

function bandRow(month: Month, b: Band, unit: (typeof UNITS)[keyof typeof UNITS]): MonthBand {
  return {
    month,
    p5: shown(unit, b[0]),
    p25: shown(unit, b[1]),
    p50: shown(unit, b[2]),
    p75: shown(unit, b[3]),
    p95: shown(unit, b[4]),
  };
}

export function riskView(drawn: Drawn, floorCents: bigint) {
  const r = cashRisk(drawn.company.minCash, Number(floorCents));
  const { paths, months } = drawn.market;
  const firstMonth = perPath(drawn.company.wafers, paths, months, [0], 'last').sort();
  return {
    cashFloorCents: floorCents,
    chipOrderRuleWafersP50: Math.round(percentileOfSorted(firstMonth, 50)),
    cashBelowFloorProbability: r.belowFloor,
    chipOrderAtP50Cents: BigInt(r.chipOrderAtP50Cents),
    chipOrderAtP10Cents: BigInt(r.chipOrderAtP10Cents),
  };
}

/** The deterministic cases: no volatility, the calibrated drift, and BTC halving or doubling in the first month. */
export const DETERMINISTIC: { name: string; shocks: Shock[] }[] = [
  { name: 'base', shocks: [] },
  { name: 'BTC halves', shocks: [{ at: 1, change: -0.5 }] },
  { name: 'BTC doubles', shocks: [{ at: 1, change: 1 }] },
];

export function deterministicModel(c: Calibration): PriceModel {
  return { kind: 'gbm', meanLogReturn: c.meanLogReturn + c.volatilityMonthly ** 2 / 2, volatilityMonthly: 0 };
}

/** One deterministic path's totals over the horizon and its end state. */
export function caseView(name: string, drawn: Drawn) {
  const c = drawn.company;
  const H = drawn.market.months;
  const sum = (xs: Float64Array) => BigInt(Math.round(xs.reduce((s, x) => s + x, 0)));
  return {
    name,
    revenueCents: sum(c.revenue),
    grossMarginCents: sum(c.grossMargin),
    cancelledCents: sum(c.cancelled),
    btcMinedSats: sum(c.btcMined),
    endCashCents: BigInt(Math.round(c.cash[H - 1]!)),
    endBacklogCents: BigInt(Math.round(c.backlog[H - 1]!)),
    endBtcHeldSats: BigInt(Math.round(c.btcHeld[H - 1]!)),
    endBtcPriceUsd: drawn.market.priceUsd[H - 1]!.toFixed(2),
  };
}

export { describeCalibration };
