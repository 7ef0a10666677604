import { type Simulator, startSimulator } from '../../src/fleet/protocol/simulator.js';
import { addTestSite } from '../../src/mining/test-fixtures.js';
import type { TestServer } from '../../src/testing/index.js';

export interface SimulatedSite {
  simulator: Simulator;
  site: string;
  /** One sweep of every registered machine, at the real time (the test clock follows the wall clock). */
  poll(): Promise<void>;
  /** Sweeps every `ms` until stopped, as `serve` does with HASHFORGE_POLL_INTERVAL. */
  pollEvery(ms: number): void;
  stop(): Promise<void>;
}

/**
 * Simulated miners on loopback, scanned into a site and polled through the HTTP API, as an
 * operator would set them up with `hashforge fleet simulate`, `fleet scan` and `fleet poll`.
 */
export async function simulatedSite(
  server: TestServer,
  opts: { site: string; count: number; base: string; faultRate?: number; seed?: number },
): Promise<SimulatedSite> {
  const simulator = await startSimulator({
    count: opts.count,
    base: opts.base,
    faultRate: opts.faultRate ?? 0,
    seed: opts.seed ?? 1,
    rebootSeconds: 2,
    slowMs: 500,
  });
  const last = simulator.miners.at(-1)!.host;
  await addTestSite(server.app, server.app.actor('admin'), opts.site);
  const scan = await server.call('POST', '/api/fleet/scans', {
    role: 'ops',
    body: { range: `${opts.base}-${last}`, site: opts.site },
  });
  if (scan.status !== 201) throw new Error(`scan failed: ${JSON.stringify(scan.body)}`);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const poll = async () => {
    server.app.clock.set(new Date().toISOString());
    const r = await server.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    if (r.status !== 201) throw new Error(`poll failed: ${JSON.stringify(r.body)}`);
  };
  await poll();
  return {
    simulator,
    site: opts.site,
    poll,
    pollEvery(ms) {
      const tick = () => {
        running = poll()
          .catch(() => {})
          .finally(() => {
            if (timer) timer = setTimeout(tick, ms);
          });
      };
      timer = setTimeout(tick, ms);
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
      await simulator.stop();
    },
  };
}
