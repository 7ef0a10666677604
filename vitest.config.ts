import { defineConfig } from 'vitest/config';
import { SlowestFirst } from './src/testing/sequencer.js';

/**
 * The database the run is on (src/testing/run.ts reads the same variable). The two runs differ in
 * their durations: see `cacheDir`.
 */
const server = Boolean(process.env.DATABASE_URL);

export default defineConfig({
  // Vitest keeps each file's last duration here for the sequencer: one place per database. Shared,
  // the run on the server read the embedded run's, where the agents' files are skipped in no time,
  // and started them last — the server run's longest files (a minute, half a minute…) as its tail.
  cacheDir: `node_modules/.vite/${server ? 'server' : 'embedded'}`,
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The migrations run once per run; each test copies the result (src/testing/index.ts).
    globalSetup: ['src/testing/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Test files in one worker share loaded modules (a tenth of the run was importing the app
    // again for each file); nothing in src keeps module-level state (but the harness's list of the
    // processes a file started, emptied as they exit), and each test has its own database, so
    // nothing else is shared. Two workers: a third (2026-12-08, load 15) timed out the crash tests,
    // the hostile miners' and a browser test; much of a file's time is waiting, but not all of it.
    isolate: false,
    maxWorkers: 2,
    // The longest files first, also on a fresh clone; it starts the demo snapshots the run needs.
    sequence: { sequencer: SlowestFirst },
  },
});
