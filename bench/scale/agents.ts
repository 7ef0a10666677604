/**
 * The bench's site agents: real `hashforge agent --all` processes on the bench's database, each
 * with its own spool stream in the local NATS JetStream, started, stopped gently, or killed.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Spool } from '../../src/agent/spool.js';
import { type BinProcess, startBin } from '../../src/testing/processes.js';

export const NATS = 'nats://127.0.0.1:4222';

export interface AgentRun {
  databaseUrl: string;
  intervalSeconds: number;
  leaseSeconds: number;
  /** Polls in flight at once in each agent (loopback answers in microseconds: a few hundred do). */
  concurrency: number;
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
