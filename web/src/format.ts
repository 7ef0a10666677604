/**
 * How figures read on screen. The API sends cents and sats as decimal strings; they become bigints
 * here and are formatted by the same kernel functions the CLI and the report use, so a figure reads
 * the same everywhere. Floats are made only for charts.
 */
import { formatBtc, type Sats, satsToBtcNumber } from '../../src/kernel/bitcoin.js';
import { dayOf } from '../../src/kernel/calendar.js';
import { formatHashrate } from '../../src/kernel/hashrate.js';
import { type Cents, centsToNumber, formatUsd, formatUsdDecimal } from '../../src/kernel/money.js';
import { hashrateUnit, moneyScale, tickDigits } from './units.js';

export type Wire = string | number | bigint | null | undefined;

const big = (v: Wire): bigint | null => {
  if (v === null || v === undefined || v === '') return null;
  try {
    return BigInt(v);
  } catch {
    return null;
  }
};

const DASH = '—';

export const usd = (cents: Wire): string => {
  const c = big(cents);
  return c === null ? DASH : formatUsd(c as Cents, { compact: true });
};
export const usdExact = (cents: Wire): string => {
  const c = big(cents);
  return c === null ? DASH : formatUsd(c as Cents);
};
/** An amount as a form field takes it (`1234.56`), e.g. to suggest one; empty when there is none. */
export const usdInput = (cents: Wire): string => {
  const c = big(cents);
  return c === null ? '' : formatUsdDecimal(c as Cents);
};
export const usdNumber = (cents: Wire): number => centsToNumber((big(cents) ?? 0n) as Cents);
export const btc = (sats: Wire): string => {
  const s = big(sats);
  return s === null ? DASH : formatBtc(s as Sats);
};
export const btcNumber = (sats: Wire): number => satsToBtcNumber((big(sats) ?? 0n) as Sats);
export const hashrate = (ths: number | null | undefined, digits = 2): string =>
  ths === null || ths === undefined ? DASH : formatHashrate(ths, digits);
/** A low–high range in one unit when both share it: `2.0–4.0 EH/s`. */
export const hashrateRange = (low: number, high: number, digits = 1): string => {
  const [a, unitA] = formatHashrate(low, digits).split(' ');
  const b = formatHashrate(high, digits);
  return b.endsWith(` ${unitA}`) ? `${a}–${b}` : `${formatHashrate(low, digits)} – ${b}`;
};
export const count = (n: number | string | null | undefined): string =>
  n === null || n === undefined ? DASH : Number(n).toLocaleString('en-US');
export const percent = (ratio: number | null | undefined, digits = 1): string =>
  ratio === null || ratio === undefined || !Number.isFinite(ratio)
    ? DASH
    : `${(ratio * 100).toFixed(digits)} %`;
export const fixed = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || !Number.isFinite(n)
    ? DASH
    : n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
/** USD per TH/s per day (hashprice), a small float. */
export const usdPerThDay = (n: number | null | undefined): string =>
  n === null || n === undefined ? DASH : `$${n.toFixed(4)}/TH/day`;
/**
 * A chart axis's figures: a plain formatter, or one made from the largest value on the axis, so one
 * axis keeps one unit (TH, PH or EH; $k, $M or $B) and its ticks never mix them.
 */
export type AxisFormat = ((v: number) => string) | ScaledAxis;
/** An axis whose unit is chosen from its largest value: its ticks and its unit's name, from one choice. */
export interface ScaledAxis {
  scale: (max: number) => AxisScale;
}
export interface AxisScale {
  tick: (v: number) => string;
  /** What the axis title says: `USD millions`, `PH/s`. */
  unit: string;
}

const NBSP = '\u00a0';
/** TH/s on an axis: `800 PH`, `1.2 EH`, all in the unit of the axis's largest value. */
export const thsAxis: ScaledAxis = {
  scale: (max) => {
    const unit = hashrateUnit(max);
    const digits = tickDigits(max / unit.ths);
    const short = unit.name.replace('/s', '');
    return { tick: (ths) => `${(ths / unit.ths).toFixed(digits)}${NBSP}${short}`, unit: unit.name };
  },
};
/** Dollars on an axis in one scale: `$1.5M`. */
export const usdAxis: ScaledAxis = {
  scale: (max) => {
    const s = moneyScale(max);
    const digits = tickDigits(max / s.dollars);
    return { tick: (dollars) => `$${(dollars / s.dollars).toFixed(digits)}${s.suffix}`, unit: s.name };
  },
};
/** BTC on an axis: plain figures, as many decimals as tell its ticks apart. */
export const btcAxis: ScaledAxis = {
  scale: (max) => {
    const digits = tickDigits(max);
    return { tick: (v) => v.toLocaleString('en-US', { maximumFractionDigits: digits }), unit: 'BTC' };
  },
};
export const axisFormatter = (format: AxisFormat, max: number): ((v: number) => string) =>
  typeof format === 'function' ? format : format.scale(Math.abs(max)).tick;
/** Today's date in UTC, as the API's days are: the default of a form's day field. */
export const today = (): string => dayOf(new Date());
export const dateTime = (iso: string | null | undefined): string =>
  iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : DASH;
