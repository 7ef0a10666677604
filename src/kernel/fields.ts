/**
 * The field types every request schema is built from: HTTP bodies, query strings and path ids,
 * CLI options and import rows all go through these, so a new route cannot forget a rule.
 *
 * - Numbers are JSON numbers, or text written plainly (`12`, `-3`, `0.045`), because query
 *   strings, path ids, CLI options and form fields are text. Nothing else becomes a number: not
 *   `""`, `null`, `true`, `"0x10"`, `"1e3"` or `" 12"` (which `z.coerce` read as 0, 0, 1, 16,
 *   1000 and 12).
 * - Text refuses NUL characters and lone surrogates: PostgreSQL cannot store the first and would
 *   store the second as a replacement character, so either is refused at the edge, named.
 * - Days, months and quarters are read by the kernel's calendar parsers: real dates from
 *   FIRST_YEAR to LAST_YEAR.
 *
 * Messages say what to write ("must be a whole number"), as src/kernel/zod-messages.ts words the rest.
 */
import { z } from 'zod';
import { FIRST_YEAR, LAST_YEAR, parseDay, parseMonth, parseQuarter } from './calendar.js';
import { isCountryCode } from './countries.js';
import { AppError } from './errors.js';
import { parseUsd } from './money.js';
import './zod-messages.js';

// --- text ---------------------------------------------------------------------------------------

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Any text a person could have typed: no NUL character, no half of a surrogate pair. */
export const zText = z
  .string()
  .refine((s) => !s.includes('\u0000'), { message: 'must not contain a NUL character (\\u0000)' })
  .refine((s) => !LONE_SURROGATE.test(s), {
    message: 'must be valid Unicode text (it holds half of a surrogate pair)',
  });

/** A short code (`A1246`, `tsmc`, `SG1`): a letter or digit, then letters, digits and `pattern`'s extras. */
export function zCode(pattern: RegExp, message: string) {
  return zText.trim().regex(pattern, message);
}

/**
 * A country as its ISO 3166-1 alpha-2 code (`SG`, any case in, upper case out): the one way
 * customers, repair centres and mining sites name where they are, so they can be compared.
 */
export const zCountry = zText
  .trim()
  .transform((c) => c.toUpperCase())
  .refine((c): boolean => isCountryCode(c), {
    message: 'must be an ISO 3166-1 alpha-2 country code such as US, SG or KZ (not a country name)',
  })
  .describe('ISO 3166-1 alpha-2 country code, e.g. SG');

// --- numbers ------------------------------------------------------------------------------------

const DECIMAL_TEXT = /^-?\d+(\.\d+)?$/;

/** PostgreSQL's `integer`: the default range of a whole number, so none overflows a column. */
export const INT32_MAX = 2_147_483_647;

export interface NumberRules {
  /** The smallest value allowed (inclusive). */
  min?: number;
  /** A bound the value must be above (exclusive): `above: 0` for "greater than 0". */
  above?: number;
  /** The largest value allowed (inclusive). */
  max?: number;
  /** What to say when the value is no number of this kind (default: "must be a number", "must be a whole number"). */
  message?: string;
  /** What to say of a number with a fraction where a whole one is wanted (default: `message` or "must be a whole number"). */
  notWhole?: string;
  /** What to say below the bound (default: "must be at least 1", "must be more than 0"). */
  tooSmall?: string;
  /** What to say above the bound (default: "must be at most 100"). */
  tooBig?: string;
}

function bounded(check: z.ZodNumber, rules: NumberRules): z.ZodNumber {
  let n = check;
  if (rules.min !== undefined) n = n.min(rules.min, rules.tooSmall);
  if (rules.above !== undefined) n = n.gt(rules.above, rules.tooSmall);
  if (rules.max !== undefined) n = n.max(rules.max, rules.tooBig);
  return n;
}

/**
 * The text a number of these rules is written as, for the reference (a path's id is always text):
 * no minus sign where the range starts at 0 or above, no point where only whole numbers are taken.
 * It documents what the checks accept; the checks themselves read any decimal text, so that a
 * negative id or a fraction is refused by the rule it breaks, with that rule's sentence.
 */
function documentedText(rules: NumberRules, whole: boolean): string {
  const lowest = rules.min ?? rules.above;
  const digits = lowest !== undefined && lowest >= 1 && whole ? '[1-9][0-9]*' : '[0-9]+';
  const sign = lowest !== undefined && lowest >= 0 ? '' : '-?';
  return `^${sign}${digits}${whole ? '' : '(\\.[0-9]+)?'}$`;
}

/**
 * A JSON number within `range`, or plain decimal text; either way then checked against `exact`
 * (the range and what kind of number). The union decides only the form, so its one refusal is
 * `message`; what is wrong with a number of the right form is said by the check that failed.
 */
function numberFrom(range: z.ZodNumber, exact: z.ZodNumber, message: string, text: string) {
  return z
    .union([range, zText.regex(DECIMAL_TEXT, message).meta({ pattern: text })], {
      error: (issue) => (issue.input === undefined ? 'is required' : message),
    })
    .transform((v) => (typeof v === 'string' ? Number(v) : v))
    .pipe(exact);
}

/**
 * A whole number: a JSON integer or text such as `12` or `-3` (`2.5` is a number, but not whole).
 * Between -2,147,483,648 and 2,147,483,647 unless the rules say otherwise.
 */
export function zWhole(rules: NumberRules = {}) {
  const notWhole = rules.notWhole ?? rules.message ?? 'must be a whole number';
  const range = bounded(z.number(), { min: -INT32_MAX - 1, max: INT32_MAX, ...rules });
  return numberFrom(
    range.meta({ type: 'integer' }),
    range.int(notWhole),
    rules.message ?? 'must be a number',
    documentedText(rules, true),
  );
}

/** A number: a finite JSON number or plain decimal text such as `0.045` or `-12` (no exponent). */
export function zDecimal(rules: NumberRules & { places?: number } = {}) {
  const message = rules.message ?? 'must be a number';
  const range = bounded(z.number(), rules);
  const places = rules.places;
  const exact =
    places === undefined
      ? range
      : range.refine((v) => decimalPlaces(v) <= places, { message: `must have at most ${places} decimals` });
  return numberFrom(range, exact, message, documentedText(rules, false));
}

/** Digits after the point in the shortest text of a number (1e-7 has 7). */
function decimalPlaces(value: number): number {
  const [mantissa = '', exponent = '0'] = String(value).split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}

/** A record's number (contract 12, machine 7): a whole number from 1 that fits the id column. */
export function zId(rules: Pick<NumberRules, 'message' | 'tooSmall'> = {}) {
  return zWhole({ min: 1, tooSmall: 'must be greater than 0', ...rules });
}

/** Text standing for an amount (`"1234.56"`, `"$1,234.56"`, `"1.25"` BTC, `"2 EH"`) or a number; a kernel parser reads it. */
export const zAmount = z.union([zText, z.number()], {
  error: (issue) =>
    issue.input === undefined ? 'is required' : 'must be an amount, as a number or as text such as "1234.56"',
});

/** US dollars as a decimal string ("45.50", "$1,234.56") or a number; read exactly, in whole cents. */
export const zUsd = zAmount.transform((value, ctx) => {
  try {
    return parseUsd(value, 'amount', { wholeCents: true });
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    ctx.addIssue({
      code: 'custom',
      message:
        error.code === 'invalid.fraction-of-cent'
          ? 'has a fraction of a cent; amounts are in whole cents, such as 1234.56'
          : 'must be an amount of US dollars such as 1234.56 or "$1,234.56"',
    });
    return z.NEVER;
  }
});

// --- calendar -----------------------------------------------------------------------------------

/** A string read by a kernel calendar parser; its refusal becomes the field's zod issue. */
function parsedBy<T>(parse: (text: string) => T, kind: string, message: string) {
  return zText.transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const last = error.detail?.last;
      ctx.addIssue({ code: 'custom', message: last ? `must be a ${kind} up to ${String(last)}` : message });
      return z.NEVER;
    }
  });
}

export const zDay = parsedBy(
  (t) => parseDay(t, 'day'),
  'day',
  `must be a calendar date from ${FIRST_YEAR} on, written YYYY-MM-DD, such as 2021-03-15`,
);
export const zMonth = parsedBy(
  (t) => parseMonth(t, 'month'),
  'month',
  `must be a month from ${FIRST_YEAR} on, written YYYY-MM, such as 2021-03`,
);
export const zQuarter = parsedBy(
  (t) => parseQuarter(t, 'quarter'),
  'quarter',
  `must be a quarter from ${FIRST_YEAR} on, written YYYYQn, such as 2020Q4`,
);

/** A quarter (`2020Q4`) or a whole year (`2020`), upper-cased, from FIRST_YEAR to LAST_YEAR. */
export function zPeriod(message: string) {
  return zText
    .trim()
    .regex(/^\d{4}([Qq][1-4])?$/, message)
    .refine((t) => inYears(Number(t.slice(0, 4))), { message: `must be from ${FIRST_YEAR} to ${LAST_YEAR}` })
    .transform((t) => t.toUpperCase());
}

const inYears = (year: number): boolean => year >= FIRST_YEAR && year <= LAST_YEAR;

const INSTANT_WORDS = 'must be a time like 2021-01-15T00:00:00Z or a day like 2021-01-15';

/** An instant, ISO 8601 with its offset (`2021-01-15T08:00:00+08:00`) or a UTC day, from FIRST_YEAR to LAST_YEAR. */
export const zInstant = z
  .union([zText.pipe(z.iso.datetime({ offset: true })), zText.pipe(z.iso.date())], {
    error: (issue) => (issue.input === undefined ? 'is required' : INSTANT_WORDS),
  })
  .refine((t) => inYears(Number(t.slice(0, 4))), {
    message: `must be a time from ${FIRST_YEAR} to ${LAST_YEAR}`,
  });

/** true or false, as JSON or as the text of a query string or CLI option. */
export const zFlag = z
  .union([z.boolean(), z.enum(['true', 'false'])], {
    error: (issue) => (issue.input === undefined ? 'is required' : 'must be true or false'),
  })
  .transform((v) => v === true || v === 'true');
