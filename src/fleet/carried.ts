/**
 * Polls carried past their sweep's end, per client. A sweep ends once the rest of its machines
 * have been asked and answered; a poll still waiting on its miner then (silent, trickling, or slow
 * but alive) goes on to its own deadline, and its reading is stored as that sweep's when it comes.
 * The next sweep on the same client does not ask a machine whose carried poll is not yet written:
 * a reading belongs to exactly one sweep, and a machine has one poll at a time.
 */
import type { MinerClient } from './protocol/client.js';

interface Carried {
  /** Each pass's miners (`host:port`) whose carried poll is not yet written, emptied as they are. */
  underway: Set<ReadonlySet<string>>;
  /** Each pass's carried polls, settled once all are written (or their write failed). */
  settling: Set<Promise<void>>;
}

const byClient = new WeakMap<MinerClient, Carried>();

function carriedOn(client: MinerClient): Carried {
  let c = byClient.get(client);
  if (!c) {
    c = { underway: new Set(), settling: new Set() };
    byClient.set(client, c);
  }
  return c;
}

/** The miners whose poll of an earlier pass on this client is still under way or unwritten. */
export function underwayOn(client: MinerClient): Set<string> {
  const out = new Set<string>();
  for (const keys of carriedOn(client).underway) for (const k of keys) out.add(k);
  return out;
}

/**
 * Keeps a pass's carried polls on the client until `written` settles: `keys` is the pass's own
 * live set, from which it deletes each miner once its reading is written.
 */
export function carry(client: MinerClient, keys: ReadonlySet<string>, written: Promise<void>): void {
  const c = carriedOn(client);
  c.underway.add(keys);
  const settled = written.then(
    () => undefined,
    () => undefined,
  );
  c.settling.add(settled);
  void settled.then(() => {
    c.underway.delete(keys);
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

/** How a machine is named in the carried sets: its miner's address and port. */
export const minerKey = (m: { address: string; port: number }): string => `${m.address}:${m.port}`;
