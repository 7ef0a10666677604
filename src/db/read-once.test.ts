/**
 * A handle for one computation's repeated reads (read-once.ts): the same read runs once, each caller
 * gets rows of its own, other parameters are other reads, a write through it forgets them all, and
 * a transaction through it is the database's own.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
import { readOnce } from './read-once.js';

let app: TestApp;
beforeAll(async () => {
  app = await testApp();
  await sql`create table read_once_probe (id int primary key, name text not null)`.execute(app.db);
  await sql`insert into read_once_probe values (1, 'one'), (2, 'two')`.execute(app.db);
});
afterAll(async () => app?.close());

const names = (db: typeof app.db, from: number) =>
  sql<{ name: string }>`select name from read_once_probe where id >= ${from} order by id`.execute(db);

describe('a handle for repeated reads', () => {
  it('answers a repeated read as it was first read, and a new handle afresh', async () => {
    const once = readOnce(app.db);
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two']);
    // Written beside the handle: the handle's repeat does not run again, a new handle does.
    await sql`insert into read_once_probe values (3, 'three')`.execute(app.db);
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two']);
    expect((await names(readOnce(app.db), 1)).rows.map((r) => r.name)).toEqual(['one', 'two', 'three']);
    // Other parameters are another read.
    expect((await names(once, 2)).rows.map((r) => r.name)).toEqual(['two', 'three']);
    await sql`delete from read_once_probe where id = 3`.execute(app.db);
  });

  it("gives each caller rows of its own: one's changes are not the next one's answer", async () => {
    const once = readOnce(app.db);
    const first = await names(once, 1);
    first.rows[0]!.name = 'changed';
    first.rows.pop();
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two']);
    // Values inside a row too: a document's arrays, a timestamp.
    const doc = () =>
      sql<{ doc: { ids: number[] }; at: Date }>`
        select jsonb_build_object('ids', jsonb_agg(id order by id)) as doc,
          timestamptz '2020-01-01T00:00:00Z' as at
        from read_once_probe`.execute(once);
    const mine = (await doc()).rows[0]!;
    mine.doc.ids.push(99);
    mine.at.setUTCFullYear(1999);
    expect((await doc()).rows[0]).toEqual({ doc: { ids: [1, 2] }, at: new Date('2020-01-01T00:00:00Z') });
  });

  it('gives each caller its own timestamps inside arrays, nested arrays and bytes', async () => {
    const once = readOnce(app.db);
    const read = () =>
      sql<{ ats: Date[]; grid: number[][]; doc: { rows: number[][] }; bytes: Uint8Array }>`
        select array[timestamptz '2020-01-01T00:00:00Z', timestamptz '2020-01-02T00:00:00Z'] as ats,
          array[array[1, 2], array[3, 4]] as grid,
          jsonb_build_object('rows', jsonb_build_array(jsonb_build_array(1, 2), jsonb_build_array(3))) as doc,
          '\\x0102'::bytea as bytes`.execute(once);
    const mine = (await read()).rows[0]!;
    mine.ats[0]!.setUTCFullYear(1999);
    mine.ats.push(new Date(0));
    mine.grid[0]![0] = 99;
    mine.grid[1]!.push(5);
    mine.doc.rows[1]!.push(4);
    mine.bytes[0] = 9;
    const theirs = (await read()).rows[0]!;
    expect(theirs).toEqual({
      ats: [new Date('2020-01-01T00:00:00Z'), new Date('2020-01-02T00:00:00Z')],
      grid: [
        [1, 2],
        [3, 4],
      ],
      doc: { rows: [[1, 2], [3]] },
      bytes: expect.anything(),
    });
    expect([...theirs.bytes]).toEqual([1, 2]);
    // The driver's own type, as a read without the handle gives it (a Buffer on PostgreSQL).
    const direct = await sql<{ bytes: Uint8Array }>`select '\\x0102'::bytea as bytes`.execute(app.db);
    expect([mine.bytes.constructor, theirs.bytes.constructor]).toEqual([
      direct.rows[0]!.bytes.constructor,
      direct.rows[0]!.bytes.constructor,
    ]);
  });

  it('forgets what it read once a statement that writes goes through it', async () => {
    const once = readOnce(app.db);
    await names(once, 1);
    await sql`insert into read_once_probe values (4, 'four')`.execute(once);
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two', 'four']);
    await sql`delete from read_once_probe where id = 4`.execute(once);
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two']);
  });

  it('takes a transaction on the database itself, whose reads it does not remember', async () => {
    const once = readOnce(app.db);
    await names(once, 1);
    await sql`insert into read_once_probe values (5, 'five')`.execute(app.db);
    const inside = await once.transaction().execute((tx) => names(tx, 1));
    expect(inside.rows.map((r) => r.name)).toEqual(['one', 'two', 'five']);
    await sql`delete from read_once_probe where id = 5`.execute(app.db);
  });

  it("takes a transaction through a module's view of it (withTables) as through the handle", async () => {
    const probe = readOnce(app.db).withTables<{ read_once_probe: { id: number; name: string } }>();
    const read = (db: typeof probe) =>
      db.selectFrom('read_once_probe').select('name').orderBy('id').execute();
    expect((await read(probe)).map((r) => r.name)).toEqual(['one', 'two']);
    await probe
      .transaction()
      .execute((tx) => tx.insertInto('read_once_probe').values({ id: 7, name: 'seven' }).execute());
    expect((await read(probe)).map((r) => r.name)).toEqual(['one', 'two', 'seven']);
    const held = await probe.connection().execute((c) => read(c));
    expect(held.map((r) => r.name)).toEqual(['one', 'two', 'seven']);
    await sql`delete from read_once_probe where id = 7`.execute(app.db);
  });

  it('forgets what it read once a transaction through it has written', async () => {
    const once = readOnce(app.db);
    await names(once, 1);
    await once
      .transaction()
      .setIsolationLevel('read committed')
      .execute((tx) => sql`insert into read_once_probe values (6, 'six')`.execute(tx));
    expect((await names(once, 1)).rows.map((r) => r.name)).toEqual(['one', 'two', 'six']);
    await sql`delete from read_once_probe where id = 6`.execute(app.db);
  });
});
