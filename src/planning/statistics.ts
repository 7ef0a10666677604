/** The few statistics scenarios need: mean, standard deviation, least squares, percentiles. Pure. */

export function mean(xs: readonly number[]): number {
  return xs.length === 0 ? 0 : xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n − 1); 0 for fewer than two values. */
export function stdev(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

export interface Fit {
  intercept: number;
  slope: number;
  /** Standard deviation of the residuals. */
  residual: number;
  r2: number;
}

/** Ordinary least squares of y on x. */
export function linearFit(x: readonly number[], y: readonly number[]): Fit {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  const intercept = my - slope * mx;
  const residuals = y.map((v, i) => v - intercept - slope * x[i]!);
  return { intercept, slope, residual: stdev(residuals), r2: syy === 0 ? 0 : (sxy * sxy) / (sxx * syy) };
}

/** The p-th percentile (0-100) of sorted values, linearly interpolated between ranks. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (p / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** Where `value` falls among `values`: the share (0-100) of them below it, ties counting half. */
export function rankOf(values: ArrayLike<number>, value: number): number {
  let below = 0;
  let equal = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i]! < value) below++;
    else if (values[i] === value) equal++;
  }
  return values.length === 0 ? Number.NaN : (100 * (below + equal / 2)) / values.length;
}
