/**
 * Hashrate in TH/s as a plain number. Unlike money it is a measurement (a machine's nameplate,
 * a pool's estimate), so float precision is more than the data deserves.
 */
import { invalid } from './errors.js';

export type ThPerSecond = number;
export const TH_PER_PH = 1000;
export const TH_PER_EH = 1_000_000;

const UNITS: readonly { name: string; ths: number }[] = [
  { name: 'TH/s', ths: 1 },
  { name: 'PH/s', ths: TH_PER_PH },
  { name: 'EH/s', ths: TH_PER_EH },
];

/** The largest unit that keeps at least 1 in front of the point (below 1000 unless in EH/s): `90.00 TH/s`, `350.00 PH/s`, `2.50 EH/s`. */
export function formatHashrate(ths: number, digits = 2): string {
  if (!Number.isFinite(ths)) return `${ths} TH/s`;
  // Step up while the rounded figure would show 1000 or more, so 999.999 TH/s reads 1.00 PH/s.
  let unit = 0;
  while (unit + 1 < UNITS.length && Number((Math.abs(ths) / UNITS[unit]!.ths).toFixed(digits)) >= 1000)
    unit++;
  const { name, ths: scale } = UNITS[unit]!;
  return `${(ths / scale).toFixed(digits)} ${name}`;
}

const HASHRATE_TEXT = /^(\d+(?:\.\d+)?|\.\d+)(?:e([+-]?\d+))?\s*(?:(th|ph|eh)(?:\/s)?)?$/i;
const UNIT_FACTOR: Record<string, number> = { th: 1, ph: TH_PER_PH, eh: TH_PER_EH };

/** Reads `90`, `"90 TH/s"`, `"350 PH"`, `"3.5 EH/s"`, `"350PH/s"` (any case) as TH/s; a bare number is TH/s. */
export function parseHashrate(text: string | number, field: string): ThPerSecond {
  const refuse = () =>
    invalid(
      field,
      `${field} must be a hashrate of zero or more, such as 90, 90 TH/s, 350 PH/s or 3.5 EH/s, got "${text}".`,
    );
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw refuse();
    return text;
  }
  const match = HASHRATE_TEXT.exec(text.trim());
  if (!match) throw refuse();
  const [, digits, exponent, unit] = match;
  const value = Number(`${digits}${exponent === undefined ? '' : `e${exponent}`}`);
  const ths = value * UNIT_FACTOR[(unit ?? 'th').toLowerCase()]!;
  if (!Number.isFinite(ths)) throw refuse();
  return ths;
}
