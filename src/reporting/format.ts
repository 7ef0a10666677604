/**
 * How the report writes figures, in the notes' own shorthand: "$0.174b", "66M", "0.2M TH/s". Money
 * is rounded with the kernel's half-even rule, never through a float.
 */
import { SATS_PER_BTC, type Sats } from '../kernel/bitcoin.js';
import { formatHashrate } from '../kernel/hashrate.js';
import { type Cents, formatUsd, roundHalfEven } from '../kernel/money.js';

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

function decimals(units: bigint, places: number): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const scale = 10n ** BigInt(places);
  const whole = group((abs / scale).toString());
  return places === 0
    ? `${sign}${whole}`
    : `${sign}${whole}.${(abs % scale).toString().padStart(places, '0')}`;
}

/** $0.174b from $100M up, $66M from $10M, $5.86M from $1M, $14.0k from $1,000, else to the cent. */
export function usdShort(cents: Cents): string {
  const abs = cents < 0n ? -cents : cents;
  const sign = cents < 0n ? '-' : '';
  const value = (perUnit: bigint, places: number) =>
    decimals(roundHalfEven(abs * 10n ** BigInt(places), perUnit), places);
  if (abs >= 10_000_000_000n) return `${sign}$${value(100_000_000_000n, 3)}b`;
  if (abs >= 1_000_000_000n) return `${sign}$${value(100_000_000n, 0)}M`;
  if (abs >= 100_000_000n) return `${sign}$${value(100_000_000n, 2)}M`;
  if (abs >= 100_000n) return `${sign}$${value(100_000n, 1)}k`;
  return formatUsd(cents);
}

export const usd = (cents: Cents): string => formatUsd(cents);
export const usdPerTh = (cents: Cents | null): string => (cents === null ? 'n/a' : `${formatUsd(cents)}/TH`);
export const count = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 0.20M TH/s from 100,000 TH/s up (the notes' unit for machines sold), else TH/PH/EH. */
export function th(value: number): string {
  if (Math.abs(value) >= 100_000) return `${(value / 1_000_000).toFixed(2)}M TH/s`;
  return formatHashrate(value);
}

export const ph = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(1)} PH/s`);
export const pct = (ratio: number | null, digits = 0): string =>
  ratio === null ? 'n/a' : `${(ratio * 100).toFixed(digits)}%`;
export const times = (x: number | null): string => (x === null ? 'n/a' : `${x.toFixed(1)}×`);

/** BTC to two decimals, rounded half-even from the satoshis. */
export function btc(sats: Sats): string {
  return `${decimals(roundHalfEven(sats * 100n, SATS_PER_BTC), 2)} BTC`;
}
