/**
 * The demo's simulated rack against a real database and real sockets: registered at LAB, polled
 * until it hashes, found again (not registered twice) when the server restarts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct } from '../catalog/service.js';
import { fleetSummary } from '../fleet/queries.js';
import { addQuarters, dayOf, quarterOf } from '../kernel/calendar.js';
import { miningQuarter, miningQuarters } from '../mining/quarter.js';
import { miningStatus } from '../mining/targets.js';
import { machineSerials } from '../service/store.js';
import { buildMachines } from '../service/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { DEMO_RACK, type DemoRack, startDemoRack } from './fleet.js';

// 127.81/16 is this file's alone: test files run in parallel workers.
const BASE = '127.81.0.1';

describe('the demo rack', () => {
  let app: TestApp | undefined;
  let rack: DemoRack | undefined;
  afterEach(async () => {
    await rack?.stop();
    await app?.close();
    rack = undefined;
    app = undefined;
  });

  it('registers its miners at LAB, polls them until they hash, and finds them again on restart', async () => {
    app = await testApp();
    app.clock.set(new Date().toISOString());
    for (const p of DEMO_PRODUCTS) if (p.id === DEMO_RACK.model) await addProduct(app, app.actor('admin'), p);
    // Ten built and unsold: ten of the twelve machines get a serial, two stay unlinked.
    await buildMachines(app, app.actor('admin'), DEMO_RACK.model, '2021-01', 10);
    rack = await startDemoRack(app, app.actor('admin'), { count: 12, base: BASE });
    expect(rack).toMatchObject({ machines: 12, found: 12, pollSeconds: DEMO_RACK.pollSeconds });
    const linked = await machineSerials(app.db);
    expect(linked.size).toBe(10);
    expect(new Set(linked.values()).size).toBe(10);
    // The first sweep starts at once; every healthy simulated A1246 hashes at about 90 TH/s.
    await expect
      .poll(async () => (await fleetSummary(app!)).lastSweep?.answered ?? 0, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(10);
    const summary = await fleetSummary(app);
    expect(summary.sites.map((s) => [s.site, s.machines])).toEqual([['LAB', 12]]);
    expect(summary.measuredThs).toBeGreaterThan(10 * 60);
    // One site registry: self-mining knows LAB, its 12 machines installed, and what the poller measures there.
    const status = await miningStatus(app);
    const lab = status.sites.find((s) => s.site === DEMO_RACK.site);
    expect(lab).toMatchObject({ installedThs: 12 * 90, status: 'approved' });
    expect(lab!.measuredThs).toBeGreaterThan(10 * 60);
    expect(status.measuredBasis).toBe('latest-polls');
    // The current quarter's figures carry it too, per site and in total (the report's columns),
    // and it is the latest quarter self-mining has figures in: the dashboard's to open on.
    const today = dayOf(new Date());
    expect(await miningQuarters(app)).toEqual({
      first: quarterOf(today),
      last: quarterOf(today),
      lastMeasuredOn: today,
      current: quarterOf(today),
    });
    // The rack goes on being polled meanwhile: its measured figure moves, not whether it has one.
    const quarter = await miningQuarter(app, quarterOf(today));
    expect(quarter.sites.value).toEqual([
      { site: 'LAB', status: 'approved', installedPh: (12 * 90) / 1000, measuredPh: expect.any(Number) },
    ]);
    expect(quarter.sites.value[0]!.measuredPh).toBeGreaterThan((10 * 60) / 1000);
    expect(quarter.measuredPh.value).toBe(quarter.sites.value[0]!.measuredPh);
    // A later quarter has nothing measured yet: today's polls are not its figure.
    const next = await miningQuarter(app, addQuarters(quarterOf(today), 1));
    expect(next.measuredPh.value).toBeNull();
    expect(next.sites.value.map((x) => x.measuredPh)).toEqual([null]);

    await rack.stop();
    rack = await startDemoRack(app, app.actor('admin'), { count: 12, base: BASE });
    expect((await fleetSummary(app)).machines).toBe(12);
    expect(await machineSerials(app.db)).toEqual(linked);
    // Two rack starts, two scans and a wait for hashing: slow on a loaded machine, not a hang.
  }, 90_000);

  it('takes its size from HASHFORGE_DEMO_MINERS, and names that variable when it is wrong', () => {
    expect(readConfig({}).demoMiners).toBe(200);
    expect(readConfig({ HASHFORGE_DEMO_MINERS: '0' }).demoMiners).toBe(0);
    expect(() => readConfig({ HASHFORGE_DEMO_MINERS: 'lots' })).toThrow(
      expect.objectContaining({
        field: 'HASHFORGE_DEMO_MINERS',
        message: expect.stringMatching(/0 to 10000/),
      }),
    );
  });
});
