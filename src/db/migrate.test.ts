import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp, testConfig } from '../testing/index.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { type Db, openDatabase } from './db.js';
import { migrate, migrationFiles } from './migrate.js';

describe('migrations', () => {
  let app: TestApp;
  afterEach(async () => app?.close());

  it('apply once; a second run at start-up applies nothing', async () => {
    app = await testApp();
    expect(await migrate(app.db)).toEqual([]);
    const applied = await app.db.selectFrom('schema_migrations').select('name').orderBy('name').execute();
    expect(applied.map((r) => r.name)).toEqual(migrationFiles());
  });

  it('refuse a database whose applied list is not a prefix of the files', async () => {
    app = await testApp();
    const dir = mkdtempSync(join(tmpdir(), 'hf-migrations-'));
    writeFileSync(join(dir, '0001_other.sql'), 'select 1;');
    await expect(migrate(app.db, dir)).rejects.toThrow(/created by other code/);
  });

  it('keep history append-only at the database level', async () => {
    app = await testApp();
    await sql`insert into events (recorded_at, actor, kind, stream, version, payload) values (now(), 'a', 'k', 's', 1, '{}')`.execute(
      app.db,
    );
    await expect(sql`update events set actor = 'b'`.execute(app.db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from events`.execute(app.db)).rejects.toThrow(/append-only/);
  });
});

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;

describe('migrations started by several processes at once', { timeout: 120_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): the embedded database has one process, so one migrator', () => {});
    return;
  }

  it('apply each file once, by one of them; every one ends with the database up to date', async () => {
    const fresh = await emptyServerDatabase(server.url);
    // Five pools of one connection: five sessions, as five processes starting at once would have.
    const migrators: Db[] = [];
    try {
      for (let i = 0; i < 5; i++)
        migrators.push((await openDatabase({ kind: 'server', url: fresh.url, pool: 1 })).db);
      const applied = await Promise.all(migrators.map((db) => migrate(db)));
      const files = migrationFiles();
      // One took the lock and applied everything; the others waited and found nothing to do.
      expect(applied.flat().sort()).toEqual(files);
      expect(applied.filter((a) => a.length > 0)).toHaveLength(1);
      const recorded = await migrators[0]!
        .selectFrom('schema_migrations')
        .select('name')
        .orderBy('name')
        .execute();
      expect(recorded.map((r) => r.name)).toEqual(files);
      // The lock is released with the work: one more migrator does not wait.
      expect(await migrate(migrators[1]!)).toEqual([]);
    } finally {
      for (const db of migrators) await db.destroy();
      await fresh.drop();
    }
  });
});
