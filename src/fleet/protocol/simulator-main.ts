/**
 * Run a simulated fleet until interrupted:
 *
 *   npx tsx src/fleet/protocol/simulator-main.ts --count 200 --base 127.91.0.1 --model A1246 \
 *     --fault-rate 0.05 --seed 1 [--port 4028 | --port-range 40000] [--allow W:127.0.0.0/8] [--json]
 *
 * A process may hold only as many listeners as it may open files, so a fleet larger than that is
 * spread over child processes (this same file with `--shard-offset`), each binding its slice of
 * the addresses; the seed decides every miner by its global index, so sharding changes nothing
 * a client can see. Progress goes to stderr, one "ready" line (or JSON with --json) to stdout.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError, invalid } from '../../kernel/errors.js';
import {
  ALL_FAULTS,
  type Fault,
  MODELS,
  type ModelCode,
  maxMinersPerProcess,
  type SimulatorOptions,
  startSimulator,
} from './simulator.js';

const USAGE = `Usage: simulator-main --count N [--base 127.91.0.1] [--port 4028 | --port-range START]
  [--model ${Object.keys(MODELS).join('|')}] [--fault-rate 0.05] [--faults ${ALL_FAULTS.join(',')}] [--hostile-after 1]
  [--seed 1] [--allow W:127.0.0.0/8] [--reboot-seconds 30] [--slow-ms 4000] [--per-process N] [--json]`;

interface Ready {
  type: 'ready';
  count: number;
  bindMs: number;
  faulty: Record<string, Fault>;
}
type ShardMessage = { type: 'progress'; bound: number } | Ready;

interface Parsed {
  options: Omit<SimulatorOptions, 'onProgress'>;
  json: boolean;
  perProcess: number;
  shardOffset?: number;
}

function parse(argv: string[]): Parsed {
  const { values } = parseArgs({
    args: argv,
    options: {
      count: { type: 'string' },
      base: { type: 'string', default: '127.91.0.1' },
      port: { type: 'string', default: '4028' },
      'port-range': { type: 'string' },
      model: { type: 'string', default: 'A1246' },
      'fault-rate': { type: 'string', default: '0' },
      faults: { type: 'string' },
      seed: { type: 'string', default: '1' },
      allow: { type: 'string', default: '127.0.0.0/8' },
      'reboot-seconds': { type: 'string', default: '30' },
      'slow-ms': { type: 'string', default: '4000' },
      'hostile-after': { type: 'string', default: '0' },
      'per-process': { type: 'string' },
      'shard-offset': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const number = (name: string, text: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER) => {
    const n = Number(text);
    if (text === undefined || !Number.isFinite(n) || n < min || n > max) {
      throw invalid(name, `--${name} must be a number from ${min} to ${max}, got "${text ?? ''}".\n${USAGE}`);
    }
    return n;
  };
  const model = values.model as ModelCode;
  if (!(model in MODELS)) throw invalid('model', `--model must be one of ${Object.keys(MODELS).join(', ')}.`);
  const faults = values.faults?.split(',').map((f) => f.trim()) as Fault[] | undefined;
  const unknown = faults?.filter((f) => !ALL_FAULTS.includes(f));
  if (unknown && unknown.length > 0)
    throw invalid('faults', `unknown fault(s) ${unknown.join(', ')}; known: ${ALL_FAULTS.join(', ')}.`);
  const options: Omit<SimulatorOptions, 'onProgress'> = {
    count: number('count', values.count, 1, 16_000_000),
    base: values.base,
    port: number('port', values.port, 1, 65535),
    model,
    faultRate: number('fault-rate', values['fault-rate'], 0, 1),
    seed: values.seed,
    writeAllow: values.allow,
    rebootSeconds: number('reboot-seconds', values['reboot-seconds'], 0),
    slowMs: number('slow-ms', values['slow-ms'], 0),
    hostileAfter: number('hostile-after', values['hostile-after'], 0),
  };
  if (faults) options.faults = faults;
  if (values['port-range'] !== undefined)
    options.portRange = number('port-range', values['port-range'], 1, 65535);
  const parsed: Parsed = {
    options,
    json: values.json,
    perProcess:
      values['per-process'] === undefined
        ? maxMinersPerProcess()
        : number('per-process', values['per-process'], 1),
  };
  if (values['shard-offset'] !== undefined)
    parsed.shardOffset = number('shard-offset', values['shard-offset'], 0);
  return parsed;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function progressPrinter(total: number, started: number) {
  let lastShown = 0;
  return (bound: number) => {
    if (bound - lastShown >= Math.max(1000, total / 20) || bound === total) {
      lastShown = bound;
      log(`bound ${bound}/${total} miners (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
  };
}

/** A child process: bind one slice, report progress and readiness over IPC, stop when told. */
async function runShard(parsed: Parsed): Promise<void> {
  const started = performance.now();
  const sim = await startSimulator({
    ...parsed.options,
    indexOffset: parsed.shardOffset,
    onProgress: (bound) => process.send?.({ type: 'progress', bound } satisfies ShardMessage),
  });
  const faulty = Object.fromEntries(sim.miners.filter((m) => m.fault).map((m) => [m.address, m.fault!]));
  process.send?.({
    type: 'ready',
    count: sim.miners.length,
    bindMs: performance.now() - started,
    faulty,
  } satisfies ShardMessage);
  const stop = () => void sim.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('disconnect', stop);
}

function childExecArgv(): string[] {
  // Compiled (dist/, as `hashforge` runs) a child runs as it is. From the TypeScript sources it
  // needs tsx, which a parent started through tsx's API has registered in-process, not in its flags.
  const compiled = !import.meta.url.endsWith('.ts');
  return compiled || process.execArgv.some((a) => a.includes('tsx'))
    ? process.execArgv
    : [...process.execArgv, '--import', import.meta.resolve('tsx')];
}

async function runSharded(
  parsed: Parsed,
  started: number,
  show: (bound: number) => void,
): Promise<{ ready: Ready; stop: () => void }> {
  const { count } = parsed.options;
  const shards = Math.ceil(count / parsed.perProcess);
  const size = Math.ceil(count / shards);
  log(`${count} miners need ${shards} processes (at most ${parsed.perProcess} listeners each)`);
  const children: ChildProcess[] = [];
  const bound = new Array<number>(shards).fill(0);
  const readies = await Promise.all(
    Array.from({ length: shards }, (_, s) => {
      const offset = s * size;
      const args = ['--count', String(Math.min(size, count - offset)), '--shard-offset', String(offset)];
      for (const [k, v] of Object.entries({
        base: parsed.options.base,
        port: parsed.options.port,
        'port-range': parsed.options.portRange,
        model: parsed.options.model,
        'fault-rate': parsed.options.faultRate,
        faults: parsed.options.faults?.join(','),
        seed: parsed.options.seed,
        allow: parsed.options.writeAllow,
        'reboot-seconds': parsed.options.rebootSeconds,
        'slow-ms': parsed.options.slowMs,
        'hostile-after': parsed.options.hostileAfter,
      })) {
        if (v !== undefined) args.push(`--${k}`, String(v));
      }
      const child = fork(fileURLToPath(import.meta.url), args, {
        execArgv: childExecArgv(),
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      return new Promise<Ready>((resolve, reject) => {
        child.on('message', (message: ShardMessage) => {
          if (message.type === 'progress') {
            bound[s] = message.bound;
            show(bound.reduce((a, b) => a + b, 0));
          } else resolve(message);
        });
        child.once('exit', (code) =>
          reject(
            new AppError(
              'unavailable',
              'fleet.simulator.shard',
              `Simulator process ${s + 1} of ${shards} exited (code ${code}) before it was ready.`,
            ),
          ),
        );
      });
    }),
  ).catch((error: unknown) => {
    for (const child of children) child.kill('SIGTERM');
    throw error;
  });
  const ready: Ready = {
    type: 'ready',
    count,
    bindMs: performance.now() - started,
    faulty: Object.assign({}, ...readies.map((r) => r.faulty)),
  };
  const stop = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  return { ready, stop };
}

/** Start the fleet described by `argv` and keep it running until SIGINT/SIGTERM. */
export async function runSimulatorCli(argv: string[]): Promise<void> {
  const parsed = parse(argv);
  if (parsed.shardOffset !== undefined) return runShard(parsed);
  const { count } = parsed.options;
  const started = performance.now();
  const show = progressPrinter(count, started);
  let ready: Ready;
  let stop: () => void;
  if (count <= parsed.perProcess) {
    const sim = await startSimulator({ ...parsed.options, onProgress: show });
    ready = {
      type: 'ready',
      count,
      bindMs: performance.now() - started,
      faulty: Object.fromEntries(sim.miners.filter((m) => m.fault).map((m) => [m.address, m.fault!])),
    };
    stop = () => void sim.stop();
  } else {
    ({ ready, stop } = await runSharded(parsed, started, show));
  }
  const faults: Record<string, number> = {};
  for (const fault of Object.values(ready.faulty)) faults[fault] = (faults[fault] ?? 0) + 1;
  const first =
    parsed.options.portRange === undefined
      ? `${parsed.options.base}:${parsed.options.port}`
      : `${parsed.options.base}:${parsed.options.portRange}`;
  if (parsed.json) {
    process.stdout.write(
      `${JSON.stringify({ ready: true, count, first, model: parsed.options.model, bindMs: Math.round(ready.bindMs), faults, faulty: ready.faulty })}\n`,
    );
  } else {
    const summary =
      Object.entries(faults)
        .map(([f, n]) => `${f} ${n}`)
        .join(', ') || 'none';
    process.stdout.write(
      `ready: ${count} simulated ${parsed.options.model} miners from ${first}, bound in ${(ready.bindMs / 1000).toFixed(1)} s; faults: ${summary}. Ctrl-C stops.\n`,
    );
  }
  const shutdown = () => {
    stop();
    setTimeout(() => process.exit(0), 200).unref();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runSimulatorCli(process.argv.slice(2)).catch((error: unknown) => {
    log(error instanceof Error ? error.message : String(error));
    process.exit(error instanceof AppError && error.kind === 'invalid' ? 2 : 1);
  });
}
