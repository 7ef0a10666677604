/**
 * Polls carried past their sweep's end, per client. A sweep ends once the rest of its machines
 * have been asked and answered; a poll still waiting on its miner then (silent, trickling, or slow
 * but alive) goes on to its own deadline, and its reading is stored as that sweep's when it comes.
 * The next sweep of the same machines on the same client does not ask a machine whose carried
 * poll is not yet written: a reading belongs to exactly one sweep, and a machine has one poll at a
 * time (in this process: another process sweeping the same machines does not know of them).
 */
import type { MinerClient } from './protocol/client.js';
import type { MachineToPoll } from './series-store.js';

/** A pass's carried machines by id, each deleted once its reading is written. */
type CarriedMachines = ReadonlyMap<number, MachineToPoll>;

interface Carried {
  /** Per scope (the machines a pass sweeps: the fleet, or one agent's site), each pass's carried. */
  underway: Map<string, Set<CarriedMachines>>;
  /** Each pass's carried polls, settled once all are written (or their write failed). */
  settling: Set<Promise<void>>;
}

const byClient = new WeakMap<MinerClient, Carried>();

function carriedOn(client: MinerClient): Carried {
  let c = byClient.get(client);
  if (!c) {
    c = { underway: new Map(), settling: new Set() };
    byClient.set(client, c);
  }
  return c;
}

/**
 * The machines of `scope` whose poll of an earlier pass on this client is still under way or
 * unwritten, as that pass knew them: a snapshot, which a pass takes before it reads any machine.
 */
export function underwayOn(client: MinerClient, scope: string): Map<number, MachineToPoll> {
  const out = new Map<number, MachineToPoll>();
  for (const machines of carriedOn(client).underway.get(scope) ?? [])
    for (const [id, m] of machines) out.set(id, m);
  return out;
}

/**
 * Keeps a pass's carried polls on the client until `written` settles: `machines` is the pass's own
 * live map, from which it deletes each machine once its reading is written.
 */
export function carry(
  client: MinerClient,
  scope: string,
  machines: CarriedMachines,
  written: Promise<void>,
): void {
  const c = carriedOn(client);
  const ofScope = c.underway.get(scope) ?? new Set();
  c.underway.set(scope, ofScope);
  ofScope.add(machines);
  const settled = written.then(
    () => undefined,
    () => undefined,
  );
  c.settling.add(settled);
  void settled.then(() => {
    ofScope.delete(machines);
    if (ofScope.size === 0 && c.underway.get(scope) === ofScope) c.underway.delete(scope);
    c.settling.delete(settled);
  });
}

/**
 * Resolves once every poll carried past its sweep's end on this client has been written: a
 * process stopping waits for it, and the benchmark between sweeps (as a real interval would).
 */
export async function carriedPollsWritten(client: MinerClient): Promise<void> {
  const c = carriedOn(client);
  while (c.settling.size > 0) await Promise.all([...c.settling]);
}
