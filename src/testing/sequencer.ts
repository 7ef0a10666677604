/**
 * The order the run's files start in, and what they need made before they ask: the demo snapshots
 * and the built dashboard (Vitest's `sequence.sequencer`, in the main process, once the run's files
 * are known). Kept free of the application's modules: Vitest loads it with its configuration.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { ensureDashboardBuilt } from '../../web/build.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = join(ROOT, 'src', 'testing', 'demo-snapshot-build.ts');

/**
 * About how many seconds the slowest files take in a whole run, for a run with no durations of its
 * own yet (a fresh clone: Vitest keeps them in node_modules/.vite, apart for each database), from
 * `.ci/run` on 2026-12-07 (PGlite, 379 s in all): the order is what matters. The
 * workers take files one at a time; started last, one long file is the run's tail. The browser
 * files that read the demo company come first: they wait for its snapshot, made meanwhile. The
 * agents' files run only on the server (PostgreSQL run of the same day); on PGlite they are
 * skipped at once, wherever they stand.
 */
const KNOWN_SLOW: Record<string, number> = {
  'test/e2e/dashboard.test.ts': 127,
  'src/agent/shared-site-cut.test.ts': 61,
  'test/e2e/dashboard-sales.test.ts': 55,
  'test/e2e/dashboard-overview.test.ts': 51,
  'src/app/crash.test.ts': 42,
  'src/agent/processes.test.ts': 36,
  'src/jobs/boss.test.ts': 30,
  'src/ledger/verify.test.ts': 28,
  'test/e2e/actions.test.ts': 27,
  'src/fleet/crash.test.ts': 27,
  'src/reporting/report.test.ts': 21,
  'src/ledger/verify-bin.test.ts': 21,
  'test/e2e/security-headers.test.ts': 18,
  'test/e2e/fleet-control.test.ts': 17,
  'src/agent/control-worker.test.ts': 17,
  'src/sales/integration.test.ts': 17,
  'test/e2e/planning.test.ts': 15,
  'src/agent/control-through.test.ts': 15,
  'src/cli/bin.test.ts': 14,
  'src/ledger/ledger.test.ts': 12,
  'src/cli/listing.test.ts': 11,
  'test/e2e/service.test.ts': 11,
};

/**
 * Longest first: the durations Vitest recorded in an earlier run, else KNOWN_SLOW, else a guess
 * from the file's size. A file that failed last time goes first, as Vitest's own order does.
 */
export class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    startDemoSnapshots(files.map((f) => f.moduleId));
    // Built once here rather than by the first browser files, two at once into the same web/dist.
    if (files.some((f) => f.moduleId.includes('/test/e2e/'))) await ensureDashboardBuilt({ quiet: true });
    const seconds = (f: TestSpecification) => {
      const key = relative(this.ctx.config.root, f.moduleId);
      const last = this.ctx.cache.getFileTestResults(`${f.project.name}:${key}`);
      if (last) return last.failed ? Number.POSITIVE_INFINITY : last.duration / 1000;
      return KNOWN_SLOW[key] ?? (this.ctx.cache.getFileStats(`${f.project.name}:${key}`)?.size ?? 0) / 2_000;
    };
    return [...files].sort((a, b) => seconds(b) - seconds(a));
  }
}

/**
 * Starts making, each in a process of its own, the demo snapshots (demo-snapshot.ts) that the run's
 * files name, so that none of them waits a whole load for it. Nothing when no file names one (a
 * run of a few files pays nothing for them).
 */
function startDemoSnapshots(files: string[]): void {
  const run = process.env.HASHFORGE_TEST_RUN;
  if (!run) return;
  const names = new Set<string>();
  for (const file of files) {
    for (const m of readFileSync(file, 'utf8').matchAll(/'(demo@[\w-]+)'/g)) names.add(m[1]!);
  }
  const children: ChildProcess[] = [];
  for (const name of names) {
    const child = spawn(process.execPath, ['--import', 'tsx', BUILD, name], {
      cwd: ROOT,
      env: { ...process.env, HASHFORGE_TEST_RUN: run, LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.unref();
    children.push(child);
  }
  // One that outlives the run (cancelled, or failed early) is stopped with it.
  process.once('exit', () => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  });
}
