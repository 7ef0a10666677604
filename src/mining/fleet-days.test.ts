/**
 * The fleet's running totals (mining_fleet_days): kept by the deployment and installation
 * projections, they give the same figures as counting the machines one by one, the migration
 * computes the same rows from the machines of an older database, and a replay rebuilds them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayRange } from '../kernel/calendar.js';
import { replayInto } from '../ledger/replay.js';
import { type TestApp, testApp } from '../testing/index.js';
import { economicsOn } from './advice.js';
import { deployMachines, installMachines, listDeployments, listMachines } from './deployments.js';
import { hashrateByDay } from './hashrate.js';
import { addSite } from './sites.js';
import * as store from './store.js';
import { seedCatalogAndMarket } from './test-fixtures.js';

const serial = (prefix: string, n: number) => `${prefix}${String(n).padStart(4, '0')}`;
const serials = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => serial(prefix, from + i));

const rowsOf = async (app: TestApp) =>
  (
    await sql`select * from mining_fleet_days order by site_code, product_id, ths, watts, day`.execute(app.db)
  ).rows.map((r) => JSON.stringify(r));

describe('the fleet running totals', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    app.clock.set('2021-06-30T00:00:00Z');
    const admin = app.actor('admin');
    const ops = app.actor('ops');
    await seedCatalogAndMarket(app, admin, '2021-02-01', '2021-06-30');
    for (const code of ['SG1', 'NO1']) {
      await addSite(app, ops, {
        code,
        name: code,
        country: 'SG',
        capacityMw: 5,
        usdPerKwh: 0.05,
        priceFrom: '2021-01-01',
        status: 'approved',
        permitRef: `P-${code}`,
      });
    }
    // Two models at one site, batches shipped on different days, installed in parts over days and
    // across deployments; machines still in transit at the end.
    await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 12,
      serialPrefix: 'SG-A-',
      shippedOn: '2021-03-01',
    });
    await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1166',
      units: 7,
      serialPrefix: 'SG-B-',
      shippedOn: '2021-03-03',
    });
    await deployMachines(app, ops, {
      site: 'SG1',
      productId: 'A1246',
      units: 5,
      serialPrefix: 'SG-A-',
      shippedOn: '2021-03-10',
    });
    await deployMachines(app, ops, {
      site: 'NO1',
      productId: 'A1246',
      units: 9,
      serialPrefix: 'NO-A-',
      shippedOn: '2021-03-02',
    });
    await installMachines(app, ops, { serials: serials('SG-A-', 1, 6), installedOn: '2021-03-04' });
    await installMachines(app, ops, {
      serials: [...serials('SG-A-', 7, 14), ...serials('SG-B-', 1, 3), ...serials('NO-A-', 1, 4)],
      installedOn: '2021-03-12',
    });
    await installMachines(app, ops, { serials: serials('SG-B-', 4, 5), installedOn: '2021-03-12' });
    await installMachines(app, ops, { serials: serials('NO-A-', 5, 9), installedOn: '2021-03-20' });
  });
  afterAll(async () => app.close());

  it('gives each day the figures counted from the machines one by one', async () => {
    const from = '2021-02-27';
    const to = '2021-03-25';
    const days = await hashrateByDay(app, { from, to });
    const machines = await store.selectMachines(app.db);
    for (const [i, day] of dayRange(from, to).entries()) {
      for (const site of ['NO1', 'SG1']) {
        const here = machines.filter((m) => m.site === site && m.shippedOn <= day);
        const installed = here.filter((m) => m.installedOn !== null && m.installedOn <= day);
        const transit = here.filter((m) => !installed.includes(m));
        const total = (ms: typeof here, f: (m: (typeof here)[number]) => number) =>
          ms.reduce((a, m) => a + f(m), 0);
        expect(
          days[i]!.sites.find((s) => s.site === site),
          `${site} on ${day}`,
        ).toEqual({
          site,
          installedThs: total(installed, (m) => m.ths),
          installedMachines: installed.length,
          installedW: total(installed, (m) => m.watts),
          inTransitThs: total(transit, (m) => m.ths),
          inTransitW: total(transit, (m) => m.watts),
          measuredThs: null,
        });
      }
    }
    expect(days.at(-1)).toMatchObject({ installedThs: 23 * 90 + 5 * 68 });
  });

  it("lists a site's installed models in the order of their first serial, with the deployed W and first installation", async () => {
    const models = await store.installedModels(app.db, '2021-03-12');
    expect(models.map((m) => [m.site, m.productId, m.machines])).toEqual([
      ['NO1', 'A1246', 4],
      ['SG1', 'A1246', 14],
      ['SG1', 'A1166', 5],
    ]);
    expect(await store.installedModels(app.db, '2021-03-03')).toEqual([]);
    expect(await store.deployedWatts(app.db, 'SG1')).toBe(17 * 3420 + 7 * 3196);
    expect(await store.firstInstalledOn(app.db)).toBe('2021-03-04');
    const economics = await economicsOn(app, '2021-03-20');
    expect(economics.groups.map((g) => [g.site, g.productId, g.machines])).toEqual([
      ['NO1', 'A1246', 9],
      ['SG1', 'A1246', 14],
      ['SG1', 'A1166', 5],
    ]);
  });

  it('lists the machines a page at a time, in (site, serial) order, counting every machine by state', async () => {
    const all = await listMachines(app, { on: '2021-03-12', limit: 5000 });
    expect(all.machines).toHaveLength(33);
    expect(all.nextCursor).toBeNull();
    expect(all.byState).toEqual({ 'in-transit': 10, installed: 23, hashing: 0 });
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listMachines(app, { on: '2021-03-12', limit: 7, cursor });
      expect(page.machines.length).toBeLessThanOrEqual(7);
      expect(page.byState).toEqual(all.byState);
      seen.push(...page.machines.map((m) => m.serial));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(all.machines.map((m) => m.serial));
    const sg = await listMachines(app, { site: 'SG1', productId: 'A1166', on: '2021-03-12', limit: 2 });
    expect(sg.byState).toEqual({ 'in-transit': 2, installed: 5, hashing: 0 });
    expect(sg.machines.map((m) => m.serial)).toEqual(['SG-B-0001', 'SG-B-0002']);
    expect(sg.nextCursor).toBe('SG-B-0002');
    await expect(listMachines(app, { cursor: 'NO-SUCH-1' })).rejects.toMatchObject({ field: 'cursor' });
    const deployments = await listDeployments(app, { limit: 2 });
    expect(deployments.map((d) => d.id)).toEqual([1, 2]);
    expect((await listDeployments(app, { after: 2, limit: 500 })).map((d) => d.id)).toEqual([3, 4]);
  });

  it('is what the migration computes from the machines of an older database', async () => {
    const kept = await rowsOf(app);
    const migration = readFileSync(
      join(import.meta.dirname, '../db/migrations/0650_mining_fleet_days.sql'),
      'utf8',
    );
    const backfill = migration.slice(
      migration.indexOf('insert into mining_fleet_days'),
      migration.indexOf(';', migration.indexOf('insert into mining_fleet_days')),
    );
    const copy = await testApp();
    try {
      await replayInto(app, copy);
      await sql`delete from mining_fleet_days`.execute(copy.db);
      await sql.raw(backfill).execute(copy.db);
      expect(await rowsOf(copy)).toEqual(kept);
    } finally {
      await copy.close();
    }
  });

  it('is rebuilt by a replay of the events', async () => {
    const target = await testApp();
    try {
      await replayInto(app, target);
      expect(await rowsOf(target)).toEqual(await rowsOf(app));
      expect(await hashrateByDay(target, { from: '2021-03-01', to: addDays('2021-03-01', 30) })).toEqual(
        await hashrateByDay(app, { from: '2021-03-01', to: addDays('2021-03-01', 30) }),
      );
    } finally {
      await target.close();
    }
  });
});
