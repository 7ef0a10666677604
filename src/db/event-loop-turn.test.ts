/**
 * A request's queries one after another give the event loop its turns: a timer due while they run
 * fires before they end. A server over TCP does so by itself (each query waits on the socket);
 * PGlite answers inside this thread without waiting on anything, so its driver gives the turn
 * (PGLITE_TURN_MS) — without it the quarterly report held the server, /healthz included, for
 * seconds.
 */
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
import { PGLITE_TURN_MS } from './pglite-dialect.js';

let app: TestApp;
beforeAll(async () => {
  app = await testApp();
});
afterAll(async () => app?.close());

describe('a chain of queries', () => {
  it('lets a timer set before it fire while it runs', async () => {
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
    }, 0);
    // Queries back to back for several turns' length, or until the timer has fired: a driver that
    // never gives the turn runs them all and leaves the timer waiting behind the last one.
    const started = performance.now();
    let queries = 0;
    let firedAfter: number | undefined;
    while (performance.now() - started < 10 * PGLITE_TURN_MS) {
      await sql`select 1`.execute(app.db);
      queries++;
      if (fired) {
        firedAfter = queries;
        break;
      }
    }
    clearTimeout(timer);
    expect(firedAfter).toBeDefined();
  });

  it('gives the turn inside a transaction too, without letting another query into it', async () => {
    let fired = false;
    const timer = setTimeout(() => {
      fired = true;
    }, 0);
    const outside: string[] = [];
    const inside = app.db.transaction().execute(async (tx) => {
      await sql`create temporary table turn_probe (n int)`.execute(tx);
      const started = performance.now();
      do await sql`insert into turn_probe values (1)`.execute(tx);
      while (!fired && performance.now() - started < 10 * PGLITE_TURN_MS);
      const { rows } = await sql<{ n: string }>`select count(*)::text as n from turn_probe`.execute(tx);
      await sql`drop table turn_probe`.execute(tx);
      return { fired, rows: Number(rows[0]!.n), outsideSoFar: outside.length };
    });
    // Asked while the transaction runs: answered after it, on the embedded database's one connection.
    const other = sql`select 1`.execute(app.db).then(() => outside.push('answered'));
    const done = await inside;
    await other;
    clearTimeout(timer);
    expect(done.fired).toBe(true);
    expect(done.rows).toBeGreaterThan(0);
    if (app.config.database.kind === 'embedded') expect(done.outsideSoFar).toBe(0);
  });
});
