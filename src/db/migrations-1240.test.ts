/**
 * Migration 1240 on data made before it: a finished RMA's shipped-back day stored by a session in
 * another time zone (the day there, not in UTC) becomes its UTC day; one stored right stays.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedBefore } from '../testing/migrated-before.js';
import { migrate } from './migrate.js';

describe('migration 1240 on older data', () => {
  let before: Awaited<ReturnType<typeof databaseMigratedBefore>>;
  beforeAll(async () => {
    before = await databaseMigratedBefore('1240_service_ticket_sla_shipped_utc.sql');
    const db = before.db;
    // Both shipped back at 23:30 UTC on 2021-01-25; the first stored by a session at UTC+14.
    for (const [id, storedOn] of [
      [1, '2021-01-26'],
      [2, '2021-01-25'],
    ] as const) {
      await sql`insert into service_tickets (id, origin, class, route, step, open, summary, opened_at, opened_by, updated_at, shipped_at)
        values (${id}, 'customer', 'board-rma', 'rma', 'shipped', true, 's', '2021-01-18T02:00:00Z', 't', now(), '2021-01-25T23:30:00Z')`.execute(
        db,
      );
      await sql`insert into service_ticket_sla (ticket_id, centre_id, shipped_on, measured, met, turnaround_ms)
        values (${id}, 'SG1', ${storedOn}, 4, 3, 1)`.execute(db);
    }
    await migrate(db);
  }, 180_000);
  afterAll(async () => before?.close());

  it('stores each finished RMA’s shipped-back day as its UTC day, its figures untouched', async () => {
    const rows = await sql<{ ticket_id: string; shipped_on: string; met: number }>`
      select ticket_id::text, shipped_on::text, met from service_ticket_sla order by ticket_id`.execute(
      before.db,
    );
    expect(rows.rows).toEqual([
      { ticket_id: '1', shipped_on: '2021-01-25', met: 3 },
      { ticket_id: '2', shipped_on: '2021-01-25', met: 3 },
    ]);
  });
});
