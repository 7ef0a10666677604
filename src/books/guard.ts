/**
 * What every dated write asks before it decides: is its day inside a closed period? Called from
 * each module's `decide`, in the write's transaction, so a close and a back-dated write cannot
 * both pass.
 */
import type { Db } from '../db/db.js';
import { type Day, firstDayOfMonth, type Month } from '../kernel/calendar.js';
import { type ClosedPeriods, closedPeriodRefusal } from './model.js';
import { closedPeriodCovering, selectPeriods } from './store.js';

/** Refuses a write dated `day` (its input `field`) when the day falls in a closed period. */
export async function refuseIfClosed(tx: Db, day: Day, field: string): Promise<void> {
  const period = await closedPeriodCovering(tx, day);
  if (period) throw closedPeriodRefusal(period, day, field);
}

/** The same for a write dated by its month (a build, a wafer order's step): periods are whole months. */
export async function refuseIfMonthClosed(tx: Db, month: Month, field: string): Promise<void> {
  const period = await closedPeriodCovering(tx, firstDayOfMonth(month));
  if (period) throw closedPeriodRefusal(period, month, field);
}

/**
 * The closed periods, read once for a write of many rows (an import), each row then checked with
 * `checkOpen` so that a refusal names its line.
 */
export async function closedPeriods(tx: Db): Promise<ClosedPeriods> {
  return (await selectPeriods(tx))
    .filter((p) => p.closed)
    .map((p) => ({ name: p.period, firstDay: p.first_day, lastDay: p.last_day }));
}
