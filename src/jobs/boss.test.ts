/**
 * pg-boss on the PostgreSQL server (only with DATABASE_URL: the embedded database has no job
 * engine). `agent --all` registers a queue per site at once, and pg-boss 10 makes each queue's table
 * with DDL it does not lock: made all at once they deadlocked on a new database.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/db.js';
import { testConfig } from '../testing/index.js';
import { serverJobs } from './boss.js';

const target = testConfig.database;

describe.skipIf(target.kind !== 'server')('the job engine on the server', () => {
  // A schema of its own on the test server, dropped after.
  const schema = `boss${randomBytes(4).toString('hex')}`;
  afterAll(async () => {
    if (target.kind !== 'server') return;
    const { db } = await openDatabase({ ...target, pool: 1 });
    await sql`drop schema if exists ${sql.id(`${schema}_jobs`)} cascade`.execute(db);
    await db.destroy();
  });

  it('makes a dozen queues asked for at once, one at a time, without a deadlock', async () => {
    if (target.kind !== 'server') return;
    const jobs = await serverJobs({ ...target, schema }, pino({ level: 'silent' }));
    try {
      const stops = await Promise.all(
        Array.from({ length: 12 }, (_, i) => jobs.every(`site-${i}`, { seconds: 60 }, async () => {})),
      );
      expect(stops).toHaveLength(12);
      const { db } = await openDatabase({ ...target, pool: 1 });
      const queues = await sql<{ n: bigint }>`
        select count(*) as n from ${sql.table(`${schema}_jobs.queue`)} where name like 'site-%'`.execute(db);
      await db.destroy();
      expect(Number(queues.rows[0]!.n)).toBe(12);
    } finally {
      await jobs.close();
    }
  });
});
