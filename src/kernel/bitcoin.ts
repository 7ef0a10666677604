/**
 * Bitcoin as integer satoshis. The protocol itself counts in satoshis, so every BTC amount is an
 * exact `Sats` bigint; a float appears only for charts.
 */
import { invalid } from './errors.js';
import { type Cents, numberToExactDecimal, parseExactDecimal, roundHalfEven } from './money.js';

export type Sats = bigint;
export const SATS_PER_BTC = 100_000_000n;

const BTC_TEXT = /^([+-]?)((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(?:btc)?$/i;

/**
 * Reads an amount of bitcoin: `1.5`, `0.00000001`, `-2`, `1,000.25 BTC`, or a number. A satoshi is
 * the smallest unit there is, so more than 8 decimals is refused rather than rounded.
 */
export function parseBtc(text: string | number, field: string): Sats {
  let exact: ReturnType<typeof parseExactDecimal>;
  if (typeof text === 'number') {
    exact = numberToExactDecimal(text);
  } else {
    const match = BTC_TEXT.exec(text.trim());
    exact = match ? parseExactDecimal(`${match[1]}${match[2]!.replaceAll(',', '')}`) : undefined;
  }
  if (!exact) {
    throw invalid(field, `${field} must be an amount of bitcoin such as 1.5 or 0.00000001, got "${text}".`);
  }
  const scaled = exact.numerator * SATS_PER_BTC;
  if (scaled % exact.denominator !== 0n) {
    throw invalid(field, `${field} has more than 8 decimals; the smallest amount of bitcoin is 0.00000001.`);
  }
  return scaled / exact.denominator;
}

/** Always 8 decimals, so columns of amounts line up: `1.23456789 BTC`, `-0.00000001 BTC`, `1,000.00000000 BTC`. */
export function formatBtc(sats: Sats): string {
  const sign = sats < 0n ? '-' : '';
  const abs = sats < 0n ? -sats : sats;
  const whole = (abs / SATS_PER_BTC).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${whole}.${(abs % SATS_PER_BTC).toString().padStart(8, '0')} BTC`;
}

/** BTC as a float, for charts and plots only: never compute balances with the result. */
export function satsToBtcNumber(sats: Sats): number {
  return Number(sats) / 1e8;
}

/** The dollar value of an amount of bitcoin at a BTC/USD price in cents, rounded once. */
export function usdValueOfSats(sats: Sats, btcUsd: Cents): Cents {
  return roundHalfEven(sats * btcUsd, SATS_PER_BTC);
}
