import { afterAll, describe, expect, it } from 'vitest';
import { modules } from '../modules.js';
import { testApp } from '../testing/index.js';
import { schemaTables, tableCatalog, undeclaredTables } from './tables.js';

describe('which tables are derived from the events', () => {
  const app = testApp();
  afterAll(async () => (await app).close());

  it('is declared for every table the migrations make, so a new table cannot be forgotten', async () => {
    const { db } = await app;
    const catalog = tableCatalog(modules);
    expect(await undeclaredTables(db, catalog)).toEqual([]);
    // …and nothing is declared that the schema lacks (a renamed or dropped table).
    const inSchema = new Set(await schemaTables(db));
    expect(catalog.map((t) => t.name).filter((t) => !inSchema.has(t))).toEqual([]);
  });

  it('says why for every table that is not derived', () => {
    for (const t of tableCatalog(modules).filter((x) => !x.derived)) {
      expect(t.notDerived?.why, t.name).toMatch(/\w/);
    }
  });
});
