/**
 * The one test of the installed `hashforge` as a process of its own (every other CLI test runs the
 * same program in-process): the bin compiles the sources when they changed, answers `--help`
 * without a database, and a command on a new data directory creates it private to its owner.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBin } from '../testing/cli.js';

describe('bin/hashforge.js', { timeout: 120_000 }, () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'hf-bin-')), 'data');
  const env = { HASHFORGE_DATA_DIR: dataDir, DATABASE_URL: '' };
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers --help, runs a command on a new embedded database, and exits 2 on bad input', () => {
    const help = runBin(['--help'], env);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/catalog\s+Mining machines and AI chips/);

    const list = runBin(['catalog', 'list', '--json'], env);
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    // Every file of the database is its owner's alone (PGlite would make them 0666).
    const open = readdirSync(dataDir, { recursive: true })
      .map((f) => join(dataDir, String(f)))
      .filter((f) => (statSync(f).mode & 0o077) !== 0);
    expect(open).toEqual([]);

    const bad = runBin(['catalog', 'list', '--kind', 'toaster'], env);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^error: --kind/);
  });
});
