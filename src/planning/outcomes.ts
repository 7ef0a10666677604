/**
 * What a run's paths say: per month the P5/P25/P50/P75/P95 of each figure, the chance that cash
 * falls below the floor, the largest chip order the cash can carry, and where an actual figure
 * falls among the paths (the back-test). Pure; no IO.
 */
import { type CompanyPaths, FIGURES, type Figure } from './company.js';
import type { MarketPaths } from './market.js';
import { percentileOfSorted, rankOf } from './statistics.js';

export const PERCENTILES = [5, 25, 50, 75, 95] as const;
export type Band = [number, number, number, number, number];

/** The bands of one figure, month by month. */
export function bandsOf(values: Float64Array, paths: number, months: number): Band[] {
  const column = new Float64Array(paths);
  const bands: Band[] = [];
  for (let m = 0; m < months; m++) {
    for (let p = 0; p < paths; p++) column[p] = values[p * months + m]!;
    column.sort();
    bands.push(PERCENTILES.map((q) => percentileOfSorted(column, q)) as Band);
  }
  return bands;
}

export type FigureBands = Record<Figure | 'btcPriceUsd', Band[]>;

export function allBands(company: CompanyPaths, market: MarketPaths): FigureBands {
  const { paths, months } = market;
  const out = Object.fromEntries(FIGURES.map((f) => [f, bandsOf(company[f], paths, months)])) as Record<
    Figure,
    Band[]
  >;
  return { ...out, btcPriceUsd: bandsOf(market.priceUsd, paths, months) };
}

export interface CashRisk {
  /** Share of paths on which cash fell below the floor in some month. */
  belowFloor: number;
  /**
   * The largest chip order paid at the start that keeps cash at or above the floor on the median
   * path, and on nine paths in ten (P10 of each path's lowest cash).
   */
  chipOrderAtP50Cents: number;
  chipOrderAtP10Cents: number;
}

export function cashRisk(minCash: Float64Array, floorCents: number): CashRisk {
  let below = 0;
  for (const c of minCash) if (c < floorCents) below++;
  const sorted = Float64Array.from(minCash).sort();
  const room = (p: number) => Math.max(0, Math.round(percentileOfSorted(sorted, p)) - floorCents);
  return {
    belowFloor: minCash.length === 0 ? 0 : below / minCash.length,
    chipOrderAtP50Cents: room(50),
    chipOrderAtP10Cents: room(10),
  };
}

/** One figure on every path over some months of the horizon: summed (flows) or at the last (stocks). */
export function perPath(
  values: Float64Array,
  paths: number,
  months: number,
  over: readonly number[],
  how: 'sum' | 'last',
): Float64Array {
  const out = new Float64Array(paths);
  for (let p = 0; p < paths; p++) {
    if (how === 'last') out[p] = values[p * months + over.at(-1)!]!;
    else for (const m of over) out[p] = out[p]! + values[p * months + m]!;
  }
  return out;
}

/** Where the actual value fell: the share of paths below it (0-100). */
export const percentileRank = rankOf;
