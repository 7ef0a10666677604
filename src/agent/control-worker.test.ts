/**
 * The agent's control worker on the PostgreSQL server, with real pg-boss between the API's side and
 * the agent's (both in this process) and simulated miners on loopback: a second control at the
 * agent's site, sent while a work-mode change there waits for its machine to come back from the
 * reboot that applies it, is acted on and answered at once rather than queued behind it.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { controlMachines } from '../fleet/control.js';
import { testConfig } from '../testing/index.js';
import { until } from '../testing/processes.js';
import { type AgentControlWorld, agentControlWorld } from './test-fixtures.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;
/** Long enough that a control queued behind the work mode would pass its own time-out (8 s here). */
const REBOOT_SECONDS = 15;

describe('controls at an agent’s site', { timeout: 90_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let world: AgentControlWorld;

  beforeAll(async () => {
    // Short exchanges: a control's wait is its read-back's time-out plus three of them and 3 s.
    world = await agentControlWorld({
      serverUrl: server.url,
      agent: 'cw-agent',
      site: 'CW1',
      base: '127.240.1.1',
      count: 2,
      connectMs: 300,
      readMs: 700,
      rebootSeconds: REBOOT_SECONDS,
    });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('answers a soft off sent while a work-mode change at the site waits for its reboot', async () => {
    const { ctx, sim } = world;
    const [rebooted, curtailed] = sim.addresses as [string, string];
    const machines = await sql<{ id: bigint; address: string }>`
      select id, address from fleet_machines`.execute(ctx.db);
    const idOf = (at: string) => Number(machines.rows.find((m) => at.startsWith(`${m.address}:`))!.id);
    const mode = 1 - sim.control(rebooted).workMode;
    let workModeAnswered = false;
    const workMode = controlMachines(
      ctx,
      actor,
      { selector: { machines: [idOf(rebooted)] }, action: { kind: 'work-mode', mode } },
      { confirmWithinMs: 45_000 },
    ).finally(() => {
      workModeAnswered = true;
    });
    await until('the rebooted machine offline', 15_000, () => !sim.control(rebooted).online || undefined);
    await world.present();
    const started = performance.now();
    const softOff = await controlMachines(
      ctx,
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
