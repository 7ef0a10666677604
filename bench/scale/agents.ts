/**
 * The bench's site agents: real `hashforge agent --all` processes on the bench's database, each
 * with its own spool stream in the local NATS JetStream, started, stopped gently, or killed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { Spool, spoolStream } from '../../src/agent/spool.js';
import { type BinProcess, startBin } from '../../src/testing/processes.js';

export const NATS = 'nats://127.0.0.1:4222';

export interface AgentRun {
  databaseUrl: string;
  intervalSeconds: number;
  leaseSeconds: number;
  /** Polls in flight at once in each agent (loopback answers in microseconds: a few hundred do). */
  concurrency: number;
  /** Where each agent writes its V8 CPU profile when it stops (`--cpu-prof DIR`), if anywhere. */
  profileDir?: string | undefined;
}

export interface BenchAgent {
  name: string;
  process: BinProcess;
}

/** A scratch directory for the CLI's data-dir setting, unused with a server database. */
const scratch = mkdtempSync(join(tmpdir(), 'hashforge-scale-'));

/** Starts one agent serving every site and waits until it says it serves them. */
export async function startAgent(name: string, run: AgentRun): Promise<BenchAgent> {
  const p = startBin(
    scratch,
    [
      'agent',
      '--all',
      '--name',
      name,
      '--nats',
      NATS,
      '--interval',
      String(run.intervalSeconds),
      '--lease',
      String(run.leaseSeconds),
    ],
    {
      DATABASE_URL: run.databaseUrl,
      LOG_LEVEL: 'warn',
      HASHFORGE_FLEET_CONCURRENCY: String(run.concurrency),
    },
    // Node's own arguments (not allowed in NODE_OPTIONS): V8's defaults, as bin/hashforge.js runs.
    run.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${run.profileDir}`] : [],
  );
  await p.waitFor(new RegExp(`agent ${name} serving`), 120_000);
  return { name, process: p };
}

/** Ctrl-C: the agent lets its leases go and stops (what it has not forwarded stays in its spool). */
export async function stopAgent(a: BenchAgent): Promise<void> {
  if (a.process.child.exitCode !== null) return;
  a.process.child.kill('SIGTERM');
  await a.process.exited;
}

/** Every agent's spool stream deleted, whatever it still holds: the bench's database goes too. */
export async function removeSpools(names: string[]): Promise<void> {
  for (const name of names) await (await Spool.open(NATS, name)).remove();
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * Each agent's spool as a range of sequence numbers: `head` its newest part, `waiting` the first
 * not yet forwarded (past `head` when it holds none). Read from the stream itself, not the
 * database: a part the forwarder has not reached yet is in no table.
 */
export async function spoolPositions(
  names: string[],
): Promise<Map<string, { head: number; waiting: number }>> {
  const nc = await connect({ servers: NATS, name: 'hashforge-bench-scale' });
  try {
    const jsm = await nc.jetstreamManager();
    const out = new Map<string, { head: number; waiting: number }>();
    for (const name of names) {
      const { state } = await jsm.streams.info(spoolStream(name));
      out.set(name, {
        head: state.last_seq,
        waiting: state.messages === 0 ? state.last_seq + 1 : state.first_seq,
      });
    }
    return out;
  } finally {
    await nc.close();
  }
}

/**
 * Waits (at most `limitSeconds`) until every agent has forwarded its spool up to where its head
 * was at `heads`; says how long that took, or undefined if it did not happen in time.
 */
export async function waitForSpools(
  heads: Map<string, { head: number }>,
  limitSeconds: number,
): Promise<number | undefined> {
  const started = performance.now();
  const deadline = started + limitSeconds * 1000;
  while (performance.now() < deadline) {
    const now = await spoolPositions([...heads.keys()]);
    if ([...heads].every(([name, { head }]) => now.get(name)!.waiting > head))
      return (performance.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return undefined;
}
