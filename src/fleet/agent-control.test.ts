/**
 * The API's side of a control through an agent when the agent takes the job and never answers (it
 * died in the middle): each machine is reported unreachable at the time-out, naming the agent, and
 * the control counts as not done. On the PostgreSQL server, with a real pg-boss worker on the
 * agent's queue that drops what it takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AgentControlWorld, agentControlWorld } from '../agent/test-fixtures.js';
import { testConfig } from '../testing/index.js';
import { agentControlQueue } from './agent-control.js';
import { controlMachines, refuseIfNoneDidIt } from './control.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;

describe('a control through an agent that never answers', { timeout: 60_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let world: AgentControlWorld;
  const taken: unknown[] = [];

  beforeAll(async () => {
    // Short exchanges: the API's wait is the read-back's time-out plus theirs.
    world = await agentControlWorld({
      serverUrl: server.url,
      agent: 'dd-agent',
      site: 'DD1',
      base: '127.198.5.1',
      count: 1,
      connectMs: 50,
      readMs: 50,
      // A worker that takes each job and drops it: the agent died in the middle.
      worker: (_ctx, jobs) =>
        jobs.work(agentControlQueue('dd-agent'), { expireInSeconds: 30, atOnce: 1 }, async (data) => {
          taken.push(data);
        }),
    });
  }, 60_000);

  afterAll(async () => {
    await world?.close();
  });

  it('reports each machine unreachable at the time-out, naming the agent, and the control not done', async () => {
    const { ctx, sim } = world;
    const requests = sim.stats().requests;
    const report = await controlMachines(
      ctx,
      actor,
      { selector: { site: 'DD1' }, action: { kind: 'soft-off' } },
      { confirmWithinMs: 100 },
    );
    expect(taken).toHaveLength(1);
    // The API itself sent the miner nothing: the site's machines are the agent's to reach.
    expect(sim.stats().requests).toBe(requests);
    expect(taken[0]).toMatchObject({ controlId: report.controlId, targets: [{ address: '127.198.5.1' }] });
    expect(report.results).toEqual([
      expect.objectContaining({
        address: '127.198.5.1',
        outcome: 'unreachable',
        detail: expect.stringMatching(/^agent dd-agent gave no result within \d+ s$/),
      }),
    ]);
    expect(() => refuseIfNoneDidIt(report)).toThrow(/None of the 1 machines confirmed/);
  });
});
