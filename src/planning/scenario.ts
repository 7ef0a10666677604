/**
 * A scenario's rules: which months it covers, what its inputs mean for the price model, and the
 * refusals a saved scenario must never carry. Pure; no IO.
 */
import { addMonths, type Month, monthOf, monthsBetween } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Calibration, PriceModel, Shock } from './market.js';
import type { ScenarioInput } from './schemas.js';

/** The months of the horizon: the one after the as-of day's month, and on. */
export function horizonMonths(s: Pick<ScenarioInput, 'asOf' | 'horizonMonths'>): Month[] {
  const first = addMonths(monthOf(s.asOf), 1);
  return Array.from({ length: s.horizonMonths }, (_, i) => addMonths(first, i));
}

/** Refuses what the schema cannot see alone: a shock outside the horizon, a price path too short. */
export function checkScenario(s: ScenarioInput): void {
  const months = horizonMonths(s);
  s.shocks.forEach((shock, i) => {
    if (shock.month < months[0]! || shock.month > months.at(-1)!) {
      throw invalid(
        `shocks.${i}.month`,
        `must be within the horizon, ${months[0]} to ${months.at(-1)} (got ${shock.month}).`,
      );
    }
  });
  if (s.price.model === 'path' && s.price.pricesUsd.length < s.horizonMonths) {
    throw invalid(
      'price.pricesUsd',
      `must give a price for each of the ${s.horizonMonths} months of the horizon (got ${s.price.pricesUsd.length}).`,
    );
  }
}

export function shocksOf(s: ScenarioInput): Shock[] {
  const first = horizonMonths(s)[0]!;
  return s.shocks.map((x) => ({ at: monthsBetween(first, x.month) + 1, change: x.changePct / 100 }));
}

/**
 * The price model the inputs ask for. A yearly drift d and volatility v become monthly log-return
 * parameters: mean ln(1 + d) / 12 − σ² / 2 and σ = v / √12 (so that d is the expected change).
 */
export function priceModelOf(s: ScenarioInput, c: Calibration): PriceModel {
  const p = s.price;
  if (p.model === 'bootstrap')
    return { kind: 'bootstrap', blockMonths: Math.min(p.blockMonths, c.pairs.length) };
  if (p.model === 'path') return { kind: 'path', pricesUsd: p.pricesUsd };
  const sigma =
    p.volatilityPctYear === undefined ? c.volatilityMonthly : p.volatilityPctYear / 100 / Math.sqrt(12);
  const meanLogReturn =
    p.driftPctYear === undefined
      ? c.meanLogReturn + (c.volatilityMonthly ** 2 - sigma ** 2) / 2
      : Math.log(1 + p.driftPctYear / 100) / 12 - sigma ** 2 / 2;
  return { kind: 'gbm', meanLogReturn, volatilityMonthly: sigma };
}

/** Annualised figures of a calibration, as a person reads them. */
export function describeCalibration(c: Calibration) {
  return {
    from: c.from,
    to: c.to,
    volatilityPctYear: c.volatilityMonthly * Math.sqrt(12) * 100,
    driftPctYear: (Math.exp(12 * (c.meanLogReturn + c.volatilityMonthly ** 2 / 2)) - 1) * 100,
    difficultyLagMonths: c.difficulty.lag,
    difficultyGrowthPctMonth: (Math.exp(c.difficulty.intercept) - 1) * 100,
    difficultyToPrice: c.difficulty.slope,
    spotToHashprice: c.spot.slope,
    spotPoints: c.spot.points,
    feesPerBlockSats: Math.round(c.feesPerBlockSats),
  };
}
