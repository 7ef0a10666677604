import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createToken } from '../auth/tokens.js';
import { addProduct, listProducts } from '../catalog/service.js';
import { chip } from '../catalog/test-fixtures.js';
import { addCustomer } from '../sales/service.js';
import { cliSessionContext, freshCliEnv, runCli } from '../testing/cli.js';
import { type TestApp, testApp } from '../testing/index.js';
import { listEvents } from './audit.js';
import { rebuildLedger } from './rebuild.js';
import { smallBook } from './test-fixtures.js';
import { verifyLedger } from './verify.js';

/**
 * Verifies `app` against a scratch database copied from the run's migrated template: the same empty
 * database `openScratch` makes by running every migration, in a fraction of the time. `openScratch`
 * itself is run by `ledger verify` below.
 */
async function verify(app: TestApp) {
  const scratch = await testApp();
  try {
    return await verifyLedger(app, { db: scratch.db, projections: app.projections }, app.tables);
  } finally {
    await scratch.close();
  }
}

// Each test makes a second database (the scratch, or the rebuild's target): slow on a loaded machine.
describe('ledger verify', { timeout: 120_000 }, () => {
  const apps: TestApp[] = [];
  const open = async () => {
    const app = await testApp();
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  // One book for both: healthy first, then changed by hand.
  it('finds nothing on a healthy database, then names a row changed by hand: table, key, column, what is stored and what the events make', async () => {
    const app = await open();
    await smallBook(app);
    const healthy = await verify(app);
    expect(healthy.differences).toEqual([]);
    expect(healthy.undeclared).toEqual([]);
    expect(healthy.events).toBe((await listEvents(app, { limit: 100 })).length);
    expect(healthy.tables.find((t) => t.table === 'sales_contracts')).toMatchObject({ rows: 1 });
    // Its quarter, with the signing, the payment and the delivery each added as recorded.
    expect(healthy.tables.find((t) => t.table === 'sales_contract_quarters')).toMatchObject({ rows: 1 });

    await sql`update products set name = 'Tampered' where id = 'K210'`.execute(app.db);
    await sql`update sales_contracts set paid_cents = paid_cents + 1 where id = 1`.execute(app.db);
    // The contract's quarter without its last step (the delivery), as the fill could leave it.
    await sql`update sales_contract_quarters set steps = steps - (-1) where contract_id = 1`.execute(app.db);
    await sql`insert into market_spot_prices (day, usd_per_th, source) values ('2022-01-01', 1, 'hand')`.execute(
      app.db,
    );
    const report = await verify(app);
    expect(report.differences).toEqual([
      {
        table: 'products',
        key: { id: 'K210' },
        kind: 'changed',
        column: 'name',
        stored: 'Tampered',
        rebuilt: 'K210',
      },
      { table: 'market_spot_prices', key: { day: '2022-01-01' }, kind: 'extra' },
      {
        table: 'sales_contracts',
        key: { id: 1 },
        kind: 'changed',
        column: 'paid_cents',
        stored: 270_000_001,
        rebuilt: 270_000_000,
      },
      expect.objectContaining({
        table: 'sales_contract_quarters',
        key: { contract_id: 1, quarter: '2020Q4' },
        kind: 'changed',
        column: 'steps',
      }),
    ]);
    expect(report.differenceCount).toBe(4);
  });

  describe('from the command line', () => {
    const env = freshCliEnv(smallBook);
    const dir = mkdtempSync(join(tmpdir(), 'hf-rebuild-cli-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    // One new directory serves both: the rebuild makes an embedded database in it (each costs an
    // initdb), and then it is not empty.
    it('verifies in JSON, rebuilds a book into a new directory, and refuses one that is not empty', async () => {
      expect((await runCli(['token', 'create', '--name', 'bob', '--role', 'viewer'], env)).status).toBe(0);
      const events = (await listEvents(await cliSessionContext(env), { limit: 100 })).length;
      expect(events).toBeGreaterThan(5);
      const ok = await runCli(['ledger', 'verify', '--json'], env);
      expect(ok.stderr).not.toMatch(/error/);
      expect(ok.status).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({ events, differenceCount: 0, undeclared: [] });
      const rebuilt = await runCli(['ledger', 'rebuild', '--into', join(dir, 'new')], env);
      expect(rebuilt.status).toBe(0);
      expect(rebuilt.stdout).toContain(`from ${events} events`);
      const again = await runCli(['ledger', 'rebuild', '--into', join(dir, 'new')], env);
      expect(again).toMatchObject({ status: 2 });
      expect(again.stderr).toMatch(/--into: .* is not empty/);
    });
  });
});

describe('ledger rebuild', { timeout: 120_000 }, () => {
  const apps: TestApp[] = [];
  afterAll(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('makes a database that takes writes: a new id, the next number, the first answer to a repeated key', async () => {
    const source = await testApp();
    const target = await testApp();
    apps.push(source, target);
    await smallBook(source);
    const first = await addProduct(source, source.actor(), chip('K1'), 'key-1');
    const report = await rebuildLedger(source, target, source.tables);
    const lastId = (await listEvents(source, { limit: 100 })).at(-1)!.id;
    expect(report.throughEventId).toBe(String(lastId));
    expect(report.tables.find((t) => t.table === 'idempotency_keys')).toMatchObject({
      filled: 'copied',
      rows: 2,
    });
    expect(await listProducts(target)).toEqual(await listProducts(source));

    // A repeated key returns the first answer and writes nothing.
    expect(await addProduct(target, target.actor(), chip('K1'), 'key-1')).toEqual(first);
    expect((await listEvents(target, { after: Number(lastId), limit: 10 })).length).toBe(0);
    // A new write gets the next id; a new number follows the last one taken.
    await addProduct(target, target.actor(), chip('K2'), 'key-2');
    const [next] = await listEvents(target, { after: Number(lastId), limit: 10 });
    expect(next).toMatchObject({ id: lastId + 1n, stream: 'product:K2' });
    const customer = await addCustomer(target, target.actor(), {
      name: 'D',
      country: 'US',
      region: 'north-america',
    });
    expect(customer.id).toBe(2);
    expect((await createToken(target, target.actor(), { name: 'carol', role: 'viewer' })).info.id).toBe(2);

    // And it verifies: the rebuilt tables are what its events make.
    const check = await verify(target);
    expect(check.differences).toEqual([]);
  });
});
