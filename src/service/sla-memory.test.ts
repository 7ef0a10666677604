/**
 * The SLA report sums the figures stored on finished tickets' rows and measures the open ones, in
 * one statement. On the PostgreSQL server, event ids are taken before commit, so two writers can
 * commit out of id order: a step that took the lower id and committed last must still reach the
 * report, its ticket counted once (finished, not also open).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heldTransaction } from '../testing/held-transaction.js';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { slaReport } from './reports.js';
import { CentreInput } from './schemas.js';
import { centreInput, serialisedWithCentre } from './test-fixtures.js';
import { openTicket, stepTicket } from './tickets.js';

const S = (n: number) => `A1246-202012-${String(n).padStart(6, '0')}`;

describe('the SLA report’s finished tickets', () => {
  if (testConfig.database.kind !== 'server') {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the embedded database runs one transaction at a time, so nothing commits out of order', () => {});
    return;
  }
  let app: TestApp;
  const tickets: number[] = [];

  beforeAll(async () => {
    app = await testApp();
    const actor = app.actor();
    app.clock.set('2021-01-15T00:00:00Z');
    const customerId = await serialisedWithCentre(
      app,
      actor,
      CentreInput.parse(centreInput('SG1', 'SG', 'asia-pacific', 480)),
    );
    for (const serial of [S(1), S(2)]) {
      const t = await openTicket(app, actor, {
        serial,
        ticketClass: 'board-rma',
        summary: 'dead board',
        customerId,
      });
      tickets.push(t.id);
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });

  it('counts a ticket finished by a step that took the lower id and committed after a report', async () => {
    const actor = app.actor();
    const [first, second] = tickets as [number, number];
    // A: cancels the first ticket, its event numbered, and holds its transaction open.
    const a = heldTransaction(app.db);
    await a.step((tx) => stepTicket({ ...app, db: tx }, actor, first, { step: 'cancelled' }));
    // B: cancels the second, numbered after A's, and commits first.
    await stepTicket(app, actor, second, { step: 'cancelled' });
    const before = await slaReport(app, 'SG1');
    expect(before[0]).toMatchObject({ tickets: 2, backlog: 1 });
    await a.commit();
    const ids = await sql<{ id: string; ticket: number }>`
      select id::text, (payload ->> 'ticketId')::int as ticket from events
      where kind = 'service.ticket-stepped' order by id`.execute(app.db);
    expect(ids.rows.map((r) => r.ticket)).toEqual([first, second]);
    // Both finished now: none open, and the first counted among the finished.
    expect((await slaReport(app, 'SG1'))[0]).toMatchObject({ tickets: 2, backlog: 0 });
  });
});
