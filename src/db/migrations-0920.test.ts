/**
 * Migrations 0920 and 0921 on data made before them: mining sites' country names become ISO codes
 * (by the table of src/kernel/countries.ts), and each service ticket's steps are written into its
 * timeline column in their order, as the projections now keep it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databaseMigratedBefore } from '../testing/migrated-before.js';
import { migrate } from './migrate.js';

describe('migrations 0920-0921 on older data', () => {
  let before: Awaited<ReturnType<typeof databaseMigratedBefore>>;
  beforeAll(async () => {
    before = await databaseMigratedBefore('0920_mining_site_country_codes.sql');
    const db = before.db;
    for (const [code, country] of [
      ['SG1', 'Singapore'],
      ['NA1', 'United States'],
      ['KZ1', ' kz '],
      ['UK1', 'UK'],
      ['AT1', 'Atlantis'],
    ])
      await sql`insert into mining_sites (code, name, country, capacity_w, compliance_status, status_since, created_at, updated_at)
        values (${code}, ${code}, ${country}, 0, 'pending', '2021-01-01', now(), now())`.execute(db);
    const event = await sql<{
      id: bigint;
    }>`insert into events (recorded_at, actor, kind, stream, version, payload)
      values (now(), 't', 'service.tickets-imported', 'test', 1, '{}') returning id`.execute(db);
    const eventId = event.rows[0]!.id;
    for (const id of [1, 2])
      await sql`insert into service_tickets (id, origin, class, route, step, open, summary, opened_at, opened_by, updated_at)
        values (${id}, 'customer', 'board-rma', 'rma', 'received', true, 's', now(), 't', now())`.execute(db);
    // Inserted out of order: the timeline follows the steps' seq.
    for (const [seq, step, at] of [
      [3, 'received', '2021-01-05T01:00:00.000Z'],
      [1, 'requested', '2021-01-04T01:00:00.000Z'],
      [2, 'authorised', '2021-01-04T03:30:00.250Z'],
    ] as const)
      await sql`insert into service_ticket_steps (ticket_id, seq, step, at, actor, detail, event_id)
        values (1, ${seq}, ${step}, ${at}, 't', '{}', ${eventId})`.execute(db);
    await migrate(db);
  }, 180_000);
  afterAll(async () => before?.close());

  it('turns the names sites were stored with into codes, keeping what it cannot read', async () => {
    const rows = await sql<{ code: string; country: string }>`select code, country from mining_sites`.execute(
      before.db,
    );
    expect(Object.fromEntries(rows.rows.map((r) => [r.code, r.country]))).toEqual({
      AT1: 'Atlantis',
      KZ1: 'KZ',
      NA1: 'US',
      SG1: 'SG',
      UK1: 'GB',
    });
  });

  it('writes each ticket’s steps into its timeline, in order, to the millisecond', async () => {
    const rows = await sql<{
      id: bigint;
      timeline: string;
    }>`select id, timeline from service_tickets order by id`.execute(before.db);
    expect(rows.rows.map((r) => r.timeline)).toEqual([
      `requested@${Date.parse('2021-01-04T01:00:00.000Z')} authorised@${Date.parse('2021-01-04T03:30:00.250Z')} received@${Date.parse('2021-01-05T01:00:00.000Z')}`,
      '',
    ]);
  });
});
