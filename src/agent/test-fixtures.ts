/**
 * The world the tests of a control through an agent share (control-worker.test.ts,
 * control-worker-clock.test.ts, src/fleet/agent-control.test.ts), all in this process: a fresh
 * database on the PostgreSQL server, short exchanges with the miners, a site whose simulated miners
 * are scanned in, real pg-boss, and a worker on the agent's queue, the agent present at the site.
 */

import { type Config, readConfig } from '../app/config.js';
import type { AppContext } from '../app/context.js';
import { openContext } from '../app/root.js';
import { scanRange } from '../fleet/discovery.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { type Periodic, serverJobs } from '../jobs/boss.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { provided } from '../testing/run.js';
import { copyServerDatabase, emptyServerDatabase } from '../testing/server-clone.js';
import { workControls } from './control-worker.js';
import { markPresent } from './store.js';

const actor = { id: 'test:ops', role: 'admin' } as const;

export interface AgentControlWorldOptions {
  /** The PostgreSQL server the run uses (DATABASE_URL). */
  serverUrl: string;
  agent: string;
  site: string;
  /** The first miner's loopback address; `count` miners count up from it. */
  base: string;
  count: number;
  /** The API's and the agent's time-outs with a miner: a control's wait is built from them. */
  connectMs: number;
  readMs: number;
  rebootSeconds?: number;
  /** The agent's end of its queue; by default the real control worker. */
  worker?: (ctx: AppContext, jobs: Periodic) => Promise<() => Promise<void>>;
}

export interface AgentControlWorld {
  ctx: AppContext;
  sim: Simulator;
  jobs: Periodic;
  /** pg-boss's schema, where a test sees a job's state. */
  queues: string;
  /** Marks the agent present at the site again (a presence lasts 10 s). */
  present(): Promise<void>;
  /** Starts the agent's worker again after `stopWorker` (the agent restarted). */
  startWorker(): Promise<void>;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

export async function agentControlWorld(o: AgentControlWorldOptions): Promise<AgentControlWorld> {
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c();
  };
  try {
    return await build(o, closers, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function build(
  o: AgentControlWorldOptions,
  closers: (() => Promise<unknown>)[],
  close: () => Promise<void>,
): Promise<AgentControlWorld> {
  // A copy of the run's migrated template when there is one: migrating an empty one takes longer.
  const template = provided('serverTemplate');
  const fresh = template ? await copyServerDatabase(template) : await emptyServerDatabase(o.serverUrl);
  closers.push(fresh.drop);
  const config = readConfig({
    DATABASE_URL: fresh.url,
    LOG_LEVEL: 'silent',
    HASHFORGE_FLEET_CONNECT_TIMEOUT_MS: String(o.connectMs),
    HASHFORGE_FLEET_READ_TIMEOUT_MS: String(o.readMs),
    HASHFORGE_FLEET_RETRIES: '0',
  });
  const opened = await openContext(config, { command: 'test', modules });
  closers.push(opened.close);
  const ctx = opened.ctx;
  await addTestSite(ctx, actor, o.site);
  const sim = await startSimulator({
    count: o.count,
    base: o.base,
    seed: o.site,
    rebootSeconds: o.rebootSeconds,
  });
  closers.push(sim.stop);
  await scanRange(ctx, actor, { range: `${o.base}-${sim.miners.at(-1)!.host}`, site: o.site, port: 4028 });
  const jobs = await serverJobs(server(config), ctx.log);
  closers.push(() => jobs.close());
  const worker = o.worker ?? ((c, j) => workControls(c, o.agent, j, c.log));
  let stopWorker: (() => Promise<void>) | undefined;
  const world: AgentControlWorld = {
    ctx,
    sim,
    jobs,
    queues: `${server(config).schema ?? 'hashforge'}_jobs`,
    present: async () => {
      await markPresent(ctx.db, { agent: o.agent, host: 'site-host', pid: 1, sites: [o.site] }, 10);
    },
    startWorker: async () => {
      stopWorker = await worker(ctx, jobs);
    },
    stopWorker: async () => {
      await stopWorker?.();
      stopWorker = undefined;
    },
    close,
  };
  await world.startWorker();
  closers.push(world.stopWorker);
  await world.present();
  return world;
}

function server(config: Config) {
  if (config.database.kind !== 'server') throw new Error('a PostgreSQL server expected');
  return config.database;
}
