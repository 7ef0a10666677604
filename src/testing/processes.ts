/**
 * The real `hashforge` as child processes that a test can watch and kill: for what only a process
 * of its own shows (a crash, a second process beside `serve`). Asynchronous, unlike runBin, so that
 * the test's own servers (simulated miners) keep answering meanwhile.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliRun } from './cli.js';
import { migratedDataDir } from './index.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'hashforge.js');

export interface BinProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The first match of `pattern` in its output so far or to come; rejects if it exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Its exit: the code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `kill -9`, resolved once it is gone. */
  crash(): Promise<void>;
}

/**
 * The processes startBin started in this test worker that have not exited yet: what `stopStarted`
 * kills when a test ends before its own cleanup (a failed assertion between a start and its kill).
 */
const running = new Set<ChildProcess>();

/**
 * Kills (SIGKILL) every process startBin started that is still running, and waits for them to go: a
 * file's afterEach, for files whose processes live within one test. A process left running after a
 * failure held its data directory, its ports and its simulated miners' polls through the rest of the
 * run.
 */
export async function stopStarted(): Promise<void> {
  const left = [...running];
  await Promise.all(
    left.map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('close', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/**
 * Starts `hashforge args` on the data directory `dataDir`, quiet, with no token and no server database;
 * `nodeArgs` go to Node itself (a bench's `--cpu-prof`, which NODE_OPTIONS does not take).
 */
export function startBin(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
  nodeArgs: string[] = [],
): BinProcess {
  const child = spawn(process.execPath, [...nodeArgs, BIN, ...args], {
    env: {
      ...process.env,
      LOG_LEVEL: 'silent',
      DATABASE_URL: '',
      HASHFORGE_TOKEN: '',
      HASHFORGE_DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const heard = () => {
    for (const l of listeners) l();
  };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    heard();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    heard();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
    }),
  );
  let gone = false;
  void exited.then(() => {
    gone = true;
    heard();
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out) ?? pattern.exec(err);
          if (m || gone) {
            listeners.delete(check);
            clearTimeout(timer);
            if (m) resolve(m);
            else reject(new Error(`exited before printing ${pattern}; stderr: ${err.slice(-2000)}`));
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no ${pattern} within ${timeoutMs} ms; stderr: ${err.slice(-2000)}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      }),
    crash: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Runs `hashforge args` to its end. */
export async function runBinAsync(
  dataDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  const p = startBin(dataDir, args, env);
  const { code } = await p.exited;
  return { status: code ?? -1, stdout: p.stdout(), stderr: p.stderr() };
}

/** A private temporary data directory holding the migrated database, and how to remove it. */
export async function tempDataDir(prefix: string): Promise<{ dir: string; remove(): void }> {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const dir = join(root, 'data');
  await migratedDataDir(dir);
  return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits for `check` to give something, looking every 200 ms; fails naming `what` after `ms`. */
export async function until<T>(
  what: string,
  ms: number,
  check: () => Promise<T | undefined> | T | undefined,
) {
  const end = Date.now() + ms;
  for (;;) {
    const got = await check();
    if (got !== undefined && got !== false) return got;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(200);
  }
}
