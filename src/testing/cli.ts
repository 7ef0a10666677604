import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { readConfig } from '../app/config.js';
import type { AppContext } from '../app/context.js';
import type { CliRuntime } from '../cli/command.js';
import { main } from '../cli/main.js';
import { systemClock } from '../kernel/clock.js';
import { type TestApp, testApp } from './index.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/** The databases of the CLI sessions this test file opened, by the name `freshCliEnv` gave each. */
const sessions = new Map<string, Promise<AppContext>>();

/**
 * Runs a `hashforge` command in this process, as the terminal would: the same program, parser,
 * output and exit codes, against the test database `env` names (`freshCliEnv`). Settings in `env`
 * (HASHFORGE_TOKEN, …) are read as the real entry point reads them.
 */
export async function runCli(
  args: string[],
  env: Record<string, string | undefined> = {},
  opts: { stdout?: (text: string) => void } = {},
): Promise<CliRun> {
  const session = env.HASHFORGE_TEST_SESSION;
  const out: string[] = [];
  const err: string[] = [];
  let status = 0;
  const runtime: CliRuntime = {
    config: readConfig({ LOG_LEVEL: 'silent', USER: 'tester', ...env }),
    open: async () => {
      if (session === undefined) throw new Error('runCli needs the env of freshCliEnv() for a database');
      // The session's database stays open between commands, as the data directory would.
      return { ctx: await sessions.get(session)!, close: async () => {} };
    },
    // Given `opts.stdout`, the output goes there as it comes and `stdout` of the result is empty.
    stdout: (text) =>
      (opts.stdout ?? ((t: string) => out.push(t)))(
        typeof text === 'string' ? text : Buffer.from(text).toString('latin1'),
      ),
    stderr: (text) => err.push(text),
    fail: (code) => {
      status = code;
    },
  };
  await main(['node', 'hashforge', ...args], runtime);
  return { status, stdout: out.join(''), stderr: err.join('') };
}

/**
 * A fresh database for a series of commands (a copy of the migrated template, closed after the
 * test file), first given what `fill` writes on the test clock. Call it inside `describe`.
 */
export function freshCliEnv(fill?: (app: TestApp) => Promise<void>): Record<string, string> {
  const name = randomBytes(6).toString('hex');
  const app = testApp().then(async (a) => {
    try {
      await fill?.(a);
    } catch (error) {
      await a.close();
      throw error;
    }
    return a;
  });
  // The clock a terminal has: commands see today, as when they ran in a process of their own.
  sessions.set(
    name,
    app.then((a) => ({ ...a, clock: systemClock })),
  );
  // A fill that failed closed its database and fails the test that asks for the session.
  afterAll(async () => (await app.catch(() => undefined))?.close());
  return { HASHFORGE_TEST_SESSION: name };
}

/** The database of a CLI session (`freshCliEnv`), for a test to fill with what no command makes. */
export function cliSessionContext(env: Record<string, string>): Promise<AppContext> {
  const session =
    env.HASHFORGE_TEST_SESSION === undefined ? undefined : sessions.get(env.HASHFORGE_TEST_SESSION);
  if (session === undefined) throw new Error('cliSessionContext needs the env of freshCliEnv()');
  return session;
}

/**
 * Runs the real installed `hashforge` in a child process: the one smoke test of the `bin` and its
 * build, beside the in-process runs above.
 */
export function runBin(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'hashforge.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
