/**
 * Makes one demo snapshot of a test run in a process of its own, started by the sequencer before the
 * run's files ask for it (src/testing/sequencer.ts): `node --import tsx demo-snapshot-build.ts NAME`
 * with the run in HASHFORGE_TEST_RUN. Takes the snapshot's lock first; when a test file holds it
 * already, that file makes it and this process has nothing to do.
 */
import { rmSync } from 'node:fs';
import {
  DEMO_SNAPSHOTS,
  type DemoSnapshot,
  lockFile,
  makeDemoSnapshot,
  type TestRun,
  takeLock,
} from './demo-snapshot.js';

const name = process.argv[2] as DemoSnapshot;
const run = JSON.parse(process.env.HASHFORGE_TEST_RUN ?? 'null') as TestRun | null;
if (!run || !(name in DEMO_SNAPSHOTS))
  throw new Error(`usage: HASHFORGE_TEST_RUN=… demo-snapshot-build.ts NAME`);
if (takeLock(run, name)) {
  try {
    await makeDemoSnapshot(run, name);
  } catch (error) {
    rmSync(lockFile(run, name), { force: true }); // the file that asks for it makes it then
    throw error;
  }
}
