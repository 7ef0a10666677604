/**
 * One sweep of the poller: every registered machine asked once, many at a time (the client keeps
 * one command in flight per miner and a global socket budget), results written in batches while
 * the sweep goes on. Memory stays flat however big the fleet: the registry is read a page at a
 * time and a batch is dropped once written.
 */
import type { Actor, AppContext } from '../app/context.js';
import { sameProcess, thisProcess, thisProcessStarted } from '../app/process.js';
import { ruleBroken } from '../kernel/errors.js';
import { inTransaction } from '../ledger/ledger.js';
import { carry, underwayOn } from './carried.js';
import type { StatusesChanged } from './events.js';
import {
  afterPoll,
  bucketStart,
  DEFAULT_OFFLINE_AFTER,
  emptyTally,
  type MachineStatus,
  modelNominalThs,
  type PollOutcome,
  refuseFigures,
  type SiteTally,
  SWEEP_HEARTBEAT_MS,
  sweepClaimLapsed,
  TELEMETRY_BUCKET_MINUTES,
  TOTALS_BUCKET_MINUTES,
  tally,
} from './model.js';
import { keepMeasurements, type Retention, repackInBackground } from './partitions.js';
import { pollerHeap } from './poller-heap.js';
import { recordFleet } from './projections.js';
import { type Lane, type MinerClient, type MinerResult, PROTOCOL_FAILURES } from './protocol/client.js';
import { jsonRequest } from './protocol/codec.js';
import { type NormalisedTelemetry, normalise } from './protocol/telemetry.js';
import {
  abandonSweep,
  addSweepTotals,
  finishSweep,
  type MachineToPoll,
  machineCounts,
  machinesToPoll,
  type PollRecord,
  runningSweep,
  type SweepPart,
  startSweep,
  sweepStillRunning,
  writePolls,
} from './series-store.js';
import type { StatusChangeFact } from './store.js';

/**
 * What a poll asks, joined into one request (one connection per miner per sweep): hashrate,
 * hardware and pools. The identity is checked on every poll too, to notice when DHCP gave the
 * address to another machine: `estats` carries the DNA, so `version` is only added for a machine
 * known by its MAC alone.
 */
export const POLL_COMMANDS = ['summary', 'estats', 'pools'] as const;
/** Encoded once: the same request text goes to every miner in every sweep. */
const POLL_REQUEST = jsonRequest(POLL_COMMANDS);
const POLL_WITH_VERSION = jsonRequest(['version', ...POLL_COMMANDS]);

export interface SweepOptions {
  client?: MinerClient;
  offlineAfter?: number;
  /**
   * Measurements' retention: after the sweep, partitions wholly older than it are dropped (and the
   * coming days' partitions made; see partitions.ts). Without it, the partitions are left alone.
   */
  retention?: Retention;
  /**
   * Polls working at once in the main lane (the client's own limit also applies); stragglers, and
   * polls that turn slow, wait in the client's straggler lane beside them.
   */
  concurrency?: number;
  pageSize?: number;
  flushSize?: number;
  onProgress?: (done: number, total: number) => void;
  /** Filled with each poll's duration in ms, for the benchmark's percentiles. */
  latencies?: number[];
}

export interface SweepReport {
  sweep: number;
  startedAt: Date;
  seconds: number;
  machines: number;
  answered: number;
  failed: number;
  failures: Record<string, number>;
  statusChanges: number;
  byStatus: Record<string, number>;
  measuredThs: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Machines not asked: their poll of the sweep before was still under way (`carried.ts`). */
  notAsked: number;
  /**
   * Polls still waiting on their miners when the rest was done, carried on past the sweep's end to
   * their own deadlines: their readings are this sweep's, written as they come (not in the counts above).
   */
  carried: number;
  rowsWritten: number;
  /** Partitions dropped by retention: days of telemetry, months of minute totals. */
  pruned: { telemetry: number; minutes: number };
}

export interface Polled {
  record: PollRecord;
  change?: StatusChangeFact;
  /** Why a complete answer's figures were refused, for the sweep's failure counts. */
  refused?: 'no-hashrate' | 'implausible-hashrate';
}

export async function sweepFleet(
  ctx: AppContext,
  actor: Actor,
  opts: SweepOptions = {},
): Promise<SweepReport> {
  const at = ctx.clock.now();
  const sweep = await claimSweep(ctx, at);
  const started = performance.now();
  // Says the sweep is still running, so that a sweeper on another host can tell when it is not.
  const heartbeat = setInterval(() => {
    sweepStillRunning(ctx.db, sweep).catch((error: unknown) =>
      ctx.log.warn({ err: error, sweep }, 'could not mark the sweep as still running'),
    );
  }, SWEEP_HEARTBEAT_MS);
  heartbeat.unref();
  try {
    const report = await runSweep(ctx, actor, sweep, at, opts);
    report.seconds = Math.round(performance.now() - started) / 1000;
    await finishSweep(ctx.db, sweep, {
      at: new Date(at.getTime() + Math.round(performance.now() - started)),
      machines: report.machines,
      answered: report.answered,
      failed: report.failed,
      statusChanges: report.statusChanges,
      outcome: 'done',
    });
    // After the sweep is closed, and not awaited: a closed day's copy takes minutes at scale.
    if (opts.retention !== undefined) repackInBackground(ctx, at);
    return report;
  } catch (error) {
    // Free the running-sweep slot; if the database itself is what failed, say so in the log and
    // let the original error through (the next sweep finds this process gone or silent).
    await finishSweep(ctx.db, sweep, {
      at: ctx.clock.now(),
      machines: 0,
      answered: 0,
      failed: 0,
      statusChanges: 0,
      outcome: `failed: ${error instanceof Error ? error.message : String(error)}`.slice(0, 500),
    }).catch((closing: unknown) => ctx.log.error({ err: closing, sweep }, 'could not close a failed sweep'));
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

/**
 * Takes the one running-sweep slot for this process. A sweep still marked running whose process
 * is gone (killed on this host, or silent for a minute on another) is closed as abandoned first:
 * a dead sweeper's claim ends with it.
 */
async function claimSweep(ctx: AppContext, at: Date): Promise<number> {
  const here = thisProcess();
  const running = await runningSweep(ctx.db);
  if (running !== undefined) {
    // Another process of this host can be checked on; this one's own sweep (another caller's, or
    // one whose closing write failed) is judged by its heartbeat, like a sweeper elsewhere.
    const pid = running.ownerHost === here.host && running.ownerPid !== here.pid ? running.ownerPid : null;
    const ownerAlive = pid === null ? undefined : sameProcess(pid, running.ownerStarted);
    if (sweepClaimLapsed({ ownerAlive, silentMs: running.silentMs })) {
      const who =
        running.ownerPid === null ? 'its process' : `pid ${running.ownerPid} on ${running.ownerHost}`;
      const why = ownerAlive === false ? `${who} is gone` : `${who} went silent`;
      await abandonSweep(ctx.db, running.id, at, why);
      ctx.log.warn({ sweep: running.id }, `fleet sweep ${running.id} abandoned: ${why}`);
    }
  }
  const sweep = await startSweep(ctx.db, at, { ...here, started: thisProcessStarted() });
  if (sweep === undefined) {
    throw ruleBroken(
      'fleet.sweep-running',
      'Another sweep of the fleet is running; wait for it to finish (each sweep polls every machine).',
    );
  }
  return sweep;
}

async function runSweep(
  ctx: AppContext,
  actor: Actor,
  sweep: number,
  at: Date,
  opts: SweepOptions,
): Promise<SweepReport> {
  const pageSize = opts.pageSize ?? 5000;
  const bucket = bucketStart(at, TELEMETRY_BUCKET_MINUTES);
  const { total, timedOut } = await machineCounts(ctx.db);
  let rowsWritten = 0;
  const client = opts.client ?? ctx.miners;
  const pass = await pollMachines({
    client,
    scope: 'fleet',
    rest: pager(ctx, { sweep, part: 'rest', pageSize }),
    stragglers: oneAfterAnother(
      pager(ctx, { sweep, part: 'timed-out', pageSize }),
      pager(ctx, { sweep, part: 'slow', pageSize }),
    ),
    total,
    timedOut,
    offlineAfter: opts.offlineAfter ?? DEFAULT_OFFLINE_AFTER,
    ...(opts.concurrency === undefined ? {} : { concurrency: opts.concurrency }),
    ...(opts.flushSize === undefined ? {} : { flushSize: opts.flushSize }),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.latencies ? { latencies: opts.latencies } : {}),
    write: async (batch) => {
      rowsWritten += await writeBatch(ctx, actor, batch, { sweep, at, bucket });
    },
  });
  pass.carriedWritten.catch((error: unknown) =>
    ctx.log.error({ err: error, sweep }, "could not store the readings carried past a sweep's end"),
  );
  await addSweepTotals(ctx.db, bucketStart(at, TOTALS_BUCKET_MINUTES), pass.tallies, `fleet:${sweep}`);
  rowsWritten += pass.tallies.size + 1;
  const upkeep =
    opts.retention === undefined ? undefined : await keepMeasurements(ctx.db, at, opts.retention);
  const pruned = { telemetry: upkeep?.telemetry.dropped ?? 0, minutes: upkeep?.minutes.dropped ?? 0 };
  return {
    sweep,
    startedAt: at,
    seconds: 0,
    ...passReport(pass),
    rowsWritten,
    pruned,
  };
}

/** What one pass over a set of machines asks of its caller: where they come from, where batches go. */
export interface PollPass {
  client: MinerClient;
  /**
   * The machines the pass sweeps, as every pass over them names them (the fleet, an agent's site):
   * a pass skips those of its scope whose poll an earlier pass carried and has not yet written.
   */
  scope: string;
  rest: () => Promise<MachineToPoll | undefined>;
  /**
   * Machines whose last poll kept the poller waiting (`keptWaiting`), those that timed out first:
   * they are polled in the client's straggler lane, those that answered slowly in the main one.
   * Handed out in id order, the slow ones took the straggler workers while they waited for a main
   * slot (thousands do under load), and the silent ones behind them started seconds late.
   */
  stragglers: () => Promise<MachineToPoll | undefined>;
  total: number;
  /**
   * How many of the stragglers timed out at their last poll: the client's straggler lane is widened
   * by this many for the pass (`widenStragglerLane`), so that every one is asked at once, and its
   * configured room stays for polls of the rest that turn slow.
   */
  timedOut?: number;
  offlineAfter: number;
  concurrency?: number;
  /**
   * Polls per batch handed to `write`. Small enough that an embedded database (PGlite runs on this
   * thread) never stalls the sockets for long, big enough that a server database sees few statements.
   */
  flushSize?: number;
  /** Called with one batch at a time, in order; polling goes on while it works. */
  write(batch: Polled[]): Promise<void>;
  onProgress?: (done: number, total: number) => void;
  latencies?: number[];
}

export interface PassResult {
  done: number;
  answered: number;
  failures: Record<string, number>;
  byStatus: Record<string, number>;
  statusChanges: number;
  tallies: Map<string, SiteTally>;
  latencies: number[];
  /** Machines not asked: their poll of an earlier pass was still under way or unwritten. */
  notAsked: number;
  /** Polls still under way when the pass ended, carried on to their own deadlines. */
  carried: number;
  /** Settles once the carried polls' readings are written (rejects if a write failed). */
  carriedWritten: Promise<void>;
}

/**
 * Polls every machine the two pagers hand out, judges each reply and hands the results to `write`
 * in batches while polling goes on: the sweep of the whole fleet and a site agent's sweep share it.
 * It ends once the rest has been asked and answered (below); polls still waiting on their miners
 * then are carried on to their own deadlines, and `carried` settles once their readings, handed to
 * `write` as they come, are written.
 */
export async function pollMachines(p: PollPass): Promise<PassResult> {
  // Silent and trickling miners are asked first, all at once, in a lane widened for them; carried
  // past the pass's end, they keep their slots until their deadline, and the lane its width.
  const narrow = p.client.widenStragglerLane(p.timedOut ?? 0);
  try {
    const pass = await pollerHeap.during(() => pollAll(p));
    void pass.carriedWritten.then(narrow, narrow);
    return pass;
  } catch (error) {
    narrow();
    throw error;
  }
}

async function pollAll(p: PollPass): Promise<PassResult> {
  const { client, total, offlineAfter } = p;
  const flushSize = p.flushSize ?? 1000;
  const tallies = new Map<string, SiteTally>();
  const failures: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const latencies = p.latencies ?? [];
  let done = 0;
  let answered = 0;
  let statusChanges = 0;
  let buffer: Polled[] = [];
  let writing: Promise<void> = Promise.resolve();
  let queued = 0;

  const flush = () => {
    const batch = buffer;
    buffer = [];
    queued++;
    writing = writing.then(async () => {
      if (batch.length > 0) await p.write(batch);
      statusChanges += batch.filter((x) => x.change).length;
      queued--;
    });
    // A failed write surfaces where the chain is awaited (a worker held up by the writer, or the
    // last flush); marked handled here so that, if polling fails first, it does not also go
    // unhandled and take the server down with it.
    writing.catch(() => {});
    return writing;
  };

  // Machines whose poll of an earlier pass is still under way or unwritten: not asked again (their
  // reading is that pass's). Taken before the first page is read: a machine not in it had its
  // reading written before, and the page holds it. Counted here, once, at what is known of them,
  // not as the pagers come to them: their readings, written meanwhile, move them from one part to
  // another, which can hand one out twice or not at all.
  const underway = underwayOn(client, p.scope);
  const notAsked = underway.size;
  // Ended once every machine of the rest has been handed out and none of their polls is in the
  // main lane any more: each has its answer, or has turned slow and waits on its miner in the
  // straggler lane. The pass no longer waits on anything then: the polls still under way are
  // carried on to their deadlines (the read deadline for a straggler, a learned wait for the rest),
  // and stragglers not yet handed out are asked the same way. Before, they were given up 2 s after
  // the rest was done: a first sweep (nothing known of who is silent) slept that long at its end,
  // and a miner answering in 4 s, once it had failed, was given up every sweep before it answered.
  let restHandedOut = false;
  let restInMainLane = 0;
  let ended = false;
  // Workers waiting on a poll, each let go when its poll ends or the pass does, whichever is first.
  // Not a race of the poll with a promise of the pass's end: each race left a reaction on that one
  // promise, held until the pass ended (50,000 in a sweep of 50,000, promoted to the old generation).
  const waitingOnPolls = new Set<() => void>();
  const untilPollOrPassEnds = (polling: Promise<void>): Promise<void> => {
    if (ended) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      waitingOnPolls.add(resolve);
      polling.then(
        () => {
          waitingOnPolls.delete(resolve);
          resolve();
        },
        (error: unknown) => {
          waitingOnPolls.delete(resolve);
          reject(error);
        },
      );
    });
  };
  const restLeftMainLane = () => {
    restInMainLane--;
    if (restHandedOut && restInMainLane === 0) endPass();
  };
  // Counted here, as it is handed out, not when its poll starts: a worker told that the rest is
  // all handed out must not find zero while another is about to start the last machine's poll.
  const nextOfRest = async () => {
    const m = await p.rest();
    if (m !== undefined) restInMainLane++;
    else if (!restHandedOut) {
      restHandedOut = true;
      if (restInMainLane === 0) endPass();
    }
    return m;
  };
  const { main, straggler } = client.capacity;
  const mainWorkers = Math.min(p.concurrency ?? main, total || 1);
  const stragglerWorkers = Math.min(straggler, total || 1);

  // Polls under way, and those carried past the pass's end, by machine (two machines may share an
  // address): each carried one counted in the totals at what is known of it (like a machine not
  // asked) and its reading handed to `write` when it comes; let go for the next pass once written.
  const inFlight = new Map<number, MachineToPoll>();
  const carriedNow = new Map<number, MachineToPoll>();
  let carried = 0;
  let workersDone = false;
  let allCarriedWritten!: () => void;
  let carriedFailed!: (error: unknown) => void;
  const carriedWritten = new Promise<void>((resolve, reject) => {
    allCarriedWritten = resolve;
    carriedFailed = reject;
  });
  // Marked handled: a caller that drops the pass's carried polls does not take the process down.
  carriedWritten.catch(() => {});
  /** Every poll of the pass has ended: the workers are done and nothing carried still waits. */
  const allPollsOver = () => workersDone && inFlight.size === 0;
  const carryOn = (m: MachineToPoll) => {
    carriedNow.set(m.id, m);
    carried++;
    countAsLastKnown(m);
  };
  const flushCarried = () => {
    const last = allPollsOver();
    const ids = buffer.map((x) => x.record.machineId);
    flush().then(() => {
      for (const id of ids) carriedNow.delete(id);
      if (last) allCarriedWritten();
    }, carriedFailed);
  };
  const endPass = () => {
    if (ended) return;
    ended = true;
    for (const m of inFlight.values()) carryOn(m);
    for (const letGo of waitingOnPolls) letGo();
    waitingOnPolls.clear();
  };

  // A suspended async function keeps all its locals, dead or not: a worker's loop waiting for its
  // next machine's slot held its last reply, decoded and raw, for seconds, so V8 moved it to the
  // old generation, where only a full collection frees it. One poll's reply lives in `pollOne`'s
  // frame, gone once it returns.
  //
  // The rest has one worker per main-lane slot, and one more for each of its polls that turns slow
  // and leaves its slot for the straggler lane (`onStraggling`): the new worker takes the freed slot,
  // and the old one ends with its slow poll. Started up front, as many workers again as the
  // straggler lane has room for each took a machine and queued its poll for a slot, every one alive
  // long enough to be copied by the garbage collector: about a tenth of a poll's CPU.
  const workers: Promise<void>[] = [];
  const startWorker = (next: () => Promise<MachineToPoll | undefined>, lane: Lane) => {
    const working = work(next, lane);
    // Marked handled: one that fails while the pass awaits others fails it where all are awaited.
    working.catch(() => {});
    workers.push(working);
  };
  const work = async (next: () => Promise<MachineToPoll | undefined>, lane: Lane): Promise<void> => {
    for (let m = await next(); m !== undefined; m = await next()) {
      if (underway.has(m.id)) {
        if (lane === 'main') restLeftMainLane();
        continue;
      }
      let replaced = false;
      const polling = pollOne(m, lane, () => {
        // Once a poll: a retried attempt that turns slow again has already been replaced.
        if (replaced) return;
        replaced = true;
        if (!restHandedOut) startWorker(nextOfRest, 'main');
      });
      // A failed write also fails the pass's last flush: once the pass has ended, that is where.
      polling.catch(() => {});
      await untilPollOrPassEnds(polling);
      if (replaced) return;
    }
  };
  const count = (
    m: MachineToPoll,
    r: { answered: boolean; status: MachineStatus; lastGoodThs: number | null },
  ) => {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const t = tallies.get(m.site) ?? emptyTally();
    tallies.set(m.site, t);
    tally(t, r);
  };
  /** A machine with no reading in the pass's counts (carried, or not asked): as it was last known. */
  const countAsLastKnown = (m: MachineToPoll) =>
    count(m, { answered: false, status: m.status, lastGoodThs: m.lastGoodThs });
  for (const m of underway.values()) countAsLastKnown(m);
  /** Polls one machine and keeps its result; ends with the write in flight when the writer is behind. */
  const pollOne = async (m: MachineToPoll, lane: Lane, onStraggling: () => void): Promise<void> => {
    const request = m.dna ? POLL_REQUEST : POLL_WITH_VERSION;
    // Only a machine whose last poll kept the poller waiting (timed out) waits in the straggler lane
    // from the start: one that merely answered slowly (a busy collector makes every answer slow)
    // works in the main lane. The rest, whose last poll was quick or failed fast (or who have none:
    // every machine, in the first sweep after registration), wait only as long as the fleet's recent
    // answers say (the client's `learn`), a machine's own last answer stretching its wait: one gone
    // silent would otherwise keep its socket for the whole read deadline. A straggler keeps the read
    // deadline: one that answers, but slowly, is never cut short for it; its answer teaches the
    // learned waits all the same.
    inFlight.set(m.id, m);
    if (ended) carryOn(m);
    let inMainLane = lane === 'main';
    const straggling = () => {
      if (!inMainLane) return;
      inMainLane = false;
      restLeftMainLane();
    };
    let reply: MinerResult | undefined;
    let polled: Polled | undefined;
    try {
      reply = await client.request(
        { host: m.address, port: m.port },
        request,
        lane === 'main'
          ? {
              lane,
              learn: true,
              onStraggling: () => {
                straggling();
                onStraggling();
              },
              ...(m.lastAnswerMs === undefined ? {} : { lastAnswerMs: m.lastAnswerMs }),
            }
          : { lane: m.failures > 0 ? 'straggler' : 'main', teach: true },
      );
      polled = judge(m, reply, offlineAfter);
    } finally {
      inFlight.delete(m.id);
      straggling();
      // A carried poll that threw has no reading to write: let go, or the pass's carried polls would
      // never settle (a stop waiting on them for ever, the machine never asked again).
      if (polled === undefined && carriedNow.delete(m.id) && allPollsOver()) flushCarried();
    }
    if (carriedNow.has(m.id)) {
      // Carried past the pass's end: its reading is the pass's all the same, written when it comes.
      buffer.push(polled);
      if (buffer.length >= flushSize || allPollsOver()) flushCarried();
      return;
    }
    latencies.push(reply.durationMs);
    buffer.push(polled);
    const kind = polled.record.failureKind;
    if (kind === undefined) answered++;
    else failures[kind] = (failures[kind] ?? 0) + 1;
    count(m, {
      answered: polled.record.answered,
      status: polled.change?.to ?? m.status,
      lastGoodThs: polled.record.answered ? (polled.record.ths ?? null) : m.lastGoodThs,
    });
    done++;
    p.onProgress?.(done, total);
    // Keep writes flowing while polling; wait only when the writer falls behind (the write is
    // returned, not awaited here, so that this frame and its reply are let go meanwhile).
    if (buffer.length >= flushSize) {
      const written = flush();
      if (queued > 2) return written;
    }
  };
  // Stragglers (their last poll kept the poller waiting) and the rest are polled side by side, each
  // in its own lane of the client: however many miners are silent, trickling or flooding, waiting on
  // them never holds up the ones that answer at once; a poll of the rest that turns slow frees its
  // main slot to a fresh poll (`work`).
  for (let i = 0; i < stragglerWorkers; i++) startWorker(p.stragglers, 'straggler');
  for (let i = 0; i < mainWorkers; i++) startWorker(nextOfRest, 'main');
  // Workers started meanwhile (for polls turned slow) are awaited in the next round.
  for (let awaited = 0; awaited < workers.length; ) {
    const round = workers.slice(awaited);
    awaited = workers.length;
    await Promise.all(round);
  }
  endPass();
  workersDone = true;
  if (allPollsOver()) flushCarried();
  else await flush();
  await writing;
  carry(client, p.scope, carriedNow, carriedWritten);
  return {
    done,
    answered,
    failures,
    byStatus,
    statusChanges,
    tallies,
    latencies,
    notAsked,
    carried,
    carriedWritten,
  };
}

/** A pass's counts as a sweep report states them. */
export function passReport(
  pass: PassResult,
): Pick<
  SweepReport,
  | 'machines'
  | 'answered'
  | 'failed'
  | 'failures'
  | 'statusChanges'
  | 'byStatus'
  | 'measuredThs'
  | 'latencyMs'
  | 'notAsked'
  | 'carried'
> {
  const sorted = Float64Array.from(pass.latencies).sort();
  const pct = (p: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  let measuredThs = 0;
  for (const t of pass.tallies.values()) measuredThs += t.ths;
  return {
    machines: pass.done,
    answered: pass.answered,
    failed: pass.done - pass.answered,
    failures: pass.failures,
    statusChanges: pass.statusChanges,
    byStatus: pass.byStatus,
    measuredThs: Math.round(measuredThs * 1000) / 1000,
    latencyMs: { p50: round1(pct(0.5)), p99: round1(pct(0.99)), max: round1(sorted.at(-1) ?? 0) },
    notAsked: pass.notAsked,
    carried: pass.carried,
  };
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** Hands out what `first` has, then what `second` has. */
function oneAfterAnother<T>(first: () => Promise<T | undefined>, second: () => Promise<T | undefined>) {
  let firstDone = false;
  return async (): Promise<T | undefined> => {
    if (!firstDone) {
      const x = await first();
      if (x !== undefined) return x;
      firstDone = true;
    }
    return second();
  };
}

/**
 * Hands out one part's registered machines one at a time, a page at a time, the next page asked
 * for as soon as one arrives: read when the last one ran out, every worker waited for it, and the
 * sweep's slots emptied meanwhile (ten times a sweep of 50,000; the query's answer takes longest
 * in a first sweep, while the database writes every machine's first state). Reading it early reads
 * the same rows: the part is walked in id order, and no machine beyond the page being polled has
 * been polled in this sweep yet.
 */
function pager(
  ctx: AppContext,
  { sweep, part, pageSize }: { sweep: number; part: SweepPart; pageSize: number },
): () => Promise<MachineToPoll | undefined> {
  const fetch = (afterId: number) => {
    const rows = machinesToPoll(ctx.db, { sweep, part, afterId, limit: pageSize });
    // Marked handled: a failed read surfaces where it is awaited, when its page is wanted.
    rows.catch(() => {});
    return rows;
  };
  let page: MachineToPoll[] = [];
  let index = 0;
  let upcoming: Promise<MachineToPoll[]> | undefined;
  let started = false;
  let turning: Promise<void> | undefined;
  return async () => {
    for (;;) {
      if (index < page.length) return page[index++];
      if (!started) {
        started = true;
        upcoming = fetch(0);
      }
      if (upcoming === undefined) return undefined;
      turning ??= upcoming.then((rows) => {
        page = rows;
        index = 0;
        upcoming = rows.length < pageSize ? undefined : fetch(rows.at(-1)!.id);
        turning = undefined;
      });
      await turning;
    }
  };
}

/**
 * One poll's reply (or failure) → what to store and whether the machine's status changed. A reply
 * is believed only whole (a short read failed in the client) and only with figures a machine of
 * its model can give: anything else is a protocol error, its figures never stored or totalled.
 */
function judge(m: MachineToPoll, reply: MinerResult, offlineAfter: number): Polled {
  let outcome: PollOutcome;
  let t: NormalisedTelemetry | undefined;
  let refused: Polled['refused'];
  if (reply.ok) {
    t = normalise(reply);
    const other = otherMachine(m, t);
    const nominalThs = modelNominalThs(m.model) ?? t.hashrateThs?.nominal;
    const refusal = other
      ? undefined
      : refuseFigures({ status: t.status, hashrateThs: t.hashrateThs, nominalThs });
    if (other) {
      outcome = {
        ok: false,
        failure: `${m.address} now answers as another machine (${other}); rescan the site to update addresses`,
      };
    } else if (refusal) {
      refused = t.hashrateThs === undefined ? 'no-hashrate' : 'implausible-hashrate';
      outcome = { ok: false, failure: refusal, protocol: true };
    } else outcome = { ok: true, status: t.status, reason: t.statusReason };
  } else {
    outcome = { ok: false, failure: reply.message, protocol: PROTOCOL_FAILURES.has(reply.failure) };
  }
  const next = afterPoll({ status: m.status, consecutiveFailures: m.failures }, outcome, offlineAfter);
  const polled: Polled = {
    record: outcome.ok
      ? {
          machineId: m.id,
          answered: true,
          durationMs: reply.durationMs,
          failures: 0,
          health: next.status,
          healthReason: next.reason,
          ths: t?.hashrateThs?.recent ?? t?.hashrateThs?.average,
          chipMaxC: t?.temperatures?.hottestChipC,
          inletC: t?.temperatures?.inletC,
          powerW: t?.powerW,
          // Whole, the decoder's bookkeeping (commands read, repairs made) included: it tells
          // operations what the figures came from, and copying the record without it cost more
          // than serialising it.
          telemetryJson: JSON.stringify(t),
        }
      : {
          machineId: m.id,
          answered: false,
          durationMs: reply.durationMs,
          failures: next.consecutiveFailures,
          failure: outcome.failure,
          failureKind: reply.ok ? (refused ?? 'wrong-machine') : reply.failure,
        },
  };
  if (next.change) polled.change = { machineId: m.id, ...next.change };
  if (refused) polled.refused = refused;
  return polled;
}

/** The identity in the reply when it is not this machine's; undefined when it matches or is absent. */
function otherMachine(m: MachineToPoll, t: NormalisedTelemetry): string | undefined {
  if (m.dna && t.dna && t.dna !== m.dna) return `DNA ${t.dna}`;
  if (m.mac && t.mac && t.mac !== m.mac) return `MAC ${t.mac}`;
  return undefined;
}

/**
 * A batch's state, series and status changes in one transaction: the changes are a ledger event
 * (business facts: someone acts on a machine that went board-down), the figures are not.
 */
async function writeBatch(
  ctx: AppContext,
  actor: Actor,
  batch: Polled[],
  poll: { sweep: number; at: Date; bucket: Date },
): Promise<number> {
  if (batch.length === 0) return 0;
  await inTransaction(ctx.db, (tx) => storeBatch({ ...ctx, db: tx }, actor, batch, poll));
  return batch.length * 2 + batch.filter((p) => p.change).length;
}

/** A batch's writes inside the caller's transaction (`ctx.db`): a site agent adds its own key to them. */
export async function storeBatch(
  ctx: AppContext,
  actor: Actor,
  batch: Polled[],
  poll: { sweep: number; at: Date; bucket: Date },
): Promise<void> {
  const { sweep, at } = poll;
  const changes = batch.flatMap((p) => (p.change ? [p.change] : []));
  await writePolls(
    ctx.db,
    batch.map((p) => p.record),
    poll,
  );
  if (changes.length > 0) {
    await recordFleet(
      ctx,
      {
        actor,
        kind: 'fleet.statuses-changed',
        stream: `fleet-sweep:${sweep}`,
        request: { sweep, changes },
      },
      async () => ({ sweep, observedAt: at.toISOString(), changes }) satisfies StatusesChanged,
      async () => undefined,
    );
  }
}
