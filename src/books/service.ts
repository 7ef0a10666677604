import type { Actor, AppContext } from '../app/context.js';
import { dayOf } from '../kernel/calendar.js';
import { reportAtClose } from '../reporting/frozen.js';
import { checkClose, checkReopen, isQuarter, parsePeriod } from './model.js';
import { recordBooks } from './projections.js';
import { findPeriod, type PeriodRow, periodRow, selectPeriods } from './store.js';

export interface PeriodView {
  period: string;
  firstDay: string;
  lastDay: string;
  closed: boolean;
  changedAt: Date;
  changedBy: string;
  note: string | null;
}

/** Closes a month or a quarter: from now on nothing dated inside it is written. */
export async function closePeriod(
  ctx: AppContext,
  actor: Actor,
  input: { period: string; note?: string | undefined },
  idempotencyKey?: string,
): Promise<PeriodView> {
  const period = parsePeriod(input.period);
  // The report is computed before the close's transaction (it reads through the services); a
  // write that slipped in between shows later as a change since the close.
  const over = period.lastDay < dayOf(ctx.clock.now());
  const report = over && isQuarter(period.name) ? await reportAtClose(ctx, period.name) : null;
  return recordBooks(
    ctx,
    { actor, kind: 'books.period-closed', stream: `period:${period.name}`, idempotencyKey, request: input },
    async (tx) => {
      checkClose(period, await findPeriod(tx, period.name), dayOf(ctx.clock.now()));
      return { period, note: input.note?.trim() || null, report };
    },
    async (tx) => periodView(tx, period.name),
  );
}

/** Reopens a closed period; an admin's decision, with the reason kept in the history. */
export async function reopenPeriod(
  ctx: AppContext,
  actor: Actor,
  input: { period: string; reason: string },
  idempotencyKey?: string,
): Promise<PeriodView> {
  const period = parsePeriod(input.period);
  return recordBooks(
    ctx,
    { actor, kind: 'books.period-reopened', stream: `period:${period.name}`, idempotencyKey, request: input },
    async (tx) => {
      checkReopen(period, await findPeriod(tx, period.name), input.reason);
      return { period, reason: input.reason.trim() };
    },
    async (tx) => periodView(tx, period.name),
  );
}

export async function listPeriods(ctx: AppContext): Promise<PeriodView[]> {
  return (await selectPeriods(ctx.db)).map(toView);
}

async function periodView(db: AppContext['db'], name: string): Promise<PeriodView> {
  return toView((await periodRow(db, name))!);
}

function toView(r: PeriodRow): PeriodView {
  return {
    period: r.period,
    firstDay: r.first_day,
    lastDay: r.last_day,
    closed: r.closed,
    changedAt: r.changed_at,
    changedBy: r.changed_by,
    note: r.note,
  };
}
