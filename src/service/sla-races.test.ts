/**
 * A centre's calendar changing while its tickets finish or its SLA is read, on the PostgreSQL server
 * (the embedded database runs one transaction at a time, so nothing interleaves there): a ticket
 * finishing meanwhile stores its figures by the calendar the centre ends with (`finishedTimelines`
 * locks the centre's row for share), and a report reads the centre and its tickets in one snapshot.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { heldTransaction } from '../testing/held-transaction.js';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { setCentre } from './centres.js';
import { slaReport } from './reports.js';
import { CentreInput } from './schemas.js';
import { finishedFigures, type TimelineEntry, type WorkingCalendar, workingClock } from './sla.js';
import { finishedTimelines, parseTimeline } from './store.js';
import { centreInput, serialisedWithCentre } from './test-fixtures.js';
import { openTicket, stepTicket } from './tickets.js';

const S = (n: number) => `A1246-202012-${String(n).padStart(6, '0')}`;
const weekdays = (from: string, to: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from, to }));
/** SG1's first calendar, 09:00-18:00 on weekdays, and the one it changes to: an hour a day. */
const NINE_TO_SIX = CentreInput.parse(centreInput('SG1', 'SG', 'asia-pacific', 480));
const withCalendar = (calendar: WorkingCalendar) => CentreInput.parse({ ...NINE_TO_SIX, calendar });
const AN_HOUR: WorkingCalendar = { utcOffsetMinutes: 480, hours: weekdays('10:00', '11:00'), holidays: [] };

/** Resolves once a statement in this database waits on a lock; fails after 20 s of none. */
async function someoneWaits(db: Db): Promise<void> {
  const end = Date.now() + 20_000;
  while (Date.now() < end) {
    const r = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`.execute(db);
    if (r.rows[0]!.n > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('no statement waited on a lock within 20 s');
}

describe('a centre’s calendar changing under its tickets', () => {
  if (testConfig.database.kind !== 'server') {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the embedded database runs one transaction at a time', () => {});
    return;
  }
  let app: TestApp;
  /** Ready to ship back; shipped back; received and not diagnosed. */
  let [toShip, shipped, open] = [0, 0, 0];

  beforeAll(async () => {
    app = await testApp();
    const actor = app.actor();
    app.clock.set('2021-01-15T00:00:00Z');
    const customerId = await serialisedWithCentre(app, actor, NINE_TO_SIX);
    const ids: number[] = [];
    for (const n of [1, 2, 3]) {
      app.clock.set('2021-01-17T02:00:00Z');
      const t = await openTicket(app, actor, {
        serial: S(n),
        ticketClass: 'board-rma',
        summary: 'dead board',
        customerId,
      });
      ids.push(t.id);
    }
    [toShip, shipped, open] = ids as [number, number, number];
    const steps = [
      ['2021-01-18T02:00:00Z', 'authorised'],
      ['2021-01-19T02:00:00Z', 'received'],
      ['2021-01-21T02:00:00Z', 'diagnosed'],
      ['2021-01-22T02:00:00Z', 'repaired'],
      ['2021-01-25T02:00:00Z', 'burn-in'],
    ] as const;
    for (const id of [toShip, shipped])
      for (const [at, step] of steps) {
        app.clock.set(at);
        await stepTicket(app, actor, id, { step });
      }
    app.clock.set('2021-01-26T02:00:00Z');
    await stepTicket(app, actor, shipped, { step: 'shipped' });
    for (const [at, step] of steps.slice(0, 2)) {
      app.clock.set(at);
      await stepTicket(app, actor, open, { step });
    }
    app.clock.set('2021-01-28T02:00:00Z');
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });
  // Each test changes SG1's calendar from the first one.
  beforeEach(async () => {
    await setCentre(app, app.actor(), NINE_TO_SIX);
  });

  it('reads a centre’s SLA in one snapshot: all by the old calendar or all by the new', async () => {
    const before = await slaReport(app, 'SG1');
    // The change holds the table of stored figures from the start: the report's read of them waits
    // for it, its read of the centre does not.
    const change = heldTransaction(app.db);
    await change.step((tx) => sql`lock table service_ticket_sla in access exclusive mode`.execute(tx));
    const raced = slaReport(app, 'SG1');
    await someoneWaits(app.db);
    await change.step((tx) => setCentre({ ...app, db: tx }, app.actor(), withCalendar(AN_HOUR)));
    await change.commit();
    const after = await slaReport(app, 'SG1');
    // Both parts move with the calendar (else a mixed report could not be told apart).
    expect(after).not.toEqual(before);
    expect([before, after]).toContainEqual(await raced);
  });

  it('stores the figures of a ticket finishing while its centre’s calendar changes by the new calendar', async () => {
    const actor = app.actor();
    const change = heldTransaction(app.db);
    await change.step((tx) => setCentre({ ...app, db: tx }, actor, withCalendar(AN_HOUR)));
    app.clock.set('2021-01-28T03:00:00Z');
    const finishing = stepTicket(app, actor, toShip, { step: 'shipped' });
    // The ticket's figures are worked out, or it waits for the change to commit first.
    await Promise.race([finishing, someoneWaits(app.db)]);
    await change.commit();
    await finishing;
    const [ticket] = await finishedTimelines(app.db, { ticketIds: [toShip] });
    const timeline = parseTimeline(ticket!.timeline) as TimelineEntry[];
    const figures = (c: WorkingCalendar) => {
      const { measured, met } = finishedFigures(workingClock(c), timeline);
      return { measured, met };
    };
    // The two calendars disagree on this ticket (else a race could not show).
    expect(figures(AN_HOUR)).not.toEqual(figures(NINE_TO_SIX.calendar));
    const stored = await sql<{ measured: number; met: number }>`
      select measured, met from service_ticket_sla where ticket_id = ${toShip}`.execute(app.db);
    expect(stored.rows).toEqual([figures(AN_HOUR)]);
  });
});
