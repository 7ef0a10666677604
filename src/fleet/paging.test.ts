import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { listMachines } from './queries.js';
import { insertMachines } from './store.js';

describe('paging through a big fleet', () => {
  let app: TestApp;
  const N = 50_000;
  beforeAll(async () => {
    app = await testApp();
    // The sites a list may filter by are registered ones.
    for (const site of ['SG1', 'NA1']) await addTestSite(app, app.actor('admin'), site);
    // The registry projection's own insert, straight in: this test is about reading, not scanning.
    for (let i = 0; i < N; i += 5000) {
      await insertMachines(
        app.db,
        Array.from({ length: 5000 }, (_, j) => {
          const n = i + j;
          return {
            id: n + 1,
            serial: `dna${n}`,
            dna: `dna${n}`,
            site: n % 2 === 0 ? 'SG1' : 'NA1',
            address: `10.${n >> 16}.${(n >> 8) & 255}.${n & 255}`,
            port: 4028,
          };
        }),
        app.clock.now(),
      );
    }
  }, 120_000);
  afterAll(async () => app.close());

  it('walks 50,000 machines a page at a time, each page as cheap as the first', async () => {
    const seen = new Set<number>();
    const times: number[] = [];
    let cursor: number | undefined;
    for (;;) {
      const t = performance.now();
      const page = await listMachines(app, { limit: 1000, ...(cursor ? { cursor } : {}) });
      times.push(performance.now() - t);
      for (const m of page.machines) seen.add(m.id);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen.size).toBe(N);
    expect(times).toHaveLength(50);
    // Keyset paging: the last pages cost about what the first ones do (no OFFSET scans).
    const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(avg(times.slice(-5))).toBeLessThan(avg(times.slice(0, 5)) * 3 + 50);

    const sg = await listMachines(app, { site: 'SG1', limit: 1000, cursor: 40_000 });
    expect(sg.machines[0]).toMatchObject({ id: 40_001, site: 'SG1' });
    expect(sg.machines.every((m) => m.site === 'SG1')).toBe(true);
  }, 120_000);
});
