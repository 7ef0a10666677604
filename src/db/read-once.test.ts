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
