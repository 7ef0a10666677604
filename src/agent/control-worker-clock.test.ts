/**
 * A control through an agent whose host's clock is ten minutes ahead of the API's: the agent judges
 * whether the API still waits by how long the job waited in the queue as the database tells it, not
 * by comparing its own clock with one the API wrote down; one that waited longer is still dropped.
 * On the PostgreSQL server, with real pg-boss between the API's side and the agent's worker (both
 * in this process, the API's clock set back until the job is sent) and a simulated miner on loopback.
 */
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { agentControlQueue } from '../fleet/agent-control.js';
import { controlMachines } from '../fleet/control.js';
import { testConfig } from '../testing/index.js';
import { until } from '../testing/processes.js';
import { type AgentControlWorld, agentControlWorld } from './test-fixtures.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;
const AGENT = 'ck-agent';
const SKEW_MS = 10 * 60_000;

describe('a control through an agent whose clock is not the API’s', { timeout: 90_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let world: AgentControlWorld;

  beforeAll(async () => {
    world = await agentControlWorld({
      serverUrl: server.url,
      agent: AGENT,
      site: 'CK1',
      base: '127.243.1.1',
      count: 1,
      connectMs: 300,
      readMs: 700,
    });
  }, 60_000);

  afterEach(() => {
    vi.useRealTimers();
  });

  afterAll(async () => {
    await world?.close();
  });

  it('acts on a fresh control sent from a host whose clock is ten minutes behind', async () => {
    const { ctx, sim } = world;
    const sender = ctx.jobs!;
    // The API's host reads ten minutes earlier than the agent's until the job is on its way.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() - SKEW_MS);
    const behind = {
      ...ctx,
      jobs: {
        send: (...a: Parameters<typeof sender.send>) => {
          vi.useRealTimers();
          return sender.send(...a);
        },
      },
    };
    const report = await controlMachines(
      behind,
      actor,
      { selector: { site: 'CK1' }, action: { kind: 'soft-off' } },
      { confirmWithinMs: 2_000 },
    );
    expect(report.results[0], report.results[0]?.detail).toMatchObject({ outcome: 'done' });
    expect(sim.control(sim.addresses[0]!).softOff).toBe(true);
  });

  it('drops a control that waited in the queue longer than the API waits for it', async () => {
    const { ctx, sim } = world;
    const machine = await sql<{ id: string; serial: string; address: string; port: number; site: string }>`
      select id::text, serial, address, port, site from fleet_machines`.execute(ctx.db);
    const t = machine.rows[0]!;
    const requests = sim.stats().requests;
    // The agent away while the job waits (restarted, its link down): it is taken up 1.5 s after sending.
    await world.stopWorker();
    const job = {
      controlId: 99,
      action: { kind: 'soft-on' },
      targets: [{ ...t, id: Number(t.id) }],
      waitMs: 1_000,
    };
    await ctx.jobs!.send(agentControlQueue(AGENT), job, { expireInSeconds: 30 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await world.startWorker();
    await until('the job finished', 20_000, async () => {
      const r = await sql<{ state: string }>`
        select state from ${sql.table(`${world.queues}.job`)}
        where name = ${agentControlQueue(AGENT)} and data ->> 'controlId' = '99'`.execute(ctx.db);
      return r.rows[0]?.state === 'completed' || undefined;
    });
    expect(sim.stats().requests).toBe(requests);
    expect(sim.control(sim.addresses[0]!).softOff).toBe(true);
  });
});
