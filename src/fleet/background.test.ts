import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { startFleetPolling } from './background.js';
import { scanRange } from './discovery.js';
import { type Simulator, startSimulator } from './protocol/simulator.js';
import { readFleetSettings } from './settings.js';
import { fleetDb } from './store.js';

describe('the poller inside serve', () => {
  let app: TestApp;
  let sim: Simulator;
  beforeAll(async () => {
    app = await testApp();
    // 127.79/16 is this file's alone: test files run in parallel workers.
    sim = await startSimulator({ count: 3, base: '127.79.0.1', seed: 'bg' });
    await addTestSite(app, app.actor('admin'), 'BG1');
    await scanRange(app, app.actor('ops'), { range: '127.79.0.1-127.79.0.3', site: 'BG1', port: 4028 });
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });
  const sweeps = () => fleetDb(app.db).selectFrom('fleet_sweeps').selectAll().execute();

  it('is off unless HASHFORGE_POLL_INTERVAL is set', async () => {
    expect(readFleetSettings({}).pollIntervalSeconds).toBeUndefined();
    const stop = startFleetPolling(app, readFleetSettings({}));
    await new Promise((resolve) => setTimeout(resolve, 300));
    await stop();
    expect(await sweeps()).toEqual([]);
  });

  it('sweeps every interval once it is set, and stops cleanly', async () => {
    const stop = startFleetPolling(app, readFleetSettings({ HASHFORGE_POLL_INTERVAL: '1' }));
    for (let i = 0; i < 100 && (await sweeps()).filter((s) => s.outcome === 'done').length < 2; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await stop();
    const done = (await sweeps()).filter((s) => s.outcome === 'done');
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done[0]).toMatchObject({ machines: 3, answered: 3, failed: 0, running: false });
    const after = (await sweeps()).length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await sweeps()).length).toBe(after);
  });

  it('names the setting when it is not a number of seconds', () => {
    expect(() => readFleetSettings({ HASHFORGE_POLL_INTERVAL: 'often' })).toThrow(
      /HASHFORGE_POLL_INTERVAL must be/,
    );
  });
});
