/**
 * The driver's one-call statements on PGlite answer exactly as `pg.query` does: the same result
 * (rows with the same JavaScript types, fields, counts) for every kind of column and parameter we
 * use, the same server errors, and the database in the same state after an error. Each statement
 * runs twice on the fast path: the first time its text is new (described, then run), the second
 * time from the remembered parameter types in one call.
 */
import type { PGlite } from '@electric-sql/pglite';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dbOverPGlite, newPGlite } from './db.js';
import { fromDatabaseError } from './errors.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteStatements } from './pglite-statement.js';

let pg: PGlite;
beforeAll(async () => {
  pg = await newPGlite('memory');
  await pg.exec(`
    create table probe (
      id int8 primary key, n int4, f float8, amount numeric, name text, at timestamptz, day date,
      doc jsonb, raw json, yes bool, bytes bytea, ids int8[], tags text[], unique (name)
    )`);
});
afterAll(async () => pg?.close());

/** Both ways on twin statements; the fast path twice (new text, then remembered types). */
async function bothWays(text: string, params: unknown[]) {
  const fast = new PGliteStatements(pg);
  const viaQuery = await pg.query(text, params);
  const first = await fast.query(text, params);
  const second = await fast.query(text, params);
  return { viaQuery, first, second };
}

const row = (id: bigint): unknown[] => [
  id,
  7,
  2.5,
  '12345678901234567890.123',
  `naïve "quoted" \\ text ${id}`,
  new Date('2026-12-07T10:11:12.345Z'),
  '2026-12-07',
  { a: [1, 'x', null], nested: { b: true } },
  [1, 2],
  true,
  new Uint8Array([0, 1, 254, 255]),
  [1n, 2n, -9007199254740993n],
  ['a', 'b,c', 'd"e', null],
];
const insert = `insert into probe (id, n, f, amount, name, at, day, doc, raw, yes, bytes, ids, tags)
  values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) returning *`;

describe('a parameterised statement on the fast path', () => {
  it('writes every kind of parameter and reads every kind of column as pg.query does', async () => {
    const viaQuery = await pg.query(insert, row(1n));
    const fast = new PGliteStatements(pg);
    const [first, second] = [await fast.query(insert, row(2n)), await fast.query(insert, row(3n))];
    const withoutKey = (r: unknown) => ({ ...(r as object), id: undefined, name: undefined });
    for (const result of [first, second]) {
      expect(result.fields).toEqual(viaQuery.fields);
      expect({ ...result, rows: undefined }).toEqual({ ...viaQuery, rows: undefined });
      expect(result.rows.map(withoutKey)).toStrictEqual(viaQuery.rows.map(withoutKey));
    }
    // Our parsers, not PGlite's defaults: int8 a bigint, numeric and date strings.
    expect(second.rows[0]).toMatchObject({ id: 3n, amount: '12345678901234567890.123', day: '2026-12-07' });

    const {
      viaQuery: read,
      first: readFirst,
      second: readSecond,
    } = await bothWays('select * from probe where id = any($1) and at <= $2 and yes = $3 order by id', [
      [1n, 2n, 3n],
      new Date('2027-01-01T00:00:00Z'),
      true,
    ]);
    expect(read.rows).toHaveLength(3);
    expect(readFirst).toStrictEqual(read);
    expect(readSecond).toStrictEqual(read);
  });

  it('answers statements without rows, and parameters the server leaves untyped, as pg.query does', async () => {
    for (const [text, params] of [
      ['select $1 as untyped, $2::int8 as big, $3::jsonb as doc', ['x', 5n, '{"k": 1}']],
      ['update probe set n = n + $1 where id > $2', [1, 100n]],
      ['select * from probe where name = $1', [null]],
    ] as const) {
      const { viaQuery, first, second } = await bothWays(text, [...params]);
      expect(first).toStrictEqual(viaQuery);
      expect(second).toStrictEqual(viaQuery);
    }
  });

  it('throws the server error pg.query throws, and leaves the database usable', async () => {
    const duplicate = row(1n);
    const errorOf = (p: Promise<unknown>) =>
      p.then(
        () => expect.unreachable('no error'),
        (e: unknown) => e as Record<string, unknown>,
      );
    const fast = new PGliteStatements(pg);
    const viaQuery = await errorOf(pg.query(insert, duplicate));
    for (const error of [
      await errorOf(fast.query(insert, duplicate)),
      await errorOf(fast.query(insert, duplicate)),
    ]) {
      expect(error.constructor).toBe(viaQuery.constructor);
      expect({ ...error }).toStrictEqual({ ...viaQuery });
      expect(error.message).toBe(viaQuery.message);
      expect(fromDatabaseError(error)).toEqual(fromDatabaseError(viaQuery));
    }
    expect(fromDatabaseError(viaQuery)).toMatchObject({
      message: expect.stringContaining('id must be unique'),
    });

    // An error at Parse, before the Sync was sent: the Sync still goes, as pg.query sends it.
    const parseError = await errorOf(fast.query('select * from nowhere where id = $1', [1n]));
    expect(parseError).toMatchObject({ code: '42P01', query: 'select * from nowhere where id = $1' });
    expect((await fast.query('select $1::int4 as n', [1])).rows).toEqual([{ n: 1 }]);

    // Inside a transaction an error aborts it, as on pg.query.
    await pg.exec('begin');
    await errorOf(fast.query(insert, duplicate));
    expect(await errorOf(fast.query('select $1::int4 as n', [1]))).toMatchObject({ code: '25P02' });
    await pg.exec('rollback');
    expect(pg.isInTransaction()).toBe(false);
  });
});

describe('the driver', () => {
  it('infers the parameter types anew after a schema change', async () => {
    const db = dbOverPGlite(pg);
    await sql`create table retyped (v timestamptz)`.execute(db);
    const add = (v: number) => sql`insert into retyped (v) values (${v})`.execute(db);
    await add(0);
    // The same text now binds a number to a bigint: remembered as a timestamptz it would be refused.
    await sql`alter table retyped alter v type int8 using 0`.execute(db);
    await add(5);
    const { rows } = await sql<{ v: bigint }>`select v from retyped order by v`.execute(db);
    expect(rows).toEqual([{ v: 0n }, { v: 5n }]);
  });

  it('infers them anew after another process had the database to itself', async () => {
    const dialect = new PGliteDialect(pg);
    const db = new Kysely<unknown>({ dialect });
    await sql`create table retyped_outside (v timestamptz)`.execute(db);
    const add = (v: number) => sql`insert into retyped_outside (v) values (${v})`.execute(db);
    await add(0);
    // As the socket server runs another process's statements: straight on PGlite, inside exclusive.
    await dialect.exclusive(() => pg.exec('alter table retyped_outside alter v type int8 using 0'));
    await add(5);
    const { rows } = await sql<{ v: bigint }>`select v from retyped_outside order by v`.execute(db);
    expect(rows).toEqual([{ v: 0n }, { v: 5n }]);
  });
});
