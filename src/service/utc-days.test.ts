/**
 * A ticket's days are UTC days, whatever the time zone of the session that writes or reads them: a
 * cast of a timestamptz to date takes its day in the session's zone, and on a server set to another
 * zone an RMA shipped back at 23:30 UTC was stored, and counted, on the next day.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { type TestApp, testApp } from '../testing/index.js';
import { CentreInput } from './schemas.js';
import { quarterTickets } from './store.js';
import { centreInput, serialisedWithCentre } from './test-fixtures.js';
import { openTicket, stepTicket } from './tickets.js';

/** Kiribati's Line Islands, UTC+14: 23:30 UTC is 13:30 the next day there. */
const FAR_ZONE = 'Pacific/Kiritimati';

/** Runs `work` in a transaction whose session keeps its days in `FAR_ZONE`. */
function farAway<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local time zone ${sql.lit(FAR_ZONE)}`.execute(tx);
    return work(tx);
  });
}

describe('a ticket’s days in a session of another time zone', () => {
  let app: TestApp;
  let ticketId: number;

  beforeAll(async () => {
    app = await testApp();
    const actor = app.actor();
    app.clock.set('2021-01-17T23:30:00Z');
    const customerId = await serialisedWithCentre(
      app,
      actor,
      CentreInput.parse(centreInput('SG1', 'SG', 'asia-pacific', 480)),
    );
    app.clock.set('2021-01-17T23:30:00Z');
    const t = await openTicket(app, actor, {
      serial: 'A1246-202012-000001',
      ticketClass: 'board-rma',
      summary: 'dead board',
      customerId,
    });
    ticketId = t.id;
    for (const [at, step] of [
      ['2021-01-18T02:00:00Z', 'authorised'],
      ['2021-01-19T02:00:00Z', 'received'],
      ['2021-01-20T02:00:00Z', 'diagnosed'],
      ['2021-01-21T02:00:00Z', 'repaired'],
      ['2021-01-22T02:00:00Z', 'burn-in'],
    ] as const) {
      app.clock.set(at);
      await stepTicket(app, actor, ticketId, { step });
    }
    // Shipped back late in the UTC day, by a session far east of it.
    app.clock.set('2021-01-25T23:30:00Z');
    await farAway(app.db, (tx) => stepTicket({ ...app, db: tx }, actor, ticketId, { step: 'shipped' }));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('stores the day an RMA was shipped back as its UTC day', async () => {
    const r = await sql<{ shipped_on: string }>`
      select shipped_on::text from service_ticket_sla where ticket_id = ${ticketId}`.execute(app.db);
    expect(r.rows.map((row) => row.shipped_on)).toEqual(['2021-01-25']);
  });

  it('counts tickets opened and shipped back on their UTC days', async () => {
    const on = (day: string) => farAway(app.db, (tx) => quarterTickets(tx, day, day));
    expect(await on('2021-01-17')).toMatchObject({ opened: 1, shipped: 0 });
    expect(await on('2021-01-25')).toMatchObject({ opened: 0, shipped: 1 });
    expect(await on('2021-01-26')).toMatchObject({ opened: 0, shipped: 0 });
  });
});
