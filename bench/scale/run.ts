/**
 * Site agents at scale (#20 item 6). N simulated miners (60,000 by default) in their own processes,
 * registered over S sites on the PostgreSQL server (DATABASE_URL: a new database, dropped after),
 * then polled by 1, 2 and 3 real `hashforge agent --all` processes sharing the sites through
 * pg-boss leases, each spooling into the local NATS JetStream and forwarding to the database.
 * For each: polls per second (the sweeps the agents finished in the window) and the ratio to one
 * agent, readings written per second (the spool parts the database took), CPU per poll beside the
 * fleet's own sweep of the same miners (the reference, measured first); then one
 * agent of three killed with SIGKILL and how long until each site it held is swept by another.
 * Last, the sizing for 1,000,000 machines derived from those figures (sizing.ts).
 *
 *   DATABASE_URL=postgres://… npm run bench -- scale [--miners 60000] [--sites 12] [--window 60]
 *     [--warmup 30] [--interval 10] [--lease 40] [--concurrency 200] [--base 127.182.0.1]
 *     [--cpu-prof DIR]   (each agent's V8 profile, written as it stops: a killed one writes none)
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { readConfig } from '../../src/app/config.js';
import type { Actor, AppContext } from '../../src/app/context.js';
import { assembleContext, loadProjections } from '../../src/app/root.js';
import { scanRange } from '../../src/fleet/discovery.js';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { sweepFleet } from '../../src/fleet/sweep.js';
import { tableCatalog } from '../../src/ledger/tables.js';
import { addTestSite } from '../../src/mining/test-fixtures.js';
import { modules } from '../../src/modules.js';
import { newServerDatabase } from '../../src/testing/server-clone.js';
import { baseline } from '../baseline.js';
import { commandCpuSeconds, treeCpuSeconds } from '../fleet/proc-cpu.js';
import { loadAverage, startFleet, stop } from '../fleet/run.js';
import {
  type AgentRun,
  type BenchAgent,
  removeSpools,
  spoolPositions,
  startAgent,
  stopAgent,
  waitForSpools,
} from './agents.js';
import {
  backendCpu,
  cpuBetween,
  databaseNow,
  sitesHeldBy,
  sweptInWindow,
  waitForSweepsBefore,
  waitForTakeOver,
} from './measure.js';
import { sizing } from './sizing.js';

/** Its own loopback range by default (#20's block 127.181–184/16; the replay test has 127.181.0.x). */
const BASE = '127.182.0.1';
const BENCH: Actor = { id: 'bench:scale', role: 'admin' };

interface Options {
  base: string;
  miners: number;
  sites: number;
  window: number;
  warmup: number;
  run: AgentRun;
}

interface Step {
  agents: number;
  pollsPerSecond: number;
  byAgent: number[];
  readingsPerSecond: number;
  sweeps: number;
  agentCpuPerPoll: number;
  natsCpuPerPoll: number;
  databaseCpuPerReading: number;
  /** Seconds after the window until the spools had forwarded what they held at its end. */
  catchUp: number | undefined;
  load: string;
}

const sleep = (s: number) => new Promise((resolve) => setTimeout(resolve, s * 1000));
const round = (n: number, d = 0) => Math.round(n * 10 ** d) / 10 ** d;

/** The miners' addresses cut into `sites` runs, each scanned into its site. */
async function register(ctx: AppContext, o: Options): Promise<void> {
  const first = ipToNumber(o.base);
  const per = Math.ceil(o.miners / o.sites);
  for (let i = 0; i < o.sites; i++) {
    const lo = first + i * per;
    const hi = Math.min(first + o.miners, lo + per) - 1;
    const site = `SC${String(i + 1).padStart(2, '0')}`;
    await addTestSite(ctx, BENCH, site);
    const r = await scanRange(ctx, BENCH, { range: `${numberToIp(lo)}-${numberToIp(hi)}`, site, port: 4028 });
    process.stderr.write(`  ${site}: ${r.registered.length} registered\n`);
  }
}

/**
 * The reference: the fleet's own sweep (src/fleet/sweep.ts, the same polling and storeBatch) of the
 * same miners into the same database, in this process, at the same load. Two sweeps, the second
 * measured: the first writes every machine's first status, as the agents would otherwise.
 */
async function centralSweep(
  ctx: AppContext,
  o: Options,
): Promise<{ pollsPerSecond: number; cpuPerPoll: number }> {
  await sweepFleet(ctx, BENCH, { concurrency: o.run.concurrency });
  const cpu0 = process.cpuUsage();
  const report = await sweepFleet(ctx, BENCH, { concurrency: o.run.concurrency });
  const cpu = process.cpuUsage(cpu0);
  const r = {
    pollsPerSecond: report.machines / report.seconds,
    cpuPerPoll: (cpu.user + cpu.system) / 1e6 / Math.max(1, report.machines),
  };
  process.stdout.write(
    `the fleet's own sweep of the same miners (reference): ${round(r.pollsPerSecond)} polls/s, CPU a poll ${round(r.cpuPerPoll * 1e6, 1)} µs; load average ${loadAverage()}\n`,
  );
  return r;
}

/** One step: `n` agents running, warmed up, then measured over the window. */
async function measureStep(
  ctx: AppContext,
  o: Options,
  runName: string,
  agents: BenchAgent[],
): Promise<Step> {
  await sleep(o.warmup);
  const cpu0 = agents.map((a) => treeCpuSeconds(a.process.child.pid!));
  const nats0 = commandCpuSeconds('nats-server');
  const db0 = await backendCpu(ctx.db);
  const from = await databaseNow(ctx.db);
  await sleep(o.window);
  const to = await databaseNow(ctx.db);
  const cpu1 = agents.map((a) => treeCpuSeconds(a.process.child.pid!));
  const nats1 = commandCpuSeconds('nats-server');
  const db1 = await backendCpu(ctx.db);
  const load = loadAverage();
  // What the agents polled in the window reaches the database through their spools, later when the
  // forwarders lag: counted once every part spooled by the window's end has been forwarded, and
  // the sweeps under way then have ended.
  const heads = await spoolPositions(agents.map((a) => a.name));
  const catchUp = await waitForSpools(heads, Math.max(120, 2 * o.window));
  await waitForSweepsBefore(ctx.db, runName, to, 2 * o.run.leaseSeconds);
  const w = await sweptInWindow(ctx.db, runName, from, to);
  const seconds = (to.getTime() - from.getTime()) / 1000;
  const byAgent = agents.map((a) => (w.pollsByAgent.get(a.name) ?? 0) / seconds);
  const polls = byAgent.reduce((s, x) => s + x, 0) * seconds;
  const agentCpu = cpu1.reduce((s, c, i) => s + c - cpu0[i]!, 0);
  return {
    agents: agents.length,
    pollsPerSecond: polls / seconds,
    byAgent,
    readingsPerSecond: w.readings / seconds,
    sweeps: w.sweeps,
    agentCpuPerPoll: agentCpu / Math.max(1, polls),
    natsCpuPerPoll: (nats1 - nats0) / Math.max(1, polls),
    databaseCpuPerReading: cpuBetween(db0, db1) / Math.max(1, w.readings),
    catchUp,
    load,
  };
}

function printStep(s: Step, one: Step | undefined, centralCpuPerPoll: number): void {
  const ratio =
    one && one.pollsPerSecond > 0 ? ` (${round(s.pollsPerSecond / one.pollsPerSecond, 2)}× one agent)` : '';
  process.stdout.write(
    `${s.agents} agent${s.agents > 1 ? 's' : ''}: ${round(s.pollsPerSecond)} polls/s${ratio} [${s.byAgent.map((x) => round(x)).join(' + ')}], ` +
      `${round(s.readingsPerSecond)} readings written/s, ${s.sweeps} site sweeps; CPU a poll: agent ${round(s.agentCpuPerPoll * 1e6, 1)} µs (${round(s.agentCpuPerPoll / centralCpuPerPoll, 2)}× the fleet's sweep), ` +
      `NATS ${round(s.natsCpuPerPoll * 1e6, 1)} µs; database backends ${round(s.databaseCpuPerReading * 1e6, 1)} µs a reading; ` +
      `spools forwarded ${s.catchUp === undefined ? 'NOT within the wait (polls undercounted)' : `${round(s.catchUp, 1)} s after the window`}; load average ${s.load}\n`,
  );
}

/** Kills one of the running agents and waits for its sites to be swept by the others. */
async function killOne(ctx: AppContext, o: Options, agents: BenchAgent[]): Promise<number> {
  // The agent holding the most sites (by the latest sweeps stored): one holding none tells nothing.
  const held = await Promise.all(agents.map(async (a) => ({ a, sites: await sitesHeldBy(ctx.db, a.name) })));
  const { a: victim, sites } = held.reduce((x, y) => (y.sites.length > x.sites.length ? y : x));
  const killedAt = new Date();
  await victim.process.crash();
  const waits = await waitForTakeOver(ctx.db, sites, killedAt, 4 * o.run.leaseSeconds);
  const shown = [...waits].map(
    ([site, s]) => `${site} ${s === undefined ? 'NOT taken over' : `${round(s, 1)} s`}`,
  );
  const longest = Math.max(...[...waits.values()].map((s) => s ?? Number.POSITIVE_INFINITY));
  process.stdout.write(
    `kill -9 of ${victim.name} (held ${sites.length} sites): taken over in ${shown.join(', ')}; longest ${round(longest, 1)} s ` +
      `(lease ${o.run.leaseSeconds} s + pg-boss's look for expired jobs every 5 s); load average ${loadAverage()}\n`,
  );
  return longest;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      miners: { type: 'string', default: '60000' },
      sites: { type: 'string', default: '12' },
      window: { type: 'string', default: '60' },
      warmup: { type: 'string', default: '30' },
      interval: { type: 'string', default: '10' },
      lease: { type: 'string', default: '40' },
      concurrency: { type: 'string', default: '200' },
      // Another /16 of 127.181–184 when the last run's connections still linger on this one.
      base: { type: 'string', default: BASE },
      'cpu-prof': { type: 'string' },
    },
    // npm run bench passes every bench's options through; the ones not ours are left alone.
    strict: false,
  });
  const n = (k: keyof typeof values) => Number(values[k]);
  const url = process.env.DATABASE_URL;
  if (!url)
    throw new Error('bench/scale needs DATABASE_URL: agents share sites through pg-boss on PostgreSQL');
  return {
    base: String(values.base),
    miners: n('miners'),
    sites: n('sites'),
    window: n('window'),
    warmup: n('warmup'),
    run: {
      databaseUrl: url,
      intervalSeconds: n('interval'),
      leaseSeconds: n('lease'),
      concurrency: n('concurrency'),
      profileDir: values['cpu-prof'] === undefined ? undefined : resolve(String(values['cpu-prof'])),
    },
  };
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  const o = options(argv);
  process.stdout.write(`${baseline()}\n`);
  process.stdout.write(
    `${o.miners.toLocaleString('en-US')} simulated miners over ${o.sites} sites; agents sweep every ${o.run.intervalSeconds} s (back to back when slower), lease ${o.run.leaseSeconds} s, ${o.run.concurrency} polls in flight each; warm-up ${o.warmup} s, window ${o.window} s\n`,
  );
  const fleet = await startFleet(o.miners, { base: o.base });
  const server = await newServerDatabase(o.run.databaseUrl);
  const env = {
    ...process.env,
    DATABASE_URL: server.url,
    HASHFORGE_FLEET_CONCURRENCY: String(o.run.concurrency),
  };
  const ctx = assembleContext(readConfig(env), {
    db: server.db,
    log: pino({ level: 'silent' }),
    projections: await loadProjections(modules),
    tables: tableCatalog(modules),
  });
  const runName = `scale${process.pid}`;
  const names: string[] = [];
  const agents: BenchAgent[] = [];
  try {
    const t = performance.now();
    await register(ctx, o);
    process.stdout.write(`registered in ${round((performance.now() - t) / 1000, 1)} s\n`);
    const central = await centralSweep(ctx, o);
    const run = { ...o.run, databaseUrl: server.url };
    const steps: Step[] = [];
    for (let n = 1; n <= 3; n++) {
      while (agents.length < n) {
        const name = `${runName}-a${agents.length + 1}`;
        names.push(name);
        agents.push(await startAgent(name, run));
      }
      const step = await measureStep(ctx, o, runName, agents);
      printStep(step, steps[0], central.cpuPerPoll);
      steps.push(step);
    }
    const takeOver = await killOne(ctx, o, agents);
    // CPU a poll and a reading from the step that made the most polls: the least start-up in it.
    const busiest = steps.reduce((a, b) => (b.pollsPerSecond > a.pollsPerSecond ? b : a));
    for (const line of sizing({
      onePollsPerSecond: steps[0]!.pollsPerSecond,
      agentCpuPerPoll: busiest.agentCpuPerPoll,
      centralCpuPerPoll: central.cpuPerPoll,
      natsCpuPerPoll: busiest.natsCpuPerPoll,
      databaseCpuPerReading: busiest.databaseCpuPerReading,
      takeOverSeconds: takeOver,
    }))
      process.stdout.write(`${line}\n`);
    process.stdout.write(`${baseline()}\n`);
  } finally {
    for (const a of agents) await stopAgent(a);
    await removeSpools(names).catch((error: unknown) =>
      process.stderr.write(`spools left: ${String(error)}\n`),
    );
    await server.db.destroy();
    await server.drop();
    await stop(fleet.child);
  }
}
