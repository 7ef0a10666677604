/**
 * One unit for a set of figures (a chart's axis, a table's column), chosen from the largest of
 * them, so that "800 PH" and "1.2 EH" never share an axis and every figure reads against the same.
 */
import { TH_PER_EH, TH_PER_PH } from '../../src/kernel/hashrate.js';

export interface HashrateUnit {
  name: 'TH/s' | 'PH/s' | 'EH/s';
  ths: number;
}

export function hashrateUnit(maxThs: number): HashrateUnit {
  if (maxThs >= TH_PER_EH) return { name: 'EH/s', ths: TH_PER_EH };
  if (maxThs >= TH_PER_PH) return { name: 'PH/s', ths: TH_PER_PH };
  return { name: 'TH/s', ths: 1 };
}

export interface MoneyScale {
  /** `$M`: what the axis title says. */
  name: string;
  dollars: number;
  suffix: string;
}

export function moneyScale(maxDollars: number): MoneyScale {
  if (maxDollars >= 1e9) return { name: 'USD billions', dollars: 1e9, suffix: 'B' };
  if (maxDollars >= 1e6) return { name: 'USD millions', dollars: 1e6, suffix: 'M' };
  if (maxDollars >= 1e3) return { name: 'USD thousands', dollars: 1e3, suffix: 'k' };
  return { name: 'USD', dollars: 1, suffix: '' };
}

/** Digits after the point that tell apart ticks of a scale whose top is `top` in its unit. */
export const tickDigits = (top: number): number => (top >= 10 ? 0 : top >= 1 ? 1 : 2);
