import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retainedHeap } from '../testing/heap.js';
import { type OpenDatabase, openDatabase } from './db.js';
import { SOCKET_PORT, socketPath, startWireServer } from './socket-server.js';

describe('the embedded database reached through its socket', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-socket-'));
  let owner: OpenDatabase;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    owner = await openDatabase({ kind: 'embedded', dataDir: dir });
    await sql`create table t (n int8 not null)`.execute(owner.db);
    stop = await startWireServer({
      pglite: owner.embedded!.pglite,
      exclusive: owner.embedded!.exclusive,
      dir,
    });
  });
  afterAll(async () => {
    await stop();
    await owner.close();
  });

  const client = () => openDatabase({ kind: 'socket', dir, port: SOCKET_PORT });

  it('answers queries with the same column types as in process, and only its owner may connect', async () => {
    expect(statSync(socketPath(dir)).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const other = await client();
    await sql`insert into t values (${12345678901234n})`.execute(other.db);
    const rows = await sql<{ n: bigint }>`select n from t`.execute(other.db);
    expect(rows.rows).toEqual([{ n: 12345678901234n }]);
    await other.close();
  });

  it("keeps a client's transaction whole: the owner's queries wait until it ends", async () => {
    const other = await client();
    let ownerSaw: bigint[] | undefined;
    await other.db.transaction().execute(async (tx) => {
      await sql`insert into t values (1)`.execute(tx);
      // The owner asks in the middle of the client's transaction; it must not see half of it.
      const reading = sql<{ n: bigint }>`select n from t order by n`.execute(owner.db).then((r) => {
        ownerSaw = r.rows.map((row) => row.n);
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(ownerSaw).toBeUndefined();
      await sql`insert into t values (2)`.execute(tx);
      void reading;
    });
    await other.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ownerSaw).toEqual([1n, 2n, 12345678901234n]);
  });

  it('keeps nothing of what a long session read', async () => {
    const other = await client();
    const read = () => sql<{ text: string }>`select repeat('x', 50000) as text`.execute(other.db);
    await read();
    const before = retainedHeap();
    for (let i = 0; i < 300; i++) await read();
    const grown = retainedHeap() - before;
    await other.close();
    // 300 replies of 50 kB: kept, they would be 15 MB and more.
    expect(grown).toBeLessThan(2_000_000);
  });

  it('rolls back what a client left open when it went away', async () => {
    const other = await client();
    await sql`begin`.execute(other.db);
    await sql`insert into t values (99)`.execute(other.db);
    await other.close(); // the connection ends without a commit
    const rows = await sql<{ n: bigint }>`select count(*)::int8 as n from t where n = 99`.execute(owner.db);
    expect(rows.rows[0]?.n).toBe(0n);
  });
});

describe('a quiet client of the embedded database', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hf-socket-idle-'));
  let owner: OpenDatabase;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    owner = await openDatabase({ kind: 'embedded', dataDir: dir });
    stop = await startWireServer({
      pglite: owner.embedded!.pglite,
      exclusive: owner.embedded!.exclusive,
      dir,
      idle: { outsideTransactionMs: 200, inTransactionMs: 1_500 },
    });
  });
  afterAll(async () => {
    await stop();
    await owner.close();
  });

  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('keeps one quiet inside a transaction (a verify rebuilding meanwhile), up to the longer limit', async () => {
    const other = await openDatabase({ kind: 'socket', dir, port: SOCKET_PORT });
    try {
      const n = await other.db.transaction().execute(async (tx) => {
        await sql`select 1`.execute(tx);
        await pause(700); // over three quiet spells of the shorter limit
        return (await sql<{ n: number }>`select 2 as n`.execute(tx)).rows[0]?.n;
      });
      expect(n).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('cuts one off that is quiet outside a transaction, and one quiet past the longer limit inside', async () => {
    const outside = await openDatabase({ kind: 'socket', dir, port: SOCKET_PORT });
    await sql`select 1`.execute(outside.db); // its connection now holds the database, quiet
    const started = performance.now();
    await sql`select 1`.execute(owner.db); // waits until the quiet client is cut off
    expect(performance.now() - started).toBeLessThan(2_000);
    await outside.close().catch(() => {});
    const inside = await openDatabase({ kind: 'socket', dir, port: SOCKET_PORT });
    await expect(
      inside.db.transaction().execute(async (tx) => {
        await sql`select 1`.execute(tx);
        await pause(2_000);
        await sql`select 1`.execute(tx);
      }),
    ).rejects.toThrow();
    await inside.close().catch(() => {});
    // Nothing was left holding the database, nor a transaction open.
    expect(owner.embedded!.pglite.isInTransaction()).toBe(false);
    expect((await sql<{ n: number }>`select 3 as n`.execute(owner.db)).rows[0]?.n).toBe(3);
  });
});
