/** The fleet's test fixture: a site of simulated miners set up through the API, for tests and dev pages. */
import { addTestSite } from '../mining/test-fixtures.js';
import type { TestServer } from '../testing/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './protocol/simulator.js';

export interface SimulatedSite {
  simulator: Simulator;
  site: string;
  /** The registered machines' ids, in the simulator's order. */
  ids: number[];
  /** One sweep of every registered machine, at the real time (the test clock follows the wall clock). */
  poll(): Promise<void>;
  /** Sweeps every `ms` until stopped, as `serve` does with HASHFORGE_POLL_INTERVAL. */
  pollEvery(ms: number): void;
  /** Ends the sweeps of pollEvery, the one under way finished; the miners go on answering. */
  stopPolling(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Simulated miners on loopback, scanned into a site and polled through the HTTP API, as an
 * operator would set them up with `hashforge fleet simulate`, `fleet scan` and `fleet poll`.
 * Each test file gives its own `base` (a 127.x range no other file binds on port 4028). The
 * first sweep runs at once unless `firstPoll` is false; it sets the test clock to the wall clock.
 */
export async function simulatedSite(
  server: TestServer,
  opts: { site: string; count: number; base: string; firstPoll?: boolean } & Partial<SimulatorOptions>,
): Promise<SimulatedSite> {
  const { site, firstPoll = true, ...miners } = opts;
  const simulator = await startSimulator({ faultRate: 0, seed: 1, rebootSeconds: 2, slowMs: 500, ...miners });
  const last = simulator.miners.at(-1)!.host;
  await addTestSite(server.app, server.app.actor('admin'), site);
  const scan = await server.call('POST', '/api/fleet/scans', {
    role: 'ops',
    body: { range: `${opts.base}-${last}`, site },
  });
  if (scan.status !== 201) throw new Error(`scan failed: ${JSON.stringify(scan.body)}`);
  const ids = (scan.body.registered as { id: number }[]).map((m) => m.id);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const poll = async () => {
    server.app.clock.set(new Date().toISOString());
    const r = await server.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    if (r.status !== 201) throw new Error(`poll failed: ${JSON.stringify(r.body)}`);
  };
  const stopPolling = async () => {
    clearTimeout(timer);
    timer = undefined;
    await running;
  };
  if (firstPoll) await poll();
  return {
    simulator,
    site,
    ids,
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
    stopPolling,
    async stop() {
      await stopPolling();
      await simulator.stop();
    },
  };
}
