/**
 * US dollars as integer cents. Every amount of money in the system is a `Cents` bigint; floats are
 * only made from it at the very edge (charts). `roundHalfEven` is the one place where rounding
 * happens, so a figure computed twice in two modules comes out the same to the cent.
 */
import { invalid } from './errors.js';

export type Cents = bigint;

/**
 * numerator / denominator rounded to the nearest integer, ties to the even neighbour (banker's
 * rounding: 0.5 → 0, 1.5 → 2, -2.5 → -2). Ties going both ways keep sums of many rounded figures
 * unbiased, which matters when a quarter's revenue is the sum of thousands of deliveries.
 */
export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n)
    throw new RangeError(`roundHalfEven needs a positive denominator, got ${denominator}.`);
  // Half-even is symmetric around zero, so negatives are the mirror of positives.
  if (numerator < 0n) return -roundHalfEven(-numerator, denominator);
  const quotient = numerator / denominator;
  const twiceRemainder = (numerator % denominator) * 2n;
  if (twiceRemainder > denominator) return quotient + 1n;
  if (twiceRemainder < denominator) return quotient;
  return quotient % 2n === 0n ? quotient : quotient + 1n;
}

/** cents × num ÷ den, rounded once at the end. */
export function mulRatio(cents: Cents, num: bigint, den: bigint): Cents {
  return roundHalfEven(cents * num, den);
}

/** An exact decimal value: numerator ÷ denominator, the denominator a power of ten. */
export interface ExactDecimal {
  numerator: bigint;
  denominator: bigint;
}

const PLAIN_DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * Reads a plain decimal (`-12.345`, `1e-7`, `2.5E3`) exactly, without going through a float.
 * Returns undefined when the text is not one. Exponents are accepted because that is how
 * JavaScript writes very small and very large numbers (`String(1e-7)`).
 */
export function parseExactDecimal(text: string): ExactDecimal | undefined {
  const match = PLAIN_DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole = '', fraction = '', exponentText] = match;
  if (whole === '' && fraction === '') return undefined;
  const exponent = exponentText === undefined ? 0 : Number(exponentText);
  if (Math.abs(exponent) > 400) return undefined;
  let numerator = BigInt(`${whole || '0'}${fraction}`);
  let scale = fraction.length - exponent;
  if (scale < 0) {
    numerator *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (sign === '-') numerator = -numerator;
  return { numerator, denominator: 10n ** BigInt(scale) };
}

/** A JavaScript number as an exact decimal of its shortest round-trip string (0.1 → 1/10, not the binary value). */
export function numberToExactDecimal(value: number): ExactDecimal | undefined {
  if (!Number.isFinite(value)) return undefined;
  return parseExactDecimal(String(value));
}

/**
 * `percent` % of an amount: percentOf(1000n, 62.5) = 625n. The percent is read through its
 * decimal string, so 0.1 means exactly one tenth of a percent. Up to 4 decimals.
 */
export function percentOf(cents: Cents, percent: number): Cents {
  const exact = numberToExactDecimal(percent);
  if (!exact || (exact.numerator * 10_000n) % exact.denominator !== 0n) {
    throw invalid(
      'percent',
      `The percentage must be a finite number with at most 4 decimals, got ${percent}.`,
    );
  }
  return roundHalfEven(cents * exact.numerator, exact.denominator * 100n);
}

const GROUPED_OR_PLAIN = /^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/**
 * Reads a dollar amount from user input or a data file: `1234`, `1234.5`, `1,234.56`, `$1,234.56`,
 * `-$12.30`, `$-12.30`, or a number. More than two decimals are rounded half-even to the cent
 * (price feeds carry them), unless `wholeCents` asks to refuse them: money that changes hands, or
 * a price a contract locks, is what was typed or it is wrong.
 */
export function parseUsd(text: string | number, field: string, opts?: { wholeCents?: boolean }): Cents {
  const toCents = (exact: ExactDecimal): Cents => {
    if (opts?.wholeCents && (exact.numerator * 100n) % exact.denominator !== 0n) {
      throw invalid(
        field,
        `${field} has a fraction of a cent (${text}); amounts are in whole cents.`,
        'invalid.fraction-of-cent',
      );
    }
    return roundHalfEven(exact.numerator * 100n, exact.denominator);
  };
  if (typeof text === 'number') {
    const exact = numberToExactDecimal(text);
    if (!exact) throw invalid(field, `${field} must be a finite amount of US dollars, got ${text}.`);
    return toCents(exact);
  }
  const trimmed = text.trim();
  const match = /^([+-]?)\s*\$?\s*([+-]?)(.*)$/.exec(trimmed);
  const body = match?.[3] ?? '';
  const signs = `${match?.[1] ?? ''}${match?.[2] ?? ''}`;
  if (!match || signs.length > 1 || !GROUPED_OR_PLAIN.test(body)) {
    throw invalid(
      field,
      `${field} must be an amount of US dollars such as 1234.56 or $1,234.56, got "${text}".`,
    );
  }
  const cents = toCents(parseExactDecimal(body.replaceAll(',', ''))!);
  return signs === '-' ? -cents : cents;
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `$1,234.56`, `-$5.00`; compact: `$174.0M`, `$1.24B`, `$3.10T`, and the full form below one million. */
export function formatUsd(cents: Cents, opts?: { compact?: boolean }): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  if (opts?.compact && abs >= 100_000_000n) {
    // Pick the unit after rounding, so $999.96M is shown as $1.00B rather than $1000.0M.
    const tenthsOfMillion = roundHalfEven(abs, 10_000_000n);
    if (tenthsOfMillion < 10_000n) return `${sign}$${withDecimals(tenthsOfMillion, 1)}M`;
    const hundredthsOfBillion = roundHalfEven(abs, 1_000_000_000n);
    if (hundredthsOfBillion < 100_000n) return `${sign}$${withDecimals(hundredthsOfBillion, 2)}B`;
    return `${sign}$${withDecimals(roundHalfEven(abs, 1_000_000_000_000n), 2)}T`;
  }
  return `${sign}$${groupThousands((abs / 100n).toString())}.${(abs % 100n).toString().padStart(2, '0')}`;
}

/** `1234.56`, `-5.00`: an amount as forms and files take it (what `parseUsd` reads), no `$` or commas. */
export function formatUsdDecimal(cents: Cents): string {
  const abs = cents < 0n ? -cents : cents;
  return `${cents < 0n ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
}

function withDecimals(units: bigint, decimals: number): string {
  const scale = 10n ** BigInt(decimals);
  return `${groupThousands((units / scale).toString())}.${(units % scale).toString().padStart(decimals, '0')}`;
}

/** Dollars as a float, for charts and plots only: never compute money with the result. */
export function centsToNumber(cents: Cents): number {
  return Number(cents) / 100;
}
