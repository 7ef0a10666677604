import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../kernel/clock.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { scanRange } from './discovery.js';
import { pollerHeap } from './poller-heap.js';
import { type Simulator, startSimulator } from './protocol/simulator.js';

describe('scanRange', () => {
  let app: TestApp;
  let sim: Simulator;
  const actor = { id: 'ops', role: 'ops' } as const;

  beforeAll(async () => {
    app = await testApp();
    sim = await startSimulator({ count: 3, base: '127.58.1.1', seed: 'scan-heap' });
    await addTestSite({ ...app, clock: systemClock }, actor, 'SC1');
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });

  it("runs under the poller's heap growth, like a pass of polls, whose first sweep it comes before", async () => {
    const during = vi.spyOn(pollerHeap, 'during');
    try {
      const scan = await scanRange({ ...app, clock: systemClock }, actor, {
        range: '127.58.1.1-127.58.1.3',
        site: 'SC1',
        port: 4028,
      });
      expect(scan.registered).toHaveLength(3);
      expect(during).toHaveBeenCalledTimes(1);
    } finally {
      during.mockRestore();
    }
  });
});
