/**
 * What the simulated fleet costs per answered poll, against the floor's bare listeners (floor.ts),
 * without the poller or a database: both answer `count` round trips of the sweep's request a
 * round, and each one's process tree's CPU is read from /proc around the round. The round trips
 * go to them in turn (one to the simulator, one to the listeners, …), so that both are measured
 * under the same load: on a machine others load, CPU per answer moves with the load by 2–3×, and
 * only figures taken side by side compare. `--compare DIR` adds another checkout's simulator
 * (e.g. main's worktree) to the rotation, to compare two versions the same way.
 *
 *   npx tsx bench/fleet/simulator-cpu.ts [--count 15000] [--rounds 3] [--base 127.120.0.1]
 *     [--floor-base 127.130.0.1] [--compare ../main --compare-base 127.140.0.1] [--fault-rate 0.02]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { jsonRequest } from '../../src/fleet/protocol/codec.js';
import { maxMinersPerProcess } from '../../src/fleet/protocol/simulator.js';
import { POLL_COMMANDS } from '../../src/fleet/sweep.js';
import { roundTrip } from './floor.js';
import { treeCpuSeconds } from './proc-cpu.js';
import { startFleet, stop } from './run.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '15000' },
    rounds: { type: 'string', default: '3' },
    base: { type: 'string', default: '127.120.0.1' },
    'floor-base': { type: 'string', default: '127.130.0.1' },
    compare: { type: 'string' },
    'compare-base': { type: 'string', default: '127.140.0.1' },
    'fault-rate': { type: 'string', default: '0.02' },
    concurrency: { type: 'string', default: '500' },
  },
});
const count = Number(values.count);
const request = jsonRequest(POLL_COMMANDS);

interface Target {
  name: string;
  first: number;
  processes: ChildProcess[];
  /** CPU seconds so far, and answers in the current round. */
  cpu: () => number;
  answered: number;
}

/** The floor's listeners, as floor.ts forks them, ready to answer. */
async function startListeners(base: string): Promise<ChildProcess[]> {
  const first = ipToNumber(base);
  const per = maxMinersPerProcess();
  const floor = fileURLToPath(new URL('./floor.ts', import.meta.url));
  const listeners = Array.from({ length: Math.ceil(count / per) }, (_, k) =>
    fork(floor, ['--serve', String(first + k * per), String(Math.min(per, count - k * per))], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await Promise.all(listeners.map((l) => new Promise((ready) => l.once('message', ready))));
  return listeners;
}

const target = (name: string, base: string, processes: ChildProcess[]): Target => ({
  name,
  first: ipToNumber(base),
  processes,
  cpu: () => processes.reduce((s, p) => s + treeCpuSeconds(p.pid!), 0),
  answered: 0,
});

const simulatorArgs = { args: ['--fault-rate', values['fault-rate']] };
const targets: Target[] = [];
try {
  const fleet = await startFleet(count, { base: values.base, ...simulatorArgs });
  targets.push(target('simulator', values.base, [fleet.child]));
  if (values.compare !== undefined) {
    const simulator = join(resolve(values.compare), 'src/fleet/protocol/simulator-main.ts');
    const other = await startFleet(count, { base: values['compare-base'], simulator, ...simulatorArgs });
    targets.push(target(`simulator of ${values.compare}`, values['compare-base'], [other.child]));
  }
  targets.push(target('floor listeners', values['floor-base'], await startListeners(values['floor-base'])));

  for (let round = 1; round <= Number(values.rounds); round++) {
    const before = targets.map((t) => t.cpu());
    for (const t of targets) t.answered = 0;
    let next = 0;
    const total = count * targets.length;
    await Promise.all(
      Array.from({ length: Number(values.concurrency) }, async () => {
        while (next < total) {
          const i = next++;
          const t = targets[i % targets.length]!;
          if ((await roundTrip(numberToIp(t.first + Math.floor(i / targets.length)), request)) > 0)
            t.answered++;
        }
      }),
    );
    const spent = targets.map((t, k) => t.cpu() - before[k]!);
    const load = loadavg()[0]!.toFixed(1);
    console.log(
      `round ${round} (load ${load}): ${targets
        .map((t, k) => `${t.name} ${((spent[k]! / t.answered) * 1e6).toFixed(0)} µs`)
        .join(
          ', ',
        )} CPU per answer; simulator/floor ${(spent[0]! / targets[0]!.answered / (spent.at(-1)! / targets.at(-1)!.answered)).toFixed(2)}`,
    );
  }
} finally {
  for (const t of targets) {
    if (t.name === 'floor listeners') for (const p of t.processes) p.kill('SIGTERM');
    else await stop(t.processes[0]!);
  }
}
