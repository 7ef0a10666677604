import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
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
