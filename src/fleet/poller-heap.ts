import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets its old generation grow past what survived the last full collection while a
 * pass of polls runs: 100% (×2), where V8 by itself goes up to ×4 on a machine with memory to
 * spare. A sweep promotes much short-lived garbage: thousands of polls wait seconds for a slot
 * (the main lane's workers outnumber its slots by the straggler lane's size), so their sockets,
 * closures and records outlive two young-generation collections, and die in the old generation.
 * With ~60 MB surviving, V8's own limit let ~150 MB of that dead weight pile up before collecting
 * it: heap snapshots after a sweep held ~40 MB of live objects where V8's heap in use had peaked at
 * ~200 MB. Measured with 10,000 healthy miners and PGlite in the poller (bench/fleet, 2026-12-07,
 * load 17-32, three sweeps): poller peak RSS 535-561 MB with V8's own factor, 423 MB at ×1.5,
 * 379 MB at ×2; the poller's CPU per sweep within the runs' noise (the extra full collections mark
 * mostly on V8's helper threads). src/fleet/README.md has the hostile bench's figures.
 */
const WHILE_POLLING = '--heap-growing-percent=100';
/** 0 gives the factor back to V8's own choice (its default). */
const V8_DEFAULT = '--heap-growing-percent=0';

/**
 * Sets V8's heap growth for the poller while at least one pass (of polls, or a scan) runs, and
 * gives it back once the last one ends: the flag is the process's. A process that polls alone (a
 * site agent, a sweep from the command line, the bench's poller) has it; one that answers the API
 * beside (`besideApi`) not. `setFlags` is V8's own setter; a test hands in another to see the calls.
 */
export class PollerHeap {
  private passes = 0;
  private answersApi = false;
  constructor(private readonly setFlags: (flags: string) => void = setFlagsFromString) {}

  /**
   * This process answers the API too (`serve`, with its demo rack or poller): V8's own factor
   * stays, so the extra full collections the factor brings do not fall on requests. `bench api`
   * (demo company, rack polled, 2026-12-07, load 1-3) had the quarterly report's cold request at
   * 298 and 309 ms p95 with the poller's factor in serve, 177, 224 and 294 ms without: a lean, not
   * a proof; the report's cold cost varies that much by itself.
   */
  besideApi(): void {
    this.answersApi = true;
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    if (this.answersApi) return work();
    if (this.passes++ === 0) this.setFlags(WHILE_POLLING);
    try {
      return await work();
    } finally {
      if (--this.passes === 0) this.setFlags(V8_DEFAULT);
    }
  }
}

/** The process's one: V8's flags are the process's, so every pass of polls counts in it. */
export const pollerHeap = new PollerHeap();
