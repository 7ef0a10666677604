/**
 * Following the audit list `after` the last id given, on the PostgreSQL server, with transactions
 * that commit out of id order: every event is listed once, none skipped. (The embedded database
 * runs one transaction at a time: nothing commits out of order there.) The list holds back events
 * of transactions newer than any of this database still running, and may hold back a little more
 * (another database's transaction begun as it is asked: a shared test server has those): the
 * follower looks until what it expects is in, and a skipped event never comes. A write that had
 * committed before the list was asked is never held back by another database's transactions.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { addProduct } from '../catalog/service.js';
import { chip } from '../catalog/test-fixtures.js';
import { type Db, openDatabase } from '../db/db.js';
import { heldTransaction } from '../testing/held-transaction.js';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { listEvents } from './audit.js';

/** How long a follower waits for running transactions elsewhere on the server to end. */
const HORIZON_MS = 60_000;

/** A client following the audit: each look lists what is new after the last id it was given. */
function follower(app: TestApp) {
  const seen: string[] = [];
  let after: number | undefined;
  const look = async () => {
    const page = await listEvents(app, { limit: 100, after });
    seen.push(...page.map((e) => e.stream));
    if (page.length > 0) after = Number(page.at(-1)!.id);
  };
  return {
    seen,
    look,
    /** Looks until `count` events are seen (or the wait ends: the assertion after says what came). */
    async lookUntil(count: number) {
      await until(`${count} events listed`, HORIZON_MS, async () => {
        await look();
        return seen.length >= count || undefined;
      }).catch(() => {});
    },
  };
}

describe('following the audit while transactions commit out of id order', () => {
  if (testConfig.database.kind !== 'server') {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the embedded database runs one transaction at a time, so nothing commits out of order', () => {});
    return;
  }
  const { url } = testConfig.database;
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
  });
  const add = (db: Db, id: string) => addProduct({ ...app!, db }, app!.actor('supply'), chip(id));

  it('lists an event that took the lower id and committed after a later one was listed', async () => {
    app = await testApp();
    const tail = follower(app);
    const a = heldTransaction(app.db);
    await a.step((tx) => add(tx, 'K1'));
    await add(app.db, 'K2');
    // Listed here, by id, K2 would move the cursor past K1.
    await tail.look();
    await a.commit();
    await tail.lookUntil(2);
    expect(tail.seen.sort()).toEqual(['product:K1', 'product:K2']);
  }, 150_000);

  it('lists an event that a running transaction took between two of a finished one', async () => {
    app = await testApp();
    const tail = follower(app);
    const a = heldTransaction(app.db);
    const b = heldTransaction(app.db);
    await a.step((tx) => add(tx, 'K1'));
    await b.step((tx) => add(tx, 'K2'));
    await a.step((tx) => add(tx, 'K3'));
    await a.commit();
    await tail.lookUntil(2);
    expect(tail.seen).toEqual(['product:K1', 'product:K3']);
    await b.commit();
    await tail.lookUntil(3);
    expect(tail.seen).toEqual(['product:K1', 'product:K3', 'product:K2']);
  }, 150_000);

  it('lists a write at once while transactions of another database on the server end', async () => {
    app = await testApp();
    const other = await emptyServerDatabase(url);
    const sessions = 8;
    const { db: elsewhere } = await openDatabase({ kind: 'server', url: other.url, pool: sessions });
    // Each session always has a transaction running there, so each write here is begun while
    // `sessions` of them run, and they end one by one while the list below is asked again.
    let busy = true;
    const noise = Array.from({ length: sessions }, async () => {
      while (busy) await sql`select pg_current_xact_id(), pg_sleep(0.05)`.execute(elsewhere);
    });
    const missed: string[] = [];
    try {
      for (let round = 0; round < 10; round++) {
        const id = `W${round}`;
        await addProduct(app, app.actor('supply'), chip(id));
        for (const end = Date.now() + 80; Date.now() < end; ) {
          const page = await listEvents(app, { stream: `product:${id}`, limit: 1 });
          if (page.length === 0) missed.push(id);
        }
      }
    } finally {
      busy = false;
      await Promise.all(noise);
      await elsewhere.destroy();
      await other.drop();
    }
    expect(missed).toEqual([]);
  }, 60_000);
});
