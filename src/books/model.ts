/**
 * The books' periods: a month (2020-12) or a quarter (2020Q4) that finance closes once its figures
 * are reported. Pure rules; the store keeps which are closed.
 */
import {
  addDays,
  type Day,
  firstDayOfMonth,
  firstDayOfQuarter,
  lastDayOfMonth,
  lastDayOfQuarter,
  parseMonth,
  parseQuarter,
} from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';

export interface Period {
  /** As written: `2020-12` or `2020Q4`. */
  name: string;
  firstDay: Day;
  lastDay: Day;
}

/** A month or a quarter, with the days it covers. */
export function parsePeriod(text: string, field = 'period'): Period {
  if (/^\d{4}-\d{2}$/.test(text)) {
    const month = parseMonth(text, field);
    return { name: month, firstDay: firstDayOfMonth(month), lastDay: lastDayOfMonth(month) };
  }
  if (/^\d{4}Q[1-4]$/.test(text)) {
    const quarter = parseQuarter(text, field);
    return { name: quarter, firstDay: firstDayOfQuarter(quarter), lastDay: lastDayOfQuarter(quarter) };
  }
  throw invalid(field, `${field} must be a month (2020-12) or a quarter (2020Q4), got "${text}".`);
}

export const isQuarter = (period: string): boolean => /^\d{4}Q[1-4]$/.test(period);

export interface PeriodState extends Period {
  closed: boolean;
}

/** A period may be closed once its last day has passed, and not twice. */
export function checkClose(period: Period, current: PeriodState | undefined, today: Day): void {
  if (period.lastDay >= today) {
    throw ruleBroken(
      'books.period-not-over',
      `${period.name} runs to ${period.lastDay}; it can be closed from ${addDays(period.lastDay, 1)}.`,
      'period',
    );
  }
  if (current?.closed) {
    throw ruleBroken('books.already-closed', `${period.name} is already closed.`, 'period');
  }
}

/** Only a closed period reopens, and only with a reason: reopening changes reported figures. */
export function checkReopen(period: Period, current: PeriodState | undefined, reason: string): void {
  if (!current?.closed) {
    throw ruleBroken(
      'books.not-closed',
      `${period.name} is not closed, so there is nothing to reopen.`,
      'period',
    );
  }
  if (reason.trim() === '') throw invalid('reason', 'reason must say why the period is reopened.');
}

export type ClosedPeriods = readonly Period[];

/** Refuses a day inside one of `closed` (its input `field`). */
export function checkOpen(closed: ClosedPeriods, day: Day, field: string): void {
  const period = closed.find((p) => p.firstDay <= day && day <= p.lastDay);
  if (period) throw closedPeriodRefusal(period.name, day, field);
}

/** The refusal of a write dated inside a closed period, naming the period and what to do. */
export function closedPeriodRefusal(period: string, dated: string, field: string) {
  return ruleBroken(
    'books.period-closed',
    `${field} ${dated} falls in ${period}, which is closed: record the change in the open period as an adjustment that names what it corrects, or ask an admin to reopen ${period} with a reason.`,
    field,
  );
}
