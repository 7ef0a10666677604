import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { DEMO_PRODUCTS } from './demo.js';
import { addProduct } from './service.js';

const a13 = {
  kind: 'machine',
  id: 'A1366',
  name: 'AvalonMiner 1366',
  family: 'A13',
  generation: 13,
  ths: 130,
  watts: 3250,
  chipsPerMachine: 360,
  hashboards: 3,
  stage: 'development',
};

describe('the catalog over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
    for (const p of DEMO_PRODUCTS) await addProduct(s.app, s.app.actor(), p);
  });
  afterAll(async () => s.close());

  it('lists the demo catalog with derived J/TH to any role', async () => {
    const r = await s.call('GET', '/api/catalog/products?kind=machine&family=A12', { role: 'viewer' });
    expect(r.status).toBe(200);
    const a1246 = r.body.find((p: { id: string }) => p.id === 'A1246');
    expect(a1246).toMatchObject({ ths: 90, watts: 3420, joulesPerTh: 38, stage: 'mass-production' });
    const chips = await s.call('GET', '/api/catalog/products?kind=ai-chip', { role: 'sales' });
    expect(chips.body.map((p: { id: string }) => p.id).sort()).toEqual(['K210', 'K230', 'K510']);
    expect(chips.body.find((p: { id: string }) => p.id === 'K230').predecessor).toBe('K210');
  });

  it('lets supply add and update products, and refuses sales', async () => {
    expect((await s.call('POST', '/api/catalog/products', { role: 'sales', body: a13 })).status).toBe(403);
    const added = await s.call('POST', '/api/catalog/products', { role: 'supply', body: a13 });
    expect(added.status).toBe(201);
    expect(added.body.joulesPerTh).toBeCloseTo(25, 5);
    const moved = await s.call('PATCH', '/api/catalog/products/A1366', {
      role: 'supply',
      body: { stage: 'testing', watts: 3300 },
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ stage: 'testing', watts: 3300 });
  });

  it('refuses a stage move out of order with 409 naming the next stage, changing nothing', async () => {
    const before = await tableCounts(s.app);
    const r = await s.call('PATCH', '/api/catalog/products/K230', { body: { stage: 'mass-production' } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: 'catalog.stage-order', field: 'stage' });
    expect(r.body.error.message).toContain('testing');
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it.each([
    ['a negative hashrate', { ...a13, id: 'X1', ths: -1 }, 'ths'],
    ['a missing name', { ...a13, id: 'X2', name: undefined }, 'name'],
    ['an unknown stage', { ...a13, id: 'X3', stage: 'beta' }, 'stage'],
    ['an unknown field', { ...a13, id: 'X4', colour: 'red' }, ''],
    ['a bad id', { ...a13, id: 'no spaces allowed' }, 'id'],
    ['a duplicate id', { ...a13 }, 'id'],
    [
      'an unknown predecessor',
      {
        kind: 'ai-chip',
        id: 'K999',
        name: 'k',
        family: 'K',
        tier: 'vision',
        tops: 1,
        processNm: 7,
        stage: 'development',
        predecessor: 'K000',
      },
      'predecessor',
    ],
    [
      'a machine as predecessor',
      {
        kind: 'ai-chip',
        id: 'K998',
        name: 'k',
        family: 'K',
        tier: 'vision',
        tops: 1,
        processNm: 7,
        stage: 'development',
        predecessor: 'A1246',
      },
      'predecessor',
    ],
  ])('refuses %s with a 4xx naming the field and writes nothing', async (_name, body, field) => {
    const before = await tableCounts(s.app);
    const r = await s.call('POST', '/api/catalog/products', { body });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    if (field) expect(r.body.error.field).toBe(field);
    expect(r.body.error.message.length).toBeGreaterThan(5);
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('refuses machine fields on an AI chip and an unknown product', async () => {
    const wrong = await s.call('PATCH', '/api/catalog/products/K210', { body: { ths: 5 } });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('ths');
    const missing = await s.call('PATCH', '/api/catalog/products/NOPE', { body: { name: 'x' } });
    expect(missing.status).toBe(404);
    const empty = await s.call('PATCH', '/api/catalog/products/K210', { body: {} });
    expect(empty.status).toBe(400);
  });

  it('dates a change of stage: the stage as of a day is the last change effective on or before it', async () => {
    s.app.clock.set('2021-03-01T12:00:00Z');
    const patch = (body: unknown) => s.call('PATCH', '/api/catalog/products/K230', { role: 'supply', body });
    const stageOn = async (asOf?: string) =>
      (await s.call('GET', `/api/catalog/products/K230${asOf ? `?asOf=${asOf}` : ''}`)).body.stage;
    const moved = await patch({ stage: 'testing', stageFrom: '2021-01-15' });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect([await stageOn('2021-01-14'), await stageOn('2021-01-15'), await stageOn()]).toEqual([
      'development',
      'testing',
      'testing',
    ]);
    const listed = await s.call(
      'GET',
      '/api/catalog/products?kind=ai-chip&stage=development&asOf=2020-12-31',
    );
    expect(listed.body.map((p: { id: string }) => p.id)).toContain('K230');

    expect(
      (await s.call('POST', '/api/books/periods/2021-01/close', { role: 'finance', body: {} })).status,
    ).toBe(201);
    const before = await tableCounts(s.app);
    const refusals = [
      await patch({ stage: 'pre-order', stageFrom: '2021-01-10' }),
      await patch({ stageFrom: '2021-02-01' }),
      await patch({ stage: 'pre-order', stageFrom: '2021-03-02' }),
      await patch({ stage: 'pre-order', stageFrom: '2021-01-20' }),
    ];
    expect(refusals.map((r) => [r.status, r.body.error.code, r.body.error.field])).toEqual([
      [409, 'catalog.stage-day-order', 'stageFrom'],
      [400, 'invalid', 'stageFrom'],
      [400, 'invalid', 'stageFrom'],
      [409, 'books.period-closed', 'stageFrom'],
    ]);
    expect(await tableCounts(s.app)).toEqual(before);
    expect((await patch({ stage: 'pre-order', stageFrom: '2021-02-10' })).status).toBe(200);
    expect([await stageOn('2021-01-31'), await stageOn('2021-02-10')]).toEqual(['testing', 'pre-order']);
  });

  it('gives the changes recorded before stages had a date the day they were recorded (the migration)', async () => {
    // The migration's fill, run again over this database's events, makes the rows the projection
    // made for every change that named no day (all but K230's, which named theirs).
    const file = new URL('../db/migrations/0761_catalog_stage_changes.sql', import.meta.url);
    const migration = readFileSync(file, 'utf8');
    const fill = migration.slice(migration.indexOf('insert into catalog_stage_changes'));
    const rows = async () =>
      (
        await sql<{ event_id: string; product_id: string; stage: string; effective_on: string | null }>`
          select event_id::text, product_id, stage, effective_on::text from catalog_stage_changes
          where product_id <> 'K230' order by event_id`.execute(s.app.db)
      ).rows;
    const projected = await rows();
    expect(projected.find((r) => r.product_id === 'A1366' && r.stage === 'testing')).toMatchObject({
      effective_on: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
    await sql`delete from catalog_stage_changes`.execute(s.app.db);
    await sql.raw(fill).execute(s.app.db);
    expect(await rows()).toEqual(projected);
  });
});
