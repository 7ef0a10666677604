/**
 * `npm run bench -- fleet --hostile`: can miners that misbehave on purpose stall or fool the
 * poller? Two fleets of the same size in one run, each polled by a fresh poller process: all
 * healthy, then with 5% of each hostile kind (simulator-hostile.ts: silent, one byte a second,
 * 50 MB flood, invalid JSON, reset mid-answer, no close, deeply nested, absurd hashrate), which
 * answer the scan truly and turn on the first poll. Prints the sweep time ratio, sweep for sweep
 * (target ≤ 1.3), healthy polls failed (target 0), hostile miners with the status they should
 * have, and the pollers' peak RSS (target ≤ 512 MB), with the loopback floor and the load average.
 *
 *   npm run bench -- fleet --hostile [--count 10000] [--sweeps 3] [--concurrency 200]
 *     [--kinds silent,flood]   (only these kinds hostile, 5% of each: which kind costs the sweep its time)
 *     [--healthy-base 127.100.0.1] [--hostile-base 127.120.0.1] [--floor-base 127.110.0.1]   (other loopback ranges, for a machine another run shares)
 *     [--timeline]   (per sweep and kind of miner: when its polls ended, in which lane; the lanes' use each second)
 */
import { parseArgs } from 'node:util';
import { EXPECTED_STATUS, type HostileFault } from '../../src/fleet/protocol/simulator-hostile.js';
import { HOSTILE_FAULTS } from '../../src/fleet/protocol/simulator-models.js';
import { describeFloor, FLOOR_BASE, measureFloor } from './floor.js';
import { describeMemory } from './memory.js';
import type { Fleet, PollerRun, SizeResult } from './run.js';
import { describeTimeline } from './timeline.js';

const TARGET = { ratio: 1.3, healthyFailed: 0, rssMb: 512 };
const HEALTHY_BASE = '127.100.0.1';
const HOSTILE_BASE = '127.120.0.1';

/** What run.ts lends: it owns the simulator and poller processes (passed in, so no import cycle). */
export interface BenchParts {
  startFleet(count: number, o?: { base?: string; args?: string[] }): Promise<Fleet>;
  stop(child: Fleet['child']): Promise<void>;
  pollerProcess(run: PollerRun): Promise<SizeResult>;
  loadAverage(): string;
}

export async function hostileMain(argv: string[], parts: BenchParts): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string', default: '10000' },
      sweeps: { type: 'string', default: '3' },
      concurrency: { type: 'string', default: '200' },
      'healthy-base': { type: 'string', default: HEALTHY_BASE },
      'hostile-base': { type: 'string', default: HOSTILE_BASE },
      'floor-base': { type: 'string', default: FLOOR_BASE },
      /** Per sweep and kind of miner: when its polls started and ended, in which lane, and the lanes' use each second. */
      timeline: { type: 'boolean', default: false },
      kinds: { type: 'string', default: HOSTILE_FAULTS.join(',') },
      /** Write the pollers' V8 heap snapshots here, after the scan and each sweep (their RSS then counts the snapshots' own cost). */
      'heap-snapshot': { type: 'string' },
    },
    strict: false,
  });
  const count = Number(values.count);
  const sweeps = Number(values.sweeps);
  const concurrency = Number(values.concurrency);
  const timeline = values.timeline === true;
  const heapSnapshotDir = typeof values['heap-snapshot'] === 'string' ? values['heap-snapshot'] : undefined;
  const kinds = hostileKinds(String(values.kinds));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  out(
    `hostile miners: ${count.toLocaleString('en-US')} healthy, then ${count.toLocaleString('en-US')} with 5% of each of ${kinds.length} kinds (${kinds.join(', ')}); ` +
      `poller read deadline ${process.env.HASHFORGE_FLEET_READ_TIMEOUT_MS ?? 5000} ms, connect ${process.env.HASHFORGE_FLEET_CONNECT_TIMEOUT_MS ?? 2000} ms`,
  );

  const healthy = await pollFleet(parts, count, String(values['healthy-base']), [], {
    count,
    sweeps,
    concurrency,
    timeline,
    ...(heapSnapshotDir ? { heapSnapshotDir } : {}),
  });
  const hostile = await pollFleet(
    parts,
    count,
    String(values['hostile-base']),
    ['--fault-rate', String(0.05 * kinds.length), '--faults', kinds.join(','), '--hostile-after', '1'],
    { count, sweeps, concurrency, timeline, report: true, ...(heapSnapshotDir ? { heapSnapshotDir } : {}) },
  );

  const healthySeconds = median(healthy.result.sweeps.map((s) => s.seconds));
  out(
    `  all healthy: sweeps ${healthy.result.sweeps.map((s) => `${s.seconds.toFixed(2)} s`).join(', ')} (median ${healthySeconds.toFixed(2)} s), ` +
      `${healthy.result.sweeps.reduce((n, s) => n + s.failed, 0)} polls failed, poller peak RSS ${healthy.result.peakRssMb} MB`,
  );
  const faulty = hostile.fleet.faulty;
  // Sweep i with hostile miners beside sweep i all healthy: each fleet's poller starts cold (its
  // first sweep runs the decoders before V8 has optimised them and learns its miners' answer
  // times), so beside the healthy median a first sweep would count that warm-up as hostility.
  const ratios = hostile.result.sweeps.map((s, i) => s.seconds / healthy.result.sweeps[i]!.seconds);
  out(
    `  with hostile miners: sweeps ${hostile.result.sweeps.map((s, i) => `${s.seconds.toFixed(2)} s (×${ratios[i]!.toFixed(2)} of the same sweep all healthy, ×${(s.seconds / healthySeconds).toFixed(2)} of their median)`).join(', ')}; ` +
      `target ×${TARGET.ratio} sweep for sweep: ${ratios.filter((r) => r <= TARGET.ratio).length} of ${ratios.length} sweeps within it`,
  );
  out(
    `  polls carried past each hostile sweep's end (silent, trickling, slow: asked to their own deadlines, their readings the sweep's): ${hostile.result.sweeps
      .map((s) => `${s.carried}, written ${s.carriedSeconds.toFixed(2)} s after it`)
      .join('; ')} (the bench waits for them before the next sweep, as the poll interval would)`,
  );
  // On a machine others load, the poller's thread waits for a core for most of a sweep, and that
  // wait follows their load from one sweep to the next: the same ratio without it is the poller's
  // own. (It also leaves out the wait the simulator's own extra work for hostile miners causes on
  // the shared cores, which real miners would not.)
  const ownSeconds = (r: SizeResult) => r.sweeps.map((s) => s.seconds - s.pollerWaitedForCpuSeconds);
  const healthyOwn = median(ownSeconds(healthy.result));
  out(
    `  the same less the time the poller's thread waited for a core: all healthy ${ownSeconds(healthy.result)
      .map((s) => `${s.toFixed(2)} s`)
      .join(', ')} (median ${healthyOwn.toFixed(2)} s); with hostile miners ${ownSeconds(hostile.result)
      .map(
        (s, i) =>
          `${s.toFixed(2)} s (×${(s / ownSeconds(healthy.result)[i]!).toFixed(2)}, ×${(s / healthyOwn).toFixed(2)} of the median)`,
      )
      .join(', ')}`,
  );
  for (const [name, run] of [
    ['all healthy', healthy],
    ['with hostile miners', hostile],
  ] as const) {
    out(`  CPU per sweep, ${name}: ${describeCpu(run.result)}`);
  }
  const healthyFailures = (hostile.result.failedBySweep ?? []).map((failed) =>
    failed.filter((f) => !(f.address in faulty)),
  );
  const healthyFailed = healthyFailures.map((failed) => failed.length);
  out(
    `  healthy polls failed beside them: ${healthyFailed.join(', ')} per sweep (target ${TARGET.healthyFailed}: ${healthyFailed.every((n) => n === 0) ? 'met' : 'MISSED'})`,
  );
  healthyFailures.forEach((failed, i) => {
    if (failed.length > 0) out(`    sweep ${i + 1}: ${describeReasons(failed.map((f) => f.failure))}`);
  });
  const statuses = hostile.result.statuses ?? {};
  const byKind = kinds.map((kind) => {
    const miners = Object.entries(faulty).filter(([, f]) => f === kind);
    const right = miners.filter(([a]) => statuses[a] === EXPECTED_STATUS[kind]).length;
    const seen = [...new Set(miners.map(([a]) => statuses[a]))].join('/');
    return { kind, right, total: miners.length, seen };
  });
  const right = byKind.reduce((n, k) => n + k.right, 0);
  const total = byKind.reduce((n, k) => n + k.total, 0);
  out(`  hostile miners with the right status after ${sweeps} sweeps: ${right} of ${total}`);
  for (const k of byKind) {
    out(`    ${k.kind.padEnd(16)} ${k.right}/${k.total} ${EXPECTED_STATUS[k.kind]} (seen: ${k.seen})`);
  }
  out(
    `  database: ${hostile.result.database}\n  poller peak RSS with hostile miners ${hostile.result.peakRssMb} MB (target ${TARGET.rssMb} MB: ${hostile.result.peakRssMb <= TARGET.rssMb ? 'within' : 'OVER'}); ` +
      `measured total ${hostile.measuredThs}`,
  );
  out(
    `  the poller's memory, all healthy:\n${describeMemory(healthy.result.memory, healthy.result.databaseCreationRssMb)}`,
  );
  out(
    `  the poller's memory, with hostile miners:\n${describeMemory(hostile.result.memory, hostile.result.databaseCreationRssMb)}`,
  );
  const kindOf = (address: string) => faulty[address] ?? 'healthy';
  for (const [name, run] of [
    ['all healthy', healthy],
    ['with hostile miners', hostile],
  ] as const) {
    run.result.timelines?.forEach((t, i) => {
      out(`  timeline, ${name}, sweep ${i + 1}:\n${describeTimeline(t, kindOf)}`);
    });
  }
  out(describeFloor(await measureFloor(count, concurrency, String(values['floor-base']))));
  out(`  load average ${parts.loadAverage()}`);
}

async function pollFleet(
  parts: BenchParts,
  count: number,
  base: string,
  args: string[],
  run: Omit<PollerRun, 'simulatorPid' | 'base'>,
): Promise<{ fleet: Fleet; result: SizeResult; measuredThs: string }> {
  process.stderr.write(`fleet bench: starting ${count} simulated miners at ${base}\n`);
  const fleet = await parts.startFleet(count, { base, args });
  try {
    process.stderr.write(`  simulator ready (faults: ${JSON.stringify(fleet.faults)})\n`);
    const result = await parts.pollerProcess({ ...run, base, simulatorPid: fleet.child.pid! });
    return { fleet, result, measuredThs: `${result.measuredThs ?? '?'} TH/s` };
  } finally {
    await parts.stop(fleet.child);
  }
}

/** `--kinds`: hostile kinds by name, each known. */
function hostileKinds(list: string): HostileFault[] {
  const kinds = list.split(',').filter((k) => k !== '');
  const unknown = kinds.filter((k) => !(HOSTILE_FAULTS as readonly string[]).includes(k));
  if (kinds.length === 0 || unknown.length > 0) {
    throw new Error(
      `--kinds: ${unknown.join(', ') || 'none given'}; known kinds: ${HOSTILE_FAULTS.join(', ')}`,
    );
  }
  return kinds as HostileFault[];
}

/**
 * Each sweep's CPU: the poller's (one thread does nearly all of it) and the simulated fleet's beside
 * it; and how the poller's thread spent the sweep's wall time off a core: waiting for one (the
 * machine's load) or asleep (waiting on its miners: what hostile miners can add).
 */
function describeCpu(r: SizeResult): string {
  return r.sweeps
    .map(
      (s) =>
        `poller ${s.pollerCpuSeconds} s (its thread waited for a core ${s.pollerWaitedForCpuSeconds} s, slept ${s.pollerAsleepSeconds} s), simulator ${s.simulatorCpuSeconds} s`,
    )
    .join('; ');
}

/** Failure messages grouped by their words, addresses and figures left out: `12 × No complete reply …`. */
export function describeReasons(messages: string[]): string {
  const counts = new Map<string, number>();
  for (const m of messages) {
    const shape = m.replace(/\d+(\.\d+)*(:\d+)?/g, '#');
    counts.set(shape, (counts.get(shape) ?? 0) + 1);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([shape, n]) => `${n} × ${shape}`)
    .join('; ');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
