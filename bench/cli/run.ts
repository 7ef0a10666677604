/**
 * How long the installed `hashforge` takes to answer, as a person at a terminal waits for it: each
 * command is a new process (bin/hashforge.js, compiled JavaScript), timed from spawn to exit, beside
 * `node -e ''` on the same machine. Targets: `--help` ≤ 0.3 s; `catalog list` ≤ 1.0 s on the
 * embedded database, ≤ 0.5 s while `hashforge serve` holds it (the command goes through its socket).
 *
 *   npx tsx bench/cli/run.ts [--runs 7]
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'hashforge.js');

interface Case {
  label: string;
  args: string[];
  targetMs?: number;
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { runs: { type: 'string', default: '7' } },
    strict: false,
  });
  const runs = Number(values.runs);
  const dataDir = mkdtempSync(join(tmpdir(), 'hashforge-bench-cli-'));

  // The embedded database is what this measures, whatever DATABASE_URL says.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HASHFORGE_DATA_DIR: dataDir,
    HASHFORGE_DEMO_MINERS: '0',
    LOG_LEVEL: 'warn',
  };
  env.DATABASE_URL = '';
  try {
    node([BIN, '--help'], env); // builds dist/ if the sources changed, so no run below pays for it
    node([BIN, 'catalog', 'list'], env); // creates and migrates the data directory once
    console.log(
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; median of ${runs} runs each`,
    );
    console.log(
      `  node -e ''                                     ${ms(time(['-e', ''], env, runs))} (the floor: Node starting)`,
    );
    report({ label: 'hashforge --help', args: ['--help'], targetMs: 300 }, env, runs);
    report({ label: 'catalog list (embedded)', args: ['catalog', 'list'], targetMs: 1000 }, env, runs);
    const server = await startServer(env);
    try {
      report({ label: 'catalog list (beside serve)', args: ['catalog', 'list'], targetMs: 500 }, env, runs);
      report(
        { label: 'sales quarter 2020Q4 (beside serve)', args: ['sales', 'quarter', '2020Q4'] },
        env,
        runs,
      );
      report(
        {
          label: 'token create (beside serve)',
          args: ['token', 'create', '--role', 'viewer', '--name', 'b'],
        },
        env,
        runs,
      );
    } finally {
      server.kill('SIGTERM');
      await new Promise((resolve) => server.once('exit', resolve));
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function report(c: Case, env: NodeJS.ProcessEnv, runs: number): void {
  const median = time([BIN, ...c.args], env, runs);
  const verdict =
    c.targetMs === undefined
      ? ''
      : median <= c.targetMs
        ? ` target ≤ ${c.targetMs} ms: met`
        : ` target ≤ ${c.targetMs} ms: MISSED`;
  console.log(`  hashforge ${c.label.replace(/^hashforge /, '').padEnd(36)} ${ms(median)}${verdict}`);
}

/** The median wall time of `runs` runs of `node <args>`, each a new process. */
function time(args: string[], env: NodeJS.ProcessEnv, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    node(args, env);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

function node(args: string[], env: NodeJS.ProcessEnv): void {
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}

/** `hashforge serve` on the bench's data directory, resolved once it has printed its address. */
function startServer(env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: { ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('HashForge is up')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`serve exited ${code} before it was up`)));
  });
}

const ms = (n: number) => `${n.toFixed(0).padStart(5)} ms`;
