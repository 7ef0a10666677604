/**
 * The API's side of a control through an agent when the agent takes the job and never answers (it
 * died in the middle): each machine is reported unreachable at the time-out, naming the agent, and
 * the control counts as not done. On the PostgreSQL server, with a real pg-boss worker on the
 * agent's queue that drops what it takes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markPresent } from '../agent/store.js';
import { readConfig } from '../app/config.js';
import { type OpenedContext, openContext } from '../app/root.js';
import { type Periodic, serverJobs } from '../jobs/boss.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { testConfig } from '../testing/index.js';
import { emptyServerDatabase } from '../testing/server-clone.js';
import { agentControlQueue } from './agent-control.js';
import { controlMachines, refuseIfNoneDidIt } from './control.js';
import { scanRange } from './discovery.js';
import { type Simulator, startSimulator } from './protocol/simulator.js';

const server = testConfig.database.kind === 'server' ? testConfig.database : undefined;
const actor = { id: 'test:ops', role: 'admin' } as const;

describe('a control through an agent that never answers', { timeout: 60_000 }, () => {
  if (!server) {
    it.skip('needs the PostgreSQL server (DATABASE_URL): controls reach agents through pg-boss', () => {});
    return;
  }
  let fresh: Awaited<ReturnType<typeof emptyServerDatabase>>;
  let opened: OpenedContext;
  let jobs: Periodic | undefined;
  let sim: Simulator;
  const taken: unknown[] = [];

  beforeAll(async () => {
    fresh = await emptyServerDatabase(server.url);
    // Short exchanges: the API's wait is the read-back's time-out plus theirs.
    const config = readConfig({
      DATABASE_URL: fresh.url,
      LOG_LEVEL: 'silent',
      HASHFORGE_FLEET_CONNECT_TIMEOUT_MS: '50',
      HASHFORGE_FLEET_READ_TIMEOUT_MS: '50',
      HASHFORGE_FLEET_RETRIES: '0',
    });
    opened = await openContext(config, { command: 'test', modules });
    const ctx = opened.ctx;
    await addTestSite(ctx, actor, 'DD1');
    sim = await startSimulator({ count: 1, base: '127.198.5.1', seed: 'DD1' });
    await scanRange(ctx, actor, { range: '127.198.5.1-127.198.5.1', site: 'DD1', port: 4028 });
    if (config.database.kind !== 'server') throw new Error('server expected');
    jobs = await serverJobs(config.database, ctx.log);
    await jobs.work(agentControlQueue('dd-agent'), { expireInSeconds: 30, atOnce: 1 }, async (data) => {
      taken.push(data);
    });
    await markPresent(ctx.db, { agent: 'dd-agent', host: 'site-host', pid: 1, sites: ['DD1'] }, 10);
  }, 60_000);

  afterAll(async () => {
    await jobs?.close();
    await sim?.stop();
    await opened?.close();
    await fresh?.drop();
  });

  it('reports each machine unreachable at the time-out, naming the agent, and the control not done', async () => {
    const requests = sim.stats().requests;
    const report = await controlMachines(
      opened.ctx,
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
