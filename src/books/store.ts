/** The books' periods as their events leave them: one row a period, closed or reopened. */
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import type { ReportAtClose } from './events.js';
import type { Period, PeriodState } from './model.js';

export type BooksTables = {
  books_periods: {
    period: string;
    first_day: Day;
    last_day: Day;
    closed: boolean;
    changed_at: Date;
    changed_by: string;
    note: string | null;
  };
  books_closed_reports: {
    period: string;
    report: string;
    hash: string;
    section_hashes: string;
    closed_at: Date;
    closed_by: string;
  };
};

const booksDb = (db: Db) => db.withTables<BooksTables>();

export async function savePeriod(
  tx: Db,
  p: Period,
  change: { closed: boolean; at: Date; by: string; note: string | null },
): Promise<void> {
  const row = {
    period: p.name,
    first_day: p.firstDay,
    last_day: p.lastDay,
    closed: change.closed,
    changed_at: change.at,
    changed_by: change.by,
    note: change.note,
  };
  await booksDb(tx)
    .insertInto('books_periods')
    .values(row)
    .onConflict((oc) => oc.column('period').doUpdateSet(row))
    .execute();
}

export type PeriodRow = BooksTables['books_periods'];

export async function periodRow(db: Db, name: string): Promise<PeriodRow | undefined> {
  return booksDb(db).selectFrom('books_periods').selectAll().where('period', '=', name).executeTakeFirst();
}

export async function findPeriod(db: Db, name: string): Promise<PeriodState | undefined> {
  const row = await periodRow(db, name);
  return row && { name: row.period, firstDay: row.first_day, lastDay: row.last_day, closed: row.closed };
}

/** The closed period a day falls in, if any (a month inside a closed quarter counts too). */
export async function closedPeriodCovering(db: Db, day: Day): Promise<string | undefined> {
  const row = await booksDb(db)
    .selectFrom('books_periods')
    .select('period')
    .where('closed', '=', true)
    .where('first_day', '<=', day)
    .where('last_day', '>=', day)
    .orderBy('first_day')
    .executeTakeFirst();
  return row?.period;
}

export async function selectPeriods(db: Db): Promise<PeriodRow[]> {
  return booksDb(db)
    .selectFrom('books_periods')
    .selectAll()
    .orderBy('first_day')
    .orderBy('last_day')
    .execute();
}

export async function saveClosedReport(tx: Db, period: string, r: ReportAtClose, at: Date, by: string) {
  const row = {
    period,
    report: r.text,
    hash: r.hash,
    // Keys in order: the event's payload (jsonb) comes back with its keys reordered, and a replay
    // must store the same text.
    section_hashes: JSON.stringify(
      Object.fromEntries(Object.entries(r.sectionHashes).sort(([a], [b]) => (a < b ? -1 : 1))),
    ),
    closed_at: at,
    closed_by: by,
  };
  await booksDb(tx)
    .insertInto('books_closed_reports')
    .values(row)
    .onConflict((oc) => oc.column('period').doUpdateSet(row))
    .execute();
}

export interface ClosedReport extends ReportAtClose {
  closedAt: Date;
  closedBy: string;
}

/** What a closed quarter's report said when it was closed; undefined when it is not closed. */
export async function closedReport(db: Db, period: string): Promise<ClosedReport | undefined> {
  const r = await booksDb(db)
    .selectFrom('books_closed_reports')
    .selectAll()
    .where('period', '=', period)
    .executeTakeFirst();
  return (
    r && {
      text: r.report,
      hash: r.hash,
      sectionHashes: JSON.parse(r.section_hashes) as Record<string, string>,
      closedAt: r.closed_at,
      closedBy: r.closed_by,
    }
  );
}
