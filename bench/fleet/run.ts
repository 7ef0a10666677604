/**
 * Fleet polling at scale: the simulator in its own process(es), the poller in another (running the
 * code compiled as `hashforge` ships it: compiled.ts), a fresh
 * database (PGlite in memory, or a new schema on DATABASE_URL's PostgreSQL). For each fleet size:
 * scan and register every miner, then several full sweeps storing their results; prints sweep
 * seconds, polls/s, p50/p99 latency, failed polls, the poller's peak RSS and rows written/s, and
 * checks by counting rows that no poll was lost or counted twice. Then prints the loopback floor
 * (floor.ts): the same number of bare TCP round trips, the most any sweep could do on these cores.
 * Target: 50,000 miners in ≤ 10 s a sweep and ≤ 1.6× the floor, with ≤ 400 MB RSS. On a machine
 * other sessions load, the wall times follow their load more than ours: the poller's CPU per poll
 * against the floor client's is printed beside the ratio of the times, and moves much less.
 *
 *   npx tsx bench/fleet/run.ts [--sizes 10000,50000] [--sweeps 3] [--concurrency 500] [--cpu-prof DIR]
 *     [--base 127.100.0.1] [--floor-base 127.110.0.1]   (other loopback ranges, for a machine another run shares)
 */

import { type ChildProcess, fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { loadavg, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import type { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pino from 'pino';
import { readConfig } from '../../src/app/config.js';
import type { AppContext } from '../../src/app/context.js';
import { assembleContext, loadProjections, newMinerClient } from '../../src/app/root.js';
import { openDatabase } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { carriedPollsWritten } from '../../src/fleet/carried.js';
import { scanRange } from '../../src/fleet/discovery.js';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { readFleetSettings } from '../../src/fleet/settings.js';
import { sweepFleet } from '../../src/fleet/sweep.js';
import { systemClock } from '../../src/kernel/clock.js';
import { tableCatalog } from '../../src/ledger/tables.js';
import { addTestSite } from '../../src/mining/test-fixtures.js';
import { modules } from '../../src/modules.js';
import { testApp } from '../../src/testing/index.js';
import { compiledBench } from './compiled.js';
import { describeFloor, FLOOR_BASE, type Floor, measureFloor } from './floor.js';
import { describeReasons, hostileMain } from './hostile.js';
import { describeMemory, MemoryWatch, type PhaseMemory } from './memory.js';
import { commandCpuSeconds, mainThreadSchedule, treeCpuSeconds } from './proc-cpu.js';
import { recordPolls, type SweepTimeline } from './timeline.js';

/** Issue 18: 50,000 miners within 1.6× the loopback floor (and 10 s), in 400 MB. */
const TARGET = { machines: 50_000, seconds: 10, floorRatio: 1.6, rssMb: 400 };
const BASE = '127.100.0.1';
const SIMULATOR = fileURLToPath(new URL('../../src/fleet/protocol/simulator-main.ts', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

interface SweepFigures {
  seconds: number;
  pollsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  rowsWritten: number;
  rowsPerSecond: number;
  /** CPU the poller used in the sweep (user + system), seconds: what one core must afford. */
  pollerCpuSeconds: number;
  /** CPU the simulated fleet's processes used meanwhile: they share the poller's two cores. */
  simulatorCpuSeconds: number;
  /**
   * The poller's main thread in the sweep: seconds runnable but waiting for a core (other
   * processes' load), and seconds asleep (waiting on sockets, timers or slots: the sweep's own).
   */
  pollerWaitedForCpuSeconds: number;
  pollerAsleepSeconds: number;
  /** CPU the PostgreSQL server used meanwhile; undefined on PGlite, which runs inside the poller. */
  postgresCpuSeconds?: number;
  /**
   * Polls still waiting on their miners at the sweep's end, carried past it (src/fleet/carried.ts),
   * and how long after the end their readings were all written: the bench waits for them before
   * the next sweep, as the poll interval would, outside both sweeps' times.
   */
  carried: number;
  carriedSeconds: number;
}

export interface SizeResult {
  machines: number;
  /** The last sweep's measured fleet total, TH/s. */
  measuredThs?: number;
  /** With `report`: each machine's status after the last sweep, by address. */
  statuses?: Record<string, string>;
  /** With `report`: per sweep, the addresses whose poll failed and why. */
  failedBySweep?: { address: string; failure: string }[][];
  /** With `timeline`: per sweep, every poll's span and the lanes' occupancy (timeline.ts). */
  timelines?: SweepTimeline[];
  database: string;
  scanSeconds: number;
  scanStages: { probe: number; identify: number; register: number };
  registered: number;
  sweeps: SweepFigures[];
  peakRssMb: number;
  /** Peak RSS of the process that created the embedded database beforehand (initdb, migrations). */
  databaseCreationRssMb?: number;
  /** The poller's memory per phase (bench/fleet/memory.ts). */
  memory: PhaseMemory[];
  /** Polls counted in the 5-minute series, against machines × sweeps. */
  pollsStored: number;
  pollsExpected: number;
  statesUpToDate: number;
}

/** Node as bin/hashforge.js starts it: with V8's defaults (its comment says why). */
const tsxArgv = () =>
  process.execArgv.some((a) => a.includes('tsx'))
    ? process.execArgv
    : ['--import', import.meta.resolve('tsx')];

export interface Fleet {
  child: ChildProcess;
  faults: Record<string, number>;
  /** Address (host) → fault of every faulty miner. */
  faulty: Record<string, string>;
}

/**
 * Starts the simulator (it spreads itself over processes as the open-file limit needs): by default
 * 2% of its miners with the ordinary faults; `args` replaces those flags; `simulator` runs another
 * checkout's simulator-main.ts (simulator-cpu.ts compares two).
 */
export async function startFleet(
  count: number,
  {
    base = BASE,
    args = ['--fault-rate', '0.02'],
    simulator = SIMULATOR,
  }: { base?: string; args?: string[]; simulator?: string } = {},
): Promise<Fleet> {
  const child = fork(
    simulator,
    ['--count', String(count), '--base', base, '--seed', 'bench', '--slow-ms', '2000', '--json', ...args],
    { execArgv: tsxArgv(), stdio: ['ignore', 'pipe', 'pipe', 'ipc'] },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const ready = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      // Only a whole line: with thousands of faulty miners listed it spans many chunks.
      const line = out
        .split('\n')
        .slice(0, -1)
        .find((l) => l.startsWith('{'));
      if (line) resolve(line);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}): ${err.slice(-2000)}`)));
  });
  try {
    const parsed = JSON.parse(ready) as { faults: Record<string, number>; faulty: Record<string, string> };
    const faulty = Object.fromEntries(Object.entries(parsed.faulty).map(([a, f]) => [a.split(':')[0]!, f]));
    return { child, faults: parsed.faults, faulty };
  } catch (error) {
    // Never leave a fleet of listeners behind a failed start: the next run could not bind.
    await stop(child);
    throw error;
  }
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/**
 * The database as `hashforge` would use it: DATABASE_URL's server (a fresh schema), or else the
 * embedded PGlite inside the poller's process, in a data directory created beforehand in its own
 * process (`createDataDir`), as `serve` finds it on every start but its first.
 */
async function openBenchDatabase(dataDir: string | undefined): Promise<{
  ctx: AppContext;
  pglite?: PGlite;
  close: () => Promise<void>;
}> {
  if (process.env.DATABASE_URL || dataDir === undefined) {
    const app = await testApp();
    return { ctx: { ...app, clock: systemClock }, close: () => app.close() };
  }
  const database = await openDatabase({ kind: 'embedded', dataDir });
  await migrate(database.db);
  const ctx: AppContext = assembleContext(readConfig(process.env), {
    db: database.db,
    log: pino({ level: 'silent' }),
    projections: await loadProjections(modules),
    tables: tableCatalog(modules),
  });
  return {
    ctx,
    ...(database.embedded ? { pglite: database.embedded.pglite } : {}),
    close: () => database.close(),
  };
}

/**
 * Creates and migrates an embedded data directory (`--prepare DIR`, in a process of its own): PGlite's
 * initdb is a one-off that peaks near 860 MB by itself, which is the database's first start and no
 * part of polling. Its peak RSS is returned so that the bench can print it beside the poller's.
 */
async function createDataDir(dataDir: string): Promise<number> {
  const database = await openDatabase({ kind: 'embedded', dataDir });
  await migrate(database.db);
  await database.close();
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** What the poller's process is asked to do; handed to it whole as one JSON argument. */
export interface PollerRun {
  count: number;
  base?: string;
  /** Also return each machine's status and each sweep's failed addresses. */
  report?: boolean;
  /** Also return each sweep's polls and lanes over time (timeline.ts). */
  timeline?: boolean;
  /** Write a V8 heap snapshot here after the scan and after each sweep (open it in Chrome DevTools). */
  heapSnapshotDir?: string;
  sweeps: number;
  concurrency: number;
  simulatorPid: number;
  profileDir?: string | undefined;
  /** The embedded database's data directory, created beforehand; absent with DATABASE_URL. */
  dataDir?: string;
}

/** The poller's side, in its own process so that its peak RSS is its own. */
async function runPoller({
  count,
  base = BASE,
  report = false,
  timeline = false,
  heapSnapshotDir,
  sweeps,
  concurrency,
  simulatorPid,
  profileDir,
  dataDir,
}: PollerRun): Promise<SizeResult> {
  const app = await openBenchDatabase(dataDir);
  const { ctx } = app;
  const memory = new MemoryWatch(app.pglite);
  memory.phase('start');
  const actor = { id: 'bench', role: 'admin' } as const;
  const client = newMinerClient({ ...readFleetSettings(process.env), concurrency });
  try {
    const last = numberToIp(ipToNumber(base) + count - 1);
    await addTestSite(ctx, actor, 'BENCH');
    const started = performance.now();
    const scan = await scanRange(
      ctx,
      actor,
      { range: `${base}-${last}`, site: 'BENCH', port: 4028, concurrency },
      { client },
    );
    const scanSeconds = (performance.now() - started) / 1000;
    memory.phase('scan');
    const snapshot = (phase: string) => {
      if (heapSnapshotDir) writeHeapSnapshot(join(heapSnapshotDir, `poller-${base}-${phase}.heapsnapshot`));
    };
    snapshot('scan');

    const figures: SweepFigures[] = [];
    let measuredThs = 0;
    const failedBySweep: { address: string; failure: string }[][] = [];
    const recorder = timeline ? recordPolls(client) : undefined;
    const timelines: SweepTimeline[] = [];
    let lastAt = new Date(0);
    for (let i = 0; i < sweeps; i++) {
      const latencies: number[] = [];
      const others = () => ({
        simulator: treeCpuSeconds(simulatorPid),
        postgres: commandCpuSeconds('postgres'),
      });
      const before = others();
      const profiler = profileDir ? await startProfile() : undefined;
      const cpu = process.cpuUsage();
      const schedule = mainThreadSchedule();
      recorder?.start();
      const r = await sweepFleet(ctx, actor, { client, concurrency, latencies });
      if (recorder) timelines.push(recorder.stop());
      const used = process.cpuUsage(cpu);
      const scheduled = mainThreadSchedule();
      const onCpu = scheduled.onCpuSeconds - schedule.onCpuSeconds;
      const waitedForCpu = scheduled.waitedSeconds - schedule.waitedSeconds;
      if (profiler) await stopProfile(profiler, join(profileDir!, `sweep-${count}-${i + 1}.cpuprofile`));
      const after = others();
      const tail = performance.now();
      await carriedPollsWritten(client);
      const carriedSeconds = round2((performance.now() - tail) / 1000);
      memory.phase(`sweep ${i + 1}`);
      snapshot(`sweep-${i + 1}`);
      lastAt = r.startedAt;
      measuredThs = r.measuredThs;
      figures.push({
        seconds: r.seconds,
        pollsPerSecond: Math.round(r.machines / r.seconds),
        p50Ms: r.latencyMs.p50,
        p99Ms: r.latencyMs.p99,
        failed: r.failed,
        rowsWritten: r.rowsWritten,
        rowsPerSecond: Math.round(r.rowsWritten / r.seconds),
        pollerCpuSeconds: Math.round((used.user + used.system) / 1e4) / 100,
        simulatorCpuSeconds: round2(after.simulator - before.simulator),
        pollerWaitedForCpuSeconds: round2(waitedForCpu),
        pollerAsleepSeconds: round2(Math.max(0, r.seconds - onCpu - waitedForCpu)),
        ...(process.env.DATABASE_URL ? { postgresCpuSeconds: round2(after.postgres - before.postgres) } : {}),
        carried: r.carried,
        carriedSeconds,
      });
      process.stderr.write(
        `  ${count}: sweep ${i + 1} ${r.seconds} s, ${r.answered} answered, ${r.failed} failed ${JSON.stringify(r.failures)}, ${r.carried} carried past its end (written ${carriedSeconds} s after it), ${r.notAsked} not asked\n`,
      );
      if (report) {
        const failed = await sql<{ address: string; failure: string }>`
          select m.address, coalesce(s.last_failure, '') as failure from fleet_machine_state s join fleet_machines m on m.id = s.machine_id
          where s.last_sweep = ${BigInt(r.sweep)} and s.consecutive_failures > 0`.execute(ctx.db);
        failedBySweep.push(failed.rows);
      }
    }
    const statuses = report
      ? Object.fromEntries(
          (
            await sql<{
              address: string;
              status: string;
            }>`select address, status from fleet_machines`.execute(ctx.db)
          ).rows.map((row) => [row.address, row.status]),
        )
      : undefined;
    const counted = await sql<{ polls: bigint; states: bigint }>`
      select (select coalesce(sum(polls), 0)::int8 from fleet_telemetry) as polls,
             (select count(*)::int8 from fleet_machine_state where last_polled_at = ${lastAt}) as states`.execute(
      ctx.db,
    );
    return {
      machines: count,
      database: process.env.DATABASE_URL
        ? 'PostgreSQL (DATABASE_URL), in its own processes'
        : 'embedded PGlite (data directory on disk, created beforehand in its own process) in the poller process',
      scanSeconds: Math.round(scanSeconds * 10) / 10,
      scanStages: scan.stageSeconds,
      registered: scan.registered.length,
      sweeps: figures,
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      memory: memory.phases,
      pollsStored: Number(counted.rows[0]!.polls),
      pollsExpected: scan.registered.length * sweeps,
      statesUpToDate: Number(counted.rows[0]!.states),
      measuredThs,
      ...(report ? { statuses, failedBySweep } : {}),
      ...(timeline ? { timelines } : {}),
    };
  } finally {
    memory.stop();
    await app.close();
  }
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Profiles the poller's main thread through one sweep only (the scan would swamp it otherwise). */
async function startProfile(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}

async function stopProfile(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(profile));
  session.disconnect();
}

export async function pollerProcess(run: PollerRun): Promise<SizeResult> {
  if (process.env.DATABASE_URL) return runChild<SizeResult>(['--poller', JSON.stringify(run)]);
  const dataDir = await mkdtemp(join(tmpdir(), 'hashforge-fleet-bench-'));
  try {
    const databaseCreationRssMb = await runChild<number>(['--prepare', dataDir]);
    const result = await runChild<SizeResult>(['--poller', JSON.stringify({ ...run, dataDir })]);
    return { ...result, databaseCreationRssMb };
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/**
 * This file in a process of its own, compiled as `hashforge` ships (compiled.ts): the poller's CPU
 * as it would be in production. Resolves with the one message it sends back.
 */
async function runChild<T>(args: string[]): Promise<T> {
  const self = join(await compiledBench(), basename(SELF).replace(/\.ts$/, '.js'));
  const child = fork(self, args, { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as T));
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`the bench's ${args[0]} process exited with code ${code}`));
    });
  });
}

function print(r: SizeResult): void {
  const rows = r.sweeps.map(
    (s, i) =>
      `  sweep ${i + 1}: ${s.seconds.toFixed(2)} s, ${s.pollsPerSecond} polls/s, p50 ${s.p50Ms} ms, p99 ${s.p99Ms} ms, ` +
      `${s.failed} failed, ${s.rowsWritten} rows (${s.rowsPerSecond}/s); poller's thread asleep ${s.pollerAsleepSeconds} s, ` +
      `waiting for a core ${s.pollerWaitedForCpuSeconds} s; CPU: poller ${s.pollerCpuSeconds} s, ` +
      `simulator ${s.simulatorCpuSeconds} s${s.postgresCpuSeconds === undefined ? '' : `, PostgreSQL ${s.postgresCpuSeconds} s`}`,
  );
  const lost = r.pollsStored - r.pollsExpected;
  // Every sweep is judged, the first included: it is the slowest, since each machine's first
  // status is recorded and no poll history yet says which machines to ask first.
  const within = r.sweeps.filter((s) => s.seconds <= TARGET.seconds).length;
  const meets =
    r.machines >= TARGET.machines
      ? ` target ${TARGET.seconds} s: ${within} of ${r.sweeps.length} sweeps within it; ${TARGET.rssMb} MB: ${r.peakRssMb <= TARGET.rssMb ? 'within' : 'OVER'}`
      : '';
  process.stdout.write(
    [
      `${r.machines.toLocaleString('en-US')} miners, the poller compiled as shipped (dist/, node without tsx), ${r.database}: scan + register ${r.scanSeconds} s (probe ${r.scanStages.probe} s, identify ${r.scanStages.identify} s, register ${r.scanStages.register} s; ${r.registered} registered)`,
      ...rows,
      `  poller peak RSS ${r.peakRssMb} MB; polls stored ${r.pollsStored} of ${r.pollsExpected} expected (${lost === 0 ? 'none lost or doubled' : `off by ${lost}`}), ` +
        `${r.statesUpToDate} machine states from the last sweep;${meets}`,
      describeMemory(r.memory, r.databaseCreationRssMb),
      `  load average ${loadAverage()}`,
      '',
    ].join('\n'),
  );
}

/** Each sweep against the floor: its time, and the poller's CPU per poll against the floor client's. */
function againstFloor(r: SizeResult, floor: Floor): string {
  const clientMs = (floor.clientCpuSeconds * 1000) / floor.count;
  const times = r.sweeps.map((s) => `×${(s.seconds / floor.seconds).toFixed(2)}`).join(', ');
  const perPoll = r.sweeps.map((s) => ((s.pollerCpuSeconds * 1000) / r.registered).toFixed(3)).join(', ');
  const within = r.sweeps.filter((s) => s.seconds <= floor.seconds * TARGET.floorRatio).length;
  return (
    `  against the floor: sweeps ${times} (target ≤ ${TARGET.floorRatio}: ${within} of ${r.sweeps.length} within it); ` +
    `poller CPU ${perPoll} ms a poll against the floor client's ${clientMs.toFixed(3)} ms`
  );
}

/**
 * Each sweep's failed polls by the fault the simulator gave their miner: the ordinary faults it
 * injects (2% of the fleet: `slow` answers after 2 s, past a learned wait; `malformed` cuts every
 * third answer short) fail polls by design, and are not to be taken for healthy miners failing.
 * Healthy miners' failures are listed by reason: on a loaded machine, mostly a starved simulator.
 */
function failuresByFault(r: SizeResult, faulty: Record<string, string>): string[] {
  return (r.failedBySweep ?? []).map((failed, i) => {
    const byFault = new Map<string, number>();
    for (const f of failed) {
      const fault = faulty[f.address] ?? 'healthy';
      byFault.set(fault, (byFault.get(fault) ?? 0) + 1);
    }
    const healthy = failed.filter((f) => !(f.address in faulty)).map((f) => f.failure);
    const counts = [...byFault].map(([fault, n]) => `${fault} ${n}`).join(', ');
    return (
      `  sweep ${i + 1}'s failed polls by the simulated fault: ${counts || 'none'}` +
      (healthy.length > 0 ? `; the healthy ones': ${describeReasons(healthy)}` : '')
    );
  });
}

export const loadAverage = () =>
  loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');

export async function main(argv: string[] = process.argv.slice(2)): Promise<SizeResult[]> {
  if (argv.includes('--hostile')) {
    await hostileMain(
      argv.filter((a) => a !== '--hostile'),
      { startFleet, stop, pollerProcess, loadAverage },
    );
    return [];
  }
  const { values } = parseArgs({
    args: argv,
    options: {
      sizes: { type: 'string', default: '10000,50000' },
      sweeps: { type: 'string', default: '3' },
      // Loopback answers in microseconds: 200 in flight keep both cores busy. More only queue in
      // the poller, where every poll waiting outlives a young-generation collection or two, and
      // the garbage collector's copying then costs more than the polls (500: 12 s a sweep; 100
      // leaves the poller idle). The production default of 2000 is sized for real networks'
      // round trips and for miners that take a second to answer.
      concurrency: { type: 'string', default: '200' },
      poller: { type: 'string' },
      prepare: { type: 'string' },
      /** Where to write a V8 CPU profile of each sweep's poller (open it in Chrome DevTools), to find what a poll costs. */
      'cpu-prof': { type: 'string' },
      base: { type: 'string', default: BASE },
      'floor-base': { type: 'string', default: FLOOR_BASE },
    },
  });
  const sweeps = Number(values.sweeps);
  const concurrency = Number(values.concurrency);
  const reply = (message: unknown) =>
    new Promise<void>((resolve) => (process.send ? process.send(message, () => resolve()) : resolve()));
  if (values.prepare) {
    await reply(await createDataDir(values.prepare));
    return [];
  }
  if (values.poller) {
    const result = await runPoller(JSON.parse(values.poller) as PollerRun);
    await reply(result);
    return [result];
  }
  const results: SizeResult[] = [];
  for (const size of values.sizes.split(',').map(Number)) {
    process.stderr.write(`fleet bench: starting ${size} simulated miners\n`);
    const fleet = await startFleet(size, { base: values.base });
    let r: SizeResult;
    try {
      process.stderr.write(`  simulator ready (faults: ${JSON.stringify(fleet.faults)})\n`);
      r = await pollerProcess({
        count: size,
        base: values.base,
        sweeps,
        concurrency,
        simulatorPid: fleet.child.pid!,
        profileDir: values['cpu-prof'],
        report: true,
      });
      print(r);
      process.stdout.write(`${failuresByFault(r, fleet.faulty).join('\n')}\n`);
      results.push(r);
    } finally {
      await stop(fleet.child);
    }
    // With the simulator gone, so that the floor has both cores as the sweep had them.
    const floor = await measureFloor(size, concurrency, values['floor-base']);
    process.stdout.write(`${describeFloor(floor)}\n${againstFloor(r, floor)}\n`);
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
