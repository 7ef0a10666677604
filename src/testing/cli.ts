import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface CliRun {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the real `hashforge` command in a child process. Each data directory is a fresh embedded
 * database; with DATABASE_URL set, pass a schema so runs don't share tables.
 */
export function runCli(args: string[], env: Record<string, string | undefined> = {}): CliRun {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'hashforge.js'), ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Environment for a fresh database: a temp data dir, or a fresh schema when DATABASE_URL is set. */
export function freshCliEnv(): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), 'hf-cli-'));
  const schema = `hf_cli_${Math.random().toString(36).slice(2, 10)}`;
  return process.env.DATABASE_URL ? { HASHFORGE_DB_SCHEMA: schema } : { HASHFORGE_DATA_DIR: dir };
}
