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
