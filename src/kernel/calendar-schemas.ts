/**
 * Calendar values at the boundary, for every module's zod schemas: the kernel's parsers decide
 * what a day, month or quarter is (a real date, from FIRST_YEAR on), so the HTTP API, the CLI and
 * the imports refuse the same text with the same words and nothing invalid reaches the database.
 */
import { z } from 'zod';
import { FIRST_YEAR, parseDay, parseMonth, parseQuarter } from './calendar.js';
import { AppError } from './errors.js';

/** A string read by a kernel parser; its refusal becomes the field's zod issue. */
function parsedBy<T>(parse: (text: string) => T, message: string) {
  return z.string().transform((text, ctx) => {
    try {
      return parse(text);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
  });
}

export const zDay = parsedBy(
  (t) => parseDay(t, 'day'),
  `must be a calendar date from ${FIRST_YEAR} on, written YYYY-MM-DD, such as 2021-03-15`,
);
export const zMonth = parsedBy(
  (t) => parseMonth(t, 'month'),
  `must be a month from ${FIRST_YEAR} on, written YYYY-MM, such as 2021-03`,
);
export const zQuarter = parsedBy(
  (t) => parseQuarter(t, 'quarter'),
  `must be a quarter from ${FIRST_YEAR} on, written YYYYQn, such as 2020Q4`,
);
