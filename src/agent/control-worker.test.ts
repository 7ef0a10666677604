/**
 * The agent's control worker on the PostgreSQL server, with real pg-boss between the API's side and
 * the agent's (both in this process) and simulated miners on loopback: a second control at the
 * agent's site, sent while a work-mode change there waits for its machine to come back from the
 * reboot that applies it, is acted on and answered at once rather than queued behind it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { controlMachines } from '../fleet/control.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { type Periodic, serverJobs } from '../jobs/boss.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { testConfig } from '../testing/index.js';
import { until } from '../testing/processes.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { workControls } from './control-worker.js';
import { markPresent } from './store.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;
const AGENT = 'cw-agent';
/** Long enough that a control queued behind the work mode would pass its own time-out (8 s here). */
const REBOOT_SECONDS = 15;

describe('controls at an agent’s site', { timeout: 90_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let jobs: Periodic | undefined;
  let stopWorker: (() => Promise<void>) | undefined;
  let sim: Simulator;
  const present = () =>
    markPresent(opened.ctx.db, { agent: AGENT, host: 'site-host', pid: 1, sites: ['CW1'] }, 10);

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    // Short exchanges: a control's wait is its read-back's time-out plus three of them and 3 s.
    const config = readConfig({
      DATABASE_URL: fresh.url,
      LOG_LEVEL: 'silent',
      HASHFORGE_FLEET_CONNECT_TIMEOUT_MS: '300',
      HASHFORGE_FLEET_READ_TIMEOUT_MS: '700',
      HASHFORGE_FLEET_RETRIES: '0',
    });
    opened = await openContext(config, { command: 'test', modules });
    const ctx = opened.ctx;
    await addTestSite(ctx, actor, 'CW1');
    sim = await startSimulator({ count: 2, base: '127.240.1.1', seed: 'CW1', rebootSeconds: REBOOT_SECONDS });
    await scanRange(ctx, actor, { range: '127.240.1.1-127.240.1.2', site: 'CW1', port: 4028 });
    if (config.database.kind !== 'server') throw new Error('server expected');
    jobs = await serverJobs(config.database, ctx.log);
    stopWorker = await workControls(ctx, AGENT, jobs, ctx.log);
    await present();
  }, 60_000);

  afterAll(async () => {
    await stopWorker?.();
    await jobs?.close();
    await sim?.stop();
    await opened?.close();
    await fresh?.drop();
  });

  it('answers a soft off sent while a work-mode change at the site waits for its reboot', async () => {
    const [rebooted, curtailed] = sim.addresses as [string, string];
    const machines = await sql<{ id: bigint; address: string }>`
      select id, address from fleet_machines`.execute(opened.ctx.db);
    const idOf = (at: string) => Number(machines.rows.find((m) => at.startsWith(`${m.address}:`))!.id);
    const mode = 1 - sim.control(rebooted).workMode;
    let workModeAnswered = false;
    const workMode = controlMachines(
      opened.ctx,
      actor,
      { selector: { machines: [idOf(rebooted)] }, action: { kind: 'work-mode', mode } },
      { confirmWithinMs: 45_000 },
    ).finally(() => {
      workModeAnswered = true;
    });
    await until('the rebooted machine offline', 15_000, () => !sim.control(rebooted).online || undefined);
    await present();
    const started = performance.now();
    const softOff = await controlMachines(
      opened.ctx,
      actor,
      { selector: { machines: [idOf(curtailed)] }, action: { kind: 'soft-off' } },
      { confirmWithinMs: 2_000 },
    );
    const softOffSeconds = (performance.now() - started) / 1000;
    expect(softOff.results[0], softOff.results[0]?.detail).toMatchObject({ outcome: 'done' });
    expect(sim.control(curtailed).softOff).toBe(true);
    // Answered while the work mode was still waiting for its machine: not after it.
    expect(workModeAnswered, `soft off answered after ${softOffSeconds.toFixed(1)} s`).toBe(false);
    expect(sim.control(rebooted).online).toBe(false);
    const modeReport = await workMode;
    expect(modeReport.results[0], modeReport.results[0]?.detail).toMatchObject({
      outcome: 'done',
      detail: `work mode is ${mode}`,
    });
  });
});
