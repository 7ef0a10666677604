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
import { cuttableLink } from '../testing/cuttable-link.js';
import { testConfig } from '../testing/index.js';
import { lazyServerSender, lostCompletion, serverJobs } from './boss.js';

/** A connection of the test's own, outside the engine's pool: it holds locks across steps. */
async function held(url: string) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, application_name: 'boss-test-held' });
  await client.connect();
  return client;
}

/** Waits until a statement of the engine's naming `what` waits on a lock. */
async function waitingOnLock(url: string, what: string): Promise<void> {
  const c = await held(url);
  try {
    for (;;) {
      const r = await c.query(
        `select count(*)::int as n from pg_stat_activity
         where application_name = 'pgboss' and wait_event_type = 'Lock' and query like $1`,
        [`%${what}%`],
      );
      if (r.rows[0].n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await c.end();
  }
}

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

  it('a process that holds back after its run lets another process take the next', async () => {
    if (target.kind !== 'server') return;
    const log = pino({ level: 'silent' });
    const [a, b] = [
      await serverJobs({ ...target, schema }, log),
      await serverJobs({ ...target, schema }, log),
    ];
    const runs: string[] = [];
    // Runs longer than a look's interval, back to back: pg-boss's own worker asked again at once after
    // each, and the process that had the task kept it.
    const run = (who: string) => async () => {
      runs.push(who);
      await new Promise((resolve) => setTimeout(resolve, 1500));
    };
    try {
      await a.every('held', { seconds: 1, holdBack: () => (runs.includes('a') ? 2500 : 0) }, run('a'));
      while (!runs.includes('a')) await new Promise((resolve) => setTimeout(resolve, 100));
      await b.every('held', { seconds: 1 }, run('b'));
      while (!runs.includes('b') && runs.length < 8) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs).toContain('b');
      // b holds it then: a only asks again after its hold-back, with b's run under way.
      const from = runs.length;
      while (runs.length < from + 3) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(runs.slice(from)).toEqual(['b', 'b', 'b']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('stops within a bound while its fetches hang on a link gone silent, and looks no more', async () => {
    if (target.kind !== 'server') return;
    const url = new URL(target.url);
    const link = await cuttableLink({ host: url.hostname, port: Number(url.port || 5432) }, '127.136.0.1');
    url.host = `${link.host}:${link.port}`;
    const jobs = await serverJobs({ ...target, url: url.href, schema }, pino({ level: 'silent' }));
    const unhandled: unknown[] = [];
    const hear = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', hear);
    try {
      let runs = 0;
      await jobs.every('silenced', { seconds: 1 }, async () => {
        runs++;
      });
      await jobs.work('silenced-controls', { expireInSeconds: 60, atOnce: 2 }, async () => {});
      while (runs === 0) await new Promise((resolve) => setTimeout(resolve, 100));
      link.silence();
      // Every worker's next look is under way by now, and hangs.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const from = Date.now();
      const closed = await Promise.race([
        jobs.close().then(() => Date.now() - from),
        new Promise<string>((resolve) => setTimeout(() => resolve('still closing after 30 s'), 30_000)),
      ]);
      // Nothing under way to wait for: the 2 s grace before the connections are cut, and a little.
      expect(closed).toBeLessThan(5000);
      const [accepted, ran] = [link.accepted(), runs];
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect({ accepted: link.accepted(), runs }, 'a look at the queue after the close').toEqual({
        accepted,
        runs: ran,
      });
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', hear);
      await link.close();
    }
  }, 60_000);
});

describe.skipIf(target.kind !== 'server')('the job engine stopping or failing to start', () => {
  const schema = `boss${randomBytes(4).toString('hex')}`;
  const jobsSchema = `${schema}_jobs`;
  afterAll(async () => {
    if (target.kind !== 'server') return;
    const { db } = await openDatabase({ ...target, pool: 1 });
    await sql`drop schema if exists ${sql.id(jobsSchema)} cascade`.execute(db);
    await db.destroy();
  });

  it("hands back a job its worker's last look brought after the stop, before it closes its connections", async () => {
    if (target.kind !== 'server') return;
    const jobs = await serverJobs({ ...target, schema }, pino({ level: 'silent' }));
    let runs = 0;
    const stopWorking = await jobs.work('handed-back', { expireInSeconds: 60, atOnce: 1 }, async () => {
      runs++;
    });
    // The job is sent in a transaction that locks the queue's table: the worker's next look waits for it.
    const hold = await held(target.url);
    const { default: PgBoss } = await import('pg-boss');
    const sender = new PgBoss({
      db: { executeSql: (text, values) => hold.query(text, values) },
      schema: jobsSchema,
      supervise: false,
      schedule: false,
    });
    await sender.start();
    try {
      await hold.query('begin');
      await hold.query(`lock table ${jobsSchema}.job in exclusive mode`);
      await sender.send('handed-back', {}, { expireInSeconds: 60, retryLimit: 0 });
      await waitingOnLock(target.url, 'SKIP LOCKED');
      // As an agent stops: its worker first, then the engine.
      const closing = stopWorking().then(() => jobs.close());
      // The stop is under way, the look still waiting: it brings the job once the lock goes.
      await new Promise((resolve) => setTimeout(resolve, 500));
      await hold.query('commit');
      await closing;
      const r = await hold.query(`select state from ${jobsSchema}.job where name = 'handed-back'`);
      // Not handed back, it would stay active until its expiry (a control's: dropped unrun).
      expect({ runs, states: r.rows.map((row) => row.state) }).toEqual({ runs: 0, states: ['failed'] });
    } finally {
      await sender.stop({ graceful: false });
      await hold.end();
    }
  });

  it('closes only once a one-off job under way has ended and its end is recorded, and looks no more', async () => {
    if (target.kind !== 'server') return;
    const jobs = await serverJobs({ ...target, schema }, pino({ level: 'silent' }));
    const sender = lazyServerSender({ ...target, schema }, pino({ level: 'silent' }));
    const hold = await held(target.url);
    try {
      let started = false;
      let ended = false;
      let runs = 0;
      // Not stopped by its own stop: a process that closes the engine alone (a serve shutting down).
      await jobs.work('closed-under', { expireInSeconds: 60, atOnce: 1 }, async () => {
        runs++;
        started = true;
        // Longer than the engine's own stop and its connections' grace (1 s and 2 s).
        await new Promise((resolve) => setTimeout(resolve, 4000));
        ended = true;
      });
      await sender.send('closed-under', {}, { expireInSeconds: 60 });
      while (!started) await new Promise((resolve) => setTimeout(resolve, 50));
      await jobs.close();
      const r = await hold.query(`select state from ${jobsSchema}.job where name = 'closed-under'`);
      expect({ ended, states: r.rows.map((row) => row.state) }).toEqual({
        ended: true,
        states: ['completed'],
      });
      // A job sent after the close stays in the queue: the closed engine's worker takes it no more.
      await sender.send('closed-under', {}, { expireInSeconds: 60 });
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(runs).toBe(1);
    } finally {
      await sender.close();
      await hold.end();
    }
  }, 30_000);

  it('starts no worker asked for once its close has begun: nothing of it keeps the process alive', async () => {
    if (target.kind !== 'server') return;
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    // Longer than a worker's nap between looks (500 ms): a worker started would still be napping.
    const settled = () => new Promise((resolve) => setTimeout(resolve, 1500));
    /** An engine whose queue is made, closed at once; `late`: a worker asked for as the close began. */
    const closedEngine = async (late: boolean) => {
      const jobs = await serverJobs({ ...target, schema }, pino({ level: 'silent' }));
      await (await jobs.work('late-worker', { expireInSeconds: 60, atOnce: 1 }, async () => {}))();
      const closed = jobs.close();
      if (late) await jobs.work('late-worker', { expireInSeconds: 60, atOnce: 1 }, async () => {});
      await closed;
      await settled();
      return timers();
    };
    // What an engine closed the ordinary way leaves (the test runner's own timers among them).
    const ordinary = await closedEngine(false);
    expect(await closedEngine(true)).toBe(ordinary);
  });

  it('a start that fails leaves no connection open and no listener behind', async () => {
    if (target.kind !== 'server') return;
    const broken = `boss${randomBytes(4).toString('hex')}`;
    const c = await held(target.url);
    // A version table pg-boss cannot read: its start fails after it has connected.
    await c.query(`create schema ${broken}_jobs; create table ${broken}_jobs.version (v int)`);
    try {
      const listeners = process.listenerCount('unhandledRejection');
      await expect(serverJobs({ ...target, schema: broken }, pino({ level: 'silent' }))).rejects.toThrow(
        /version/,
      );
      // A closed connection's server process leaves pg_stat_activity a moment after the client's end
      // (seen after another test had warmed the client up): a while to go, not forever.
      const count = async () =>
        (
          await c.query(
            `select count(*)::int as n from pg_stat_activity where application_name = 'pgboss' and query like $1`,
            [`%${broken}_jobs%`],
          )
        ).rows[0].n as number;
      let connections = await count();
      for (
        const until = Date.now() + 2000;
        connections > 0 && Date.now() < until;
        connections = await count()
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect({ connections, listeners: process.listenerCount('unhandledRejection') }).toEqual({
        connections: 0,
        listeners,
      });
    } finally {
      await c.query(`drop schema ${broken}_jobs cascade`);
      await c.end();
    }
  });

  it('a sender closes within a bound while a link gone silent holds its start', async () => {
    if (target.kind !== 'server') return;
    // The engine's tables made first: the sender's start then reads their version, which a lock holds.
    await (await serverJobs({ ...target, schema }, pino({ level: 'silent' }))).close();
    const url = new URL(target.url);
    const link = await cuttableLink({ host: url.hostname, port: Number(url.port || 5432) }, '127.65.0.1');
    url.host = `${link.host}:${link.port}`;
    const sender = lazyServerSender({ ...target, url: url.href, schema }, pino({ level: 'silent' }));
    const hold = await held(target.url);
    try {
      await hold.query('begin');
      await hold.query(`lock table ${jobsSchema}.version in access exclusive mode`);
      const sent = sender.send('silenced', {}, { expireInSeconds: 60 }).catch((error: unknown) => error);
      await waitingOnLock(target.url, `${jobsSchema}.version`);
      link.silence();
      await hold.query('rollback');
      const from = Date.now();
      const closed = await Promise.race([
        sender.close().then(() => Date.now() - from),
        new Promise<string>((resolve) => setTimeout(() => resolve('still closing after 15 s'), 15_000)),
      ]);
      // The start's grace, then the pool's: 2 s each.
      expect(closed).toBeLessThan(6000);
      expect(await sent).toBeInstanceOf(Error);
    } finally {
      await hold.end();
      await link.close();
    }
  }, 30_000);
});

describe('a job ended while the database is out of reach', () => {
  /** A failure as pg-boss 10's unawaited complete() rejects with it. */
  const failed = (code: string, message: string) =>
    Object.assign(new Error(message), {
      code,
      stack: `error: ${message}\n    at async Manager.complete (node_modules/pg-boss/src/manager.js:485:20)`,
    });

  it('is heard, not fatal, whether the network was cut or the server stopped', () => {
    expect(lostCompletion(failed('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5440'))).toBe(true);
    // `pg_ctl stop`: new connections are refused by the server itself while it shuts down.
    expect(lostCompletion(failed('57P03', 'the database system is shutting down'))).toBe(true);
    expect(lostCompletion(failed('57P01', 'terminating connection due to administrator command'))).toBe(true);
    expect(lostCompletion(failed('08006', 'connection failure'))).toBe(true);
  });

  it('anything else still ends the process', () => {
    expect(lostCompletion(failed('42601', 'syntax error'))).toBe(false);
    expect(lostCompletion(Object.assign(new Error('x'), { code: '57P03', stack: 'elsewhere' }))).toBe(false);
  });
});
