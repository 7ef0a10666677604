import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../kernel/errors.js';
import { type TestApp, type TestServer, testApp, testServer } from '../testing/index.js';
import { apiField, checkedColumn, fromDatabaseError, keyOf } from './errors.js';

// Reports as both drivers hand them over (node-postgres and PGlite give the same fields).
const duplicateName = {
  code: '23505',
  table: 'sales_customers',
  constraint: 'sales_customers_name_key',
  detail: 'Key (lower(name))=(acme) already exists.',
};

describe('the database error mapper', () => {
  it('names a duplicate by the key the server reports, not by the constraint name', () => {
    const e = fromDatabaseError(duplicateName);
    expect(e).toMatchObject({ kind: 'conflict', code: 'db.duplicate', field: 'name' });
    expect(e?.message).toBe('name must be unique; another record already has it.');
  });

  it('names no one field for a key of several columns, and says which', () => {
    const e = fromDatabaseError({
      code: '23505',
      table: 'supply_partnerships',
      constraint: 'supply_partnerships_foundry_id_design_id_key',
      detail: 'Key (foundry_id, design_id)=(tsmc, a3) already exists.',
    });
    expect(e).toMatchObject({ kind: 'conflict', code: 'db.duplicate', field: undefined });
    expect(e?.message).toBe('foundryId and designId must be unique together: (tsmc, a3) is already taken.');
  });

  it('names the referencing column of a foreign key, in the API spelling', () => {
    const e = fromDatabaseError({
      code: '23503',
      table: 'sales_contracts',
      constraint: 'sales_contracts_customer_id_fkey',
      detail: 'Key (customer_id)=(999) is not present in table "sales_customers".',
    });
    expect(e).toMatchObject({ kind: 'invalid', code: 'db.unknown-reference', field: 'customerId' });
    expect(e?.message).toBe('customerId must refer to an existing record; 999 does not exist.');
  });

  it('refuses removing a row others point at as a conflict with no field', () => {
    const e = fromDatabaseError({
      code: '23503',
      table: 'sales_contracts',
      constraint: 'sales_contracts_customer_id_fkey',
      detail: 'Key (id)=(1) is still referenced from table "sales_contracts".',
    });
    expect(e).toMatchObject({ kind: 'conflict', code: 'db.still-referenced', field: undefined });
  });

  it('names the column of a not-null violation', () => {
    const e = fromDatabaseError({ code: '23502', table: 'mining_site_prices', column: 'usd_per_kwh' });
    expect(e).toMatchObject({ kind: 'invalid', code: 'db.missing', field: 'usdPerKwh' });
    expect(e?.message).toBe('usdPerKwh is required.');
  });

  it('names the column of a check PostgreSQL named after it, and none for a table check', () => {
    expect(
      fromDatabaseError({
        code: '23514',
        table: 'mining_site_prices',
        constraint: 'mining_site_prices_usd_per_kwh_check',
      }),
    ).toMatchObject({ kind: 'invalid', code: 'db.check-failed', field: 'usdPerKwh' });
    expect(
      fromDatabaseError({
        code: '23514',
        table: 'reporting_guidance',
        constraint: 'reporting_guidance_check1',
      }),
    ).toMatchObject({ kind: 'invalid', code: 'db.check-failed', field: undefined });
    expect(checkedColumn('supply_wafer_orders', 'supply_wafer_orders_status_check')).toBe('status');
    expect(checkedColumn('treasury_movements', 'treasury_movements_check')).toBeUndefined();
    expect(checkedColumn('market_days', 'other_table_btc_usd_check')).toBeUndefined();
  });

  it('reads the key from the detail, and names no field for a key over any other expression', () => {
    expect(keyOf('Key (serial)=(S-1) already exists.')).toEqual({ fields: ['serial'], value: 'S-1' });
    expect(keyOf('Key (lower(name))=(a (b)) already exists.')).toEqual({ fields: ['name'], value: 'a (b)' });
    expect(keyOf('Key (coalesce(a, b))=(x) already exists.')?.fields).toEqual([]);
    expect(keyOf(undefined)).toBeUndefined();
    expect(fromDatabaseError({ code: '23505' })).toMatchObject({ code: 'db.duplicate', field: undefined });
    expect(apiField('fees_per_block_sats')).toBe('feesPerBlockSats');
  });

  it('leaves anything else to be a logged 500', () => {
    expect(fromDatabaseError({ code: '40001' })).toBeUndefined();
    expect(fromDatabaseError(new Error('boom'))).toBeUndefined();
    expect(fromDatabaseError('23505')).toBeUndefined();
  });
});

/** What the mapper makes of the error the statement raises on this run's driver. */
async function mapped(app: TestApp, statement: string) {
  const error = await sql
    .raw(statement)
    .execute(app.db)
    .then(
      () => undefined,
      (e: unknown) => e,
    );
  expect(error, statement).toBeDefined();
  const known = fromDatabaseError(error);
  return known && { status: HTTP_STATUS[known.kind], code: known.code, field: known.field };
}

describe(`errors the database raises (${process.env.DATABASE_URL ? 'PostgreSQL server' : 'PGlite'})`, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => app?.close());

  it('map to the field the migrations constrain', async () => {
    await sql`insert into sales_customers (id, name, country, region, added_at) values (1, 'Acme', 'US', 'europe', now())`.execute(
      app.db,
    );
    expect(
      await mapped(
        app,
        `insert into sales_customers (id, name, country, region, added_at) values (2, 'ACME', 'US', 'europe', now())`,
      ),
    ).toEqual({ status: 409, code: 'db.duplicate', field: 'name' });
    expect(
      await mapped(
        app,
        `insert into sales_customers (id, name, country, region, added_at) values (3, null, 'US', 'europe', now())`,
      ),
    ).toEqual({ status: 400, code: 'db.missing', field: 'name' });
    expect(
      await mapped(
        app,
        `insert into idempotency_keys (actor, key, request_hash, event_id, result) values ('a', 'k', 'h', 999, '{}')`,
      ),
    ).toEqual({ status: 400, code: 'db.unknown-reference', field: 'eventId' });
    expect(
      await mapped(
        app,
        `insert into market_spot_prices (day, usd_per_th, source) values ('2026-01-01', 0, 'x')`,
      ),
    ).toEqual({ status: 400, code: 'db.check-failed', field: 'usdPerTh' });
    expect(
      await mapped(
        app,
        `insert into events (recorded_at, actor, kind, stream, version, payload)
         values (now(), 'a', 'k', 's', 1, '{}'), (now(), 'a', 'k', 's', 1, '{}')`,
      ),
    ).toEqual({ status: 409, code: 'db.duplicate', field: undefined });
    expect(
      await mapped(
        app,
        `insert into market_spot_prices (day, usd_per_th, source) values ('2026-01-02', 1e30, 'x')`,
      ),
    ).toEqual({ status: 400, code: 'db.out-of-range', field: undefined });
  });
});

describe('a duplicate customer name through the HTTP API', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s?.close());

  it('is a 409 naming the field name, also when only the unique index catches it', async () => {
    // The service looks for the name first (lowercased in JavaScript) and refuses a duplicate
    // itself; the unique index on lower(name) lowercases in the database. They disagree on the
    // dotted capital I ('İ'.toLowerCase() is 'i' + a combining dot, lower('İ') is 'i'), so this
    // second add passes the service's look-up and is refused by the index.
    const body = { name: 'İstanbul Madencilik', country: 'TR', region: 'europe' };
    expect((await s.call('POST', '/api/sales/customers', { body })).status).toBe(201);
    const again = await s.call('POST', '/api/sales/customers', { body });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({
      code: 'db.duplicate',
      field: 'name',
      message: 'name must be unique; another record already has it.',
    });
    const plain = await s.call('POST', '/api/sales/customers', { body: { ...body, name: 'Ankara Hash' } });
    expect(plain.status).toBe(201);
    const repeated = await s.call('POST', '/api/sales/customers', { body: { ...body, name: 'ankara hash' } });
    expect(repeated).toMatchObject({
      status: 409,
      body: { error: { code: 'sales.duplicate-customer', field: 'name' } },
    });
  });
});
