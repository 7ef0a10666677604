import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { createToken, listTokens } from '../auth/tokens.js';
import { addProduct, listProducts, updateProduct } from '../catalog/service.js';
import { chip } from '../catalog/test-fixtures.js';
import { AppError } from '../kernel/errors.js';
import { type TestApp, tableCounts, testApp } from '../testing/index.js';
import { listEvents } from './audit.js';
import { nextNumber, record } from './ledger.js';
import { replayInto } from './replay.js';

describe('the ledger', () => {
  const apps: TestApp[] = [];
  const open = async () => {
    const app = await testApp();
    apps.push(app);
    return app;
  };
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  it('records who did what and when, and lists it for the audit', async () => {
    const app = await open();
    app.clock.set('2021-02-01T10:00:00Z');
    await addProduct(app, app.actor('supply'), chip('K1'));
    const events = await listEvents(app, { since: '2021-01-01', limit: 10 });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actor: 'test:supply',
      kind: 'catalog.product-added',
      stream: 'product:K1',
      version: 1,
    });
    expect(events[0]!.recordedAt.toISOString()).toBe('2021-02-01T10:00:00.000Z');
    expect(await listEvents(app, { since: '2021-02-02', limit: 10 })).toHaveLength(0);
  });

  it('pages through the audit: a full page, then the events after its last one', async () => {
    const app = await open();
    for (const id of ['K1', 'K2', 'K3']) await addProduct(app, app.actor('supply'), chip(id));
    const first = await listEvents(app, { limit: 2 });
    expect(first.map((e) => e.stream)).toEqual(['product:K1', 'product:K2']);
    const next = await listEvents(app, { limit: 2, after: Number(first.at(-1)!.id) });
    expect(next.map((e) => e.stream)).toEqual(['product:K3']);
  });

  it('returns the first result for a repeated idempotency key and writes nothing more', async () => {
    const app = await open();
    const first = await addProduct(app, app.actor(), chip('K1'), 'key-1');
    const before = await tableCounts(app);
    const again = await addProduct(app, app.actor(), chip('K1'), 'key-1');
    expect(again).toEqual(first);
    expect(await tableCounts(app)).toEqual(before);
  });

  it('refuses the same key with a different request, naming the rule', async () => {
    const app = await open();
    await addProduct(app, app.actor(), chip('K1'), 'key-1');
    const before = await tableCounts(app);
    const error = await addProduct(app, app.actor(), chip('K2'), 'key-1').catch((e: AppError) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('ledger.idempotency-key-reused');
    expect(await tableCounts(app)).toEqual(before);
  });

  it('rolls back everything when a rule refuses, including numbers taken', async () => {
    const app = await open();
    const attempt = record(
      app,
      { actor: app.actor(), kind: 'catalog.product-added', stream: 'x', request: {} },
      async (tx) => {
        await nextNumber(tx, 'thing');
        throw new AppError('conflict', 'test.refused', 'no');
      },
      async () => 1,
    );
    await expect(attempt).rejects.toThrow('no');
    expect((await tableCounts(app)).counters).toBe(0);
  });

  it('serialises writers on one stream: a stage can move forward only once', async () => {
    const app = await open();
    await addProduct(app, app.actor(), chip('K1'));
    const results = await Promise.allSettled([
      updateProduct(app, app.actor(), 'K1', { stage: 'testing' }),
      updateProduct(app, app.actor(), 'K1', { stage: 'testing' }),
      updateProduct(app, app.actor(), 'K1', { stage: 'pre-order' }),
    ]);
    const versions = (await listEvents(app, { stream: 'product:K1', limit: 10 })).map((e) => e.version);
    expect(versions).toEqual([1, 2, 3, 4].slice(0, versions.length));
    expect(results.filter((r) => r.status === 'fulfilled').length).toBe(versions.length - 1);
  });

  it('rebuilds every table from the events alone', async () => {
    const source = await open();
    await createToken(source, source.actor(), { name: 'alice', role: 'finance' });
    await addProduct(source, source.actor(), chip('K1'));
    await addProduct(source, source.actor(), { ...chip('K2'), predecessor: 'K1' });
    await updateProduct(source, source.actor(), 'K1', { stage: 'testing', tops: 2 });
    const target = await open();
    expect(await replayInto(source, target)).toBe(4);
    expect(await listProducts(target)).toEqual(await listProducts(source));
    expect(await listTokens(target)).toEqual(await listTokens(source));
    const next = await target.db.transaction().execute((tx) => nextNumber(tx, 'api-token'));
    expect(next).toBe(2);
  });

  it('property: any sequence of keyed requests writes one event per distinct key', async () => {
    const app = await open();
    let round = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 12 }),
        async (keys) => {
          round += 1;
          const before = (await tableCounts(app)).events!;
          for (const k of keys) await addProduct(app, app.actor(), chip(`P${round}-${k}`), `r${round}-k${k}`);
          const after = (await tableCounts(app)).events!;
          expect(after - before).toBe(new Set(keys).size);
        },
      ),
      { numRuns: 15 },
    );
  });
});
