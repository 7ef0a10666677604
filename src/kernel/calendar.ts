/**
 * Calendar values as plain ISO strings: Day `2021-03-15`, Month `2021-03`, Quarter `2020Q4`, all UTC.
 * Strings because they go into SQL, JSON and CSV unchanged, and because their lexicographic order is
 * their calendar order, so `a < b` and `ORDER BY` just work.
 *
 * Day arithmetic goes through a day number (days since 1970-01-01, proleptic Gregorian) computed
 * with integer maths rather than `Date`, which reads years below 100 as 19xx.
 */
import { AppError, invalid } from './errors.js';

export type Day = string;
export type Month = string;
export type Quarter = string;

const DAY_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;
const QUARTER_RE = /^(\d{4})[Qq]([1-4])$/;

/**
 * The first year a date may name. Every date HashForge keeps is a business day of a company of
 * this century; year 0000 does not exist to PostgreSQL, and a typo there should be refused, not
 * stored.
 */
export const FIRST_YEAR = 1900;

/**
 * The last year a date may name: far enough for a 75-year lease or a long futures book, near
 * enough that a typo (9999-12-31 for 2021-12-31) is refused rather than kept as a business date.
 */
export const LAST_YEAR = 2100;

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function monthLength(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function isCalendarDay(text: string): boolean {
  const match = DAY_RE.exec(text);
  if (!match) return false;
  const month = Number(match[2]);
  const dom = Number(match[3]);
  return month >= 1 && month <= 12 && dom >= 1 && dom <= monthLength(Number(match[1]), month);
}

// --- parsing: the only way user text becomes a calendar value -----------------------------------

/** A well-formed day, month or quarter past LAST_YEAR: refused in words of its own. */
function tooLate(field: string, text: string, kind: 'day' | 'month' | 'quarter', last: string): AppError {
  return new AppError(
    'invalid',
    `invalid.${kind}`,
    `${field} must be a ${kind} up to ${last}, got "${text}".`,
    field,
    {
      last,
    },
  );
}

export function parseDay(text: string, field: string): Day {
  const day = text.trim();
  const year = Number(day.slice(0, 4));
  if (isCalendarDay(day) && year > LAST_YEAR) throw tooLate(field, text, 'day', `${LAST_YEAR}-12-31`);
  if (isCalendarDay(day) && year >= FIRST_YEAR) return day;
  throw invalid(
    field,
    `${field} must be a calendar date from ${FIRST_YEAR} on, written YYYY-MM-DD, such as 2021-03-15, got "${text}".`,
    'invalid.day',
  );
}

export function parseMonth(text: string, field: string): Month {
  const month = text.trim();
  const year = Number(month.slice(0, 4));
  if (MONTH_RE.test(month) && year > LAST_YEAR) throw tooLate(field, text, 'month', `${LAST_YEAR}-12`);
  if (MONTH_RE.test(month) && year >= FIRST_YEAR) return month;
  throw invalid(
    field,
    `${field} must be a month from ${FIRST_YEAR} on, written YYYY-MM, such as 2021-03, got "${text}".`,
    'invalid.month',
  );
}

export function parseQuarter(text: string, field: string): Quarter {
  const quarter = text.trim();
  const year = Number(quarter.slice(0, 4));
  if (QUARTER_RE.test(quarter) && year > LAST_YEAR) throw tooLate(field, text, 'quarter', `${LAST_YEAR}Q4`);
  if (QUARTER_RE.test(quarter) && year >= FIRST_YEAR) return quarter.toUpperCase();
  throw invalid(
    field,
    `${field} must be a quarter from ${FIRST_YEAR} on, written YYYYQn, such as 2020Q4, got "${text}".`,
    'invalid.quarter',
  );
}

// --- internal decomposition; a malformed value here is a programming error ----------------------

function splitDay(day: Day): [number, number, number] {
  if (!isCalendarDay(day))
    throw invalid('day', `"${day}" is not a calendar day written YYYY-MM-DD.`, 'invalid.day');
  return [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];
}

function monthIndex(month: Month): number {
  const match = MONTH_RE.exec(month);
  if (!match) throw invalid('month', `"${month}" is not a month written YYYY-MM.`, 'invalid.month');
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

function monthFromIndex(index: number): Month {
  return `${pad(Math.floor(index / 12), 4)}-${pad((index % 12) + 1, 2)}`;
}

function quarterIndex(quarter: Quarter): number {
  const match = QUARTER_RE.exec(quarter);
  if (!match) throw invalid('quarter', `"${quarter}" is not a quarter written YYYYQn.`, 'invalid.quarter');
  return Number(match[1]) * 4 + Number(match[2]) - 1;
}

function quarterFromIndex(index: number): Quarter {
  return `${pad(Math.floor(index / 4), 4)}Q${(index % 4) + 1}`;
}

/** Days since 1970-01-01 (negative before). Shifts the year to start in March so the leap day is last. */
function dayNumber(day: Day): number {
  const [y, m, d] = splitDay(day);
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function dayFromNumber(n: number): Day {
  const z = n + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const d = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`;
}

// --- days ---------------------------------------------------------------------------------------

/** The UTC calendar day of an instant. */
export function dayOf(date: Date): Day {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

/** Today in UTC by the injected clock (never `new Date()` in domain code). */
export function todayUtc(clockNow: Date): Day {
  return dayOf(clockNow);
}

export function addDays(day: Day, n: number): Day {
  return dayFromNumber(dayNumber(day) + n);
}

/** b − a in days: daysBetween('2021-01-01', '2021-01-31') = 30. */
export function daysBetween(a: Day, b: Day): number {
  return dayNumber(b) - dayNumber(a);
}

/** Every day from `from` to `to`, both included; empty when from > to. */
export function dayRange(from: Day, to: Day): Day[] {
  const start = dayNumber(from);
  const end = dayNumber(to);
  const days: Day[] = [];
  for (let n = start; n <= end; n++) days.push(dayFromNumber(n));
  return days;
}

// --- months -------------------------------------------------------------------------------------

/** The month of a day (or the month itself when given one). */
export function monthOf(day: Day): Month {
  return monthFromIndex(monthIndex(day.slice(0, 7)));
}

export function yearOf(x: string): number {
  if (!/^\d{4}/.test(x)) throw invalid('year', `"${x}" does not start with a four-digit year.`);
  return Number(x.slice(0, 4));
}

export function addMonths(month: Month, n: number): Month {
  return monthFromIndex(monthIndex(month) + n);
}

/** b − a in months: monthsBetween('2020-11', '2021-02') = 3. */
export function monthsBetween(a: Month, b: Month): number {
  return monthIndex(b) - monthIndex(a);
}

/** Every month from `from` to `to`, both included; empty when from > to. */
export function monthRange(from: Month, to: Month): Month[] {
  const months: Month[] = [];
  for (let i = monthIndex(from), end = monthIndex(to); i <= end; i++) months.push(monthFromIndex(i));
  return months;
}

export function daysInMonth(month: Month): number {
  const index = monthIndex(month);
  return monthLength(Math.floor(index / 12), (index % 12) + 1);
}

export function firstDayOfMonth(month: Month): Day {
  monthIndex(month);
  return `${month}-01`;
}

export function lastDayOfMonth(month: Month): Day {
  return `${month}-${pad(daysInMonth(month), 2)}`;
}

// --- quarters -----------------------------------------------------------------------------------

/** The quarter of a day or a month: quarterOf('2021-03-31') = quarterOf('2021-03') = '2021Q1'. */
export function quarterOf(dayOrMonth: string): Quarter {
  return quarterFromIndex(Math.floor(monthIndex(dayOrMonth.slice(0, 7)) / 3));
}

export function quarterMonths(quarter: Quarter): [Month, Month, Month] {
  const first = quarterIndex(quarter) * 3;
  return [monthFromIndex(first), monthFromIndex(first + 1), monthFromIndex(first + 2)];
}

export function firstDayOfQuarter(quarter: Quarter): Day {
  return firstDayOfMonth(quarterMonths(quarter)[0]);
}

export function lastDayOfQuarter(quarter: Quarter): Day {
  return lastDayOfMonth(quarterMonths(quarter)[2]);
}

export function addQuarters(quarter: Quarter, n: number): Quarter {
  return quarterFromIndex(quarterIndex(quarter) + n);
}

/** b − a in quarters: quartersBetween('2020Q4', '2021Q2') = 2. */
export function quartersBetween(a: Quarter, b: Quarter): number {
  return quarterIndex(b) - quarterIndex(a);
}

/** Every quarter from `from` to `to`, both included; empty when from > to. */
export function quarterRange(from: Quarter, to: Quarter): Quarter[] {
  const quarters: Quarter[] = [];
  for (let i = quarterIndex(from), end = quarterIndex(to); i <= end; i++) quarters.push(quarterFromIndex(i));
  return quarters;
}

export function quartersOfYear(year: number): Quarter[] {
  return quarterRange(`${pad(year, 4)}Q1`, `${pad(year, 4)}Q4`);
}
