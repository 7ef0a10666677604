/**
 * Guidance: what the company told investors it expected ("AI chip sales in 2021 should go up",
 * "2-4 EH by the end of the year"), as a metric over a period with a range, and how it compares
 * with what happened. Pure.
 */
import { type Day, lastDayOfQuarter, type Quarter } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';

export const GUIDANCE_METRICS = {
  'machine-bookings-units': 'mining machines booked (units)',
  'machine-bookings-usd': 'mining machines booked (USD)',
  'machine-deliveries-th': 'mining machines delivered (TH/s)',
  'revenue-usd': 'revenue (USD)',
  'ai-chip-revenue-usd': 'AI-chip revenue (USD)',
  'ai-chip-revenue-growth': 'AI-chip revenue against the year before (×)',
  'self-mining-ph': 'self-mining hashrate installed at the end of the period (PH/s)',
  'self-mining-share-pct': "self-mining's share of the machines built (%)",
} as const;
export type GuidanceMetric = keyof typeof GUIDANCE_METRICS;
export const METRIC_NAMES = Object.keys(GUIDANCE_METRICS) as GuidanceMetric[];

export interface Guidance {
  id: number;
  /** The quarter whose results call gave it. */
  givenWith: Quarter;
  metric: GuidanceMetric;
  /** A quarter (2021Q1) or a year (2021). */
  period: string;
  /** Only for machine deliveries and bookings: one product family (A12). */
  family: string | null;
  low: number | null;
  high: number | null;
  statement: string;
}

export type GuidanceInput = Omit<Guidance, 'id'>;

const PERIOD = /^\d{4}(Q[1-4])?$/;

export function checkGuidance(g: GuidanceInput): GuidanceInput {
  if (!PERIOD.test(g.period)) {
    throw invalid(
      'period',
      `period must be a quarter such as 2021Q1 or a year such as 2021, got "${g.period}".`,
    );
  }
  if (g.low === null && g.high === null) throw invalid('low', 'Give a low, a high, or both.');
  if (g.low !== null && g.high !== null && g.low > g.high) {
    throw invalid('high', `high (${g.high}) must not be below low (${g.low}).`);
  }
  if (
    g.family !== null &&
    !['machine-bookings-units', 'machine-bookings-usd', 'machine-deliveries-th'].includes(g.metric)
  ) {
    throw invalid('family', `A family applies only to machine bookings and deliveries, not to ${g.metric}.`);
  }
  return g;
}

/** The last day of a period: a quarter's or a year's. */
export function periodEnd(period: string): Day {
  return period.includes('Q') ? lastDayOfQuarter(period) : `${period}-12-31`;
}

export type GuidanceStatus = 'met' | 'missed' | 'in-progress' | 'not-available';

/**
 * Met when the actual lies within the range once the period is over; before that the figure so far
 * is shown as in progress (a level such as installed PH may already be within it).
 */
export function guidanceStatus(
  g: Pick<Guidance, 'low' | 'high' | 'period'>,
  actual: number | null,
  today: Day,
): GuidanceStatus {
  if (actual === null) return 'not-available';
  if (today <= periodEnd(g.period)) return 'in-progress';
  const aboveLow = g.low === null || actual >= g.low;
  const belowHigh = g.high === null || actual <= g.high;
  return aboveLow && belowHigh ? 'met' : 'missed';
}
