/**
 * The job engine of several processes on one PostgreSQL server: pg-boss (pinned; pure JavaScript
 * on PostgreSQL, no binary, no other service). It gives what a home-made scheduler would get
 * wrong: a job on a `stately` queue is active in one process at a time, and a job whose process
 * died expires after its lease and is taken up by another. The embedded database has no job engine:
 * one process, so every periodic task runs on a timer there (`inProcess`).
 */
import type Boss from 'pg-boss';
import type { Logger } from 'pino';
import type { DatabaseTarget } from '../db/db.js';
import { waitAtMost, wakeableNap } from '../kernel/nap.js';
import { type BossPool, bossPool } from './boss-pool.js';

/** A task run every `seconds`, at most once at a time across every process that registers it. */
export interface Periodic {
  /**
   * `holdBack`, asked before each look at the queue, says how many ms to wait before that look:
   * a process that should leave the next run to another gives the others the first look.
   */
  every(
    name: string,
    o: { seconds: number; leaseSeconds?: number; holdBack?: () => number },
    work: () => Promise<void>,
  ): Promise<() => Promise<void>>;
  /**
   * Works the one-off jobs other processes send to `name` (a `JobSender`), each run once: a job
   * whose process died is not run again (a control acted on twice would reboot a miner twice).
   * Up to `atOnce` run together, each taken up as soon as there is room and finished on its own:
   * a long job (a work mode waiting for its machine to come back from a reboot) holds one place,
   * not the queue.
   * The returned stop takes no more and waits a while for those under way.
   */
  work(
    name: string,
    o: { expireInSeconds: number; atOnce: number },
    handle: (data: unknown, job: Taken) => Promise<void>,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** A one-off job as taken up. */
export interface Taken {
  /**
   * How long it waited in the queue, from sending to taking up, as the database's clock tells (both
   * times are pg-boss's, set by `now()`): the sender's and the worker's clocks need not agree.
   */
  waitedMs: number;
}

/** Sends one-off jobs to a queue another process works (`Periodic.work`). */
export interface JobSender {
  send(name: string, data: object, o: { expireInSeconds: number }): Promise<void>;
}

/** How often expired leases are looked for: bounds the take-over time beside the lease itself. */
export const SUPERVISE_SECONDS = 5;
/** A worker asks for its queue's next job this often. */
const FETCH_SECONDS = 1;
/** A one-off job's worker (`work`) asks this often: a control's pick-up time. */
const FETCH_MS = 500;

type Server = Extract<DatabaseTarget, { kind: 'server' }>;

/** pg-boss on the server, in a schema of its own beside the application's. */
export async function serverJobs(target: Server, log: Logger): Promise<Periodic> {
  const pool = await bossPool(target.url, 3, log);
  const boss = await startedBoss(
    pool,
    {
      schema: `${target.schema ?? 'hashforge'}_jobs`,
      supervise: true,
      maintenanceIntervalSeconds: SUPERVISE_SECONDS,
      // Archives of finished jobs: a day is plenty to see what ran.
      archiveCompletedAfterSeconds: 3600,
      deleteAfterDays: 1,
    },
    'job engine',
    log,
  );
  const unheard = (reason: unknown) => {
    if (!lostCompletion(reason)) throw reason;
    log.warn(
      { err: reason },
      'job engine: a finished job could not be recorded (the database is out of reach): it expires and runs again',
    );
  };
  process.on('unhandledRejection', unheard);
  /** Jobs a stopped worker's last look brought, being handed back: the pool stays open for them. */
  const handingBack = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  /**
   * The stops of every worker, periodic or one-off, ours rather than pg-boss's: its stop does not know
   * them, and a job under way outlived the close (a control still writing its results after it).
   */
  const workers = new Set<() => Promise<void>>();
  /** `stop` as the caller's to call, and the close's until then. */
  const kept = (stop: () => Promise<void>) => {
    workers.add(stop);
    return async () => {
      workers.delete(stop);
      await stop();
    };
  };
  let making: Promise<void> = Promise.resolve();
  /**
   * Set when the close begins: a worker asked for after it (a start still registering its tasks
   * when a shutdown came) is not started, as the close would not know to stop it.
   */
  let closing = false;
  const notStarted = async () => {};
  return {
    async every(name, { seconds, leaseSeconds = Math.max(30, seconds * 2), holdBack }, work) {
      // A process makes its queues one at a time (`every` chains them): pg-boss 10 makes each
      // queue's table with DDL on one shared parent and two at once deadlock.
      const made = making.then(() =>
        ensureQueue(boss, name, {
          name,
          // One job waiting and one running per queue, across every process.
          policy: 'stately',
          expireInSeconds: leaseSeconds,
          retryLimit: 1_000_000,
          retryDelay: 0,
        }),
      );
      making = made.catch(() => {});
      await made;
      if (closing) return notStarted;
      // Every process offers the next run; `singletonSeconds` makes one job of each interval.
      const offer = () =>
        boss
          .send(name, {}, { singletonSeconds: seconds, expireInSeconds: leaseSeconds, retryLimit: 1_000_000 })
          .catch((error: unknown) => log.debug({ err: error, queue: name }, 'could not offer a job'));
      void offer();
      const timer = setInterval(offer, Math.max(1, seconds / 4) * 1000);
      timer.unref();
      timers.add(timer);
      const stopWorking = kept(
        workPeriodic({ boss, name, log, handingBack }, leaseSeconds, work, holdBack ?? (() => 0)),
      );
      return async () => {
        clearInterval(timer);
        timers.delete(timer);
        await stopWorking();
      };
    },
    async work(name, { expireInSeconds, atOnce }, handle) {
      const made = making.then(() =>
        ensureQueue(boss, name, { name, policy: 'standard', expireInSeconds, retryLimit: 0 }),
      );
      making = made.catch(() => {});
      await made;
      if (closing) return notStarted;
      return kept(workAtOnce({ boss, name, log, handingBack }, atOnce, handle));
    },
    async close() {
      closing = true;
      for (const t of timers) clearInterval(t);
      try {
        await Promise.all([...workers].map((stop) => stop()));
        // pg-boss's own stop fails the jobs its internal workers hold: a statement that a link gone
        // silent holds as well, hence the bound.
        await waitAtMost(
          boss
            .stop({ graceful: true, wait: true, timeout: 1_000 })
            .catch((error: unknown) => log.warn({ err: error }, 'job engine: its stop failed')),
          STOP_WAIT_MS,
        );
        // One grace for the jobs being handed back and the connections: the hand-backs go first (an
        // ended pool takes no statement), then whatever connection is still held is cut, and a fetch
        // the link holds ends with it, its loop, stopped, then too.
        const from = Date.now();
        await waitAtMost(Promise.all(handingBack), CUT_AFTER_MS);
        await pool.close(Math.max(0, CUT_AFTER_MS - (Date.now() - from)));
      } finally {
        process.off('unhandledRejection', unheard);
      }
    },
  };
}

/** How long a stopped worker waits for the jobs under way to finish, as pg-boss's own stop does. */
const STOP_WAIT_MS = 10_000;
/** How long a closing engine lets its connections be given back before it cuts them. */
const CUT_AFTER_MS = 2_000;

/** A queue as its worker works it, and the engine's hand-backs under way (`fetchUnlessStopped`). */
interface Queue {
  boss: Boss;
  name: string;
  log: Logger;
  handingBack: Set<Promise<void>>;
}

/** A worker's stop: a flag its loop looks at, and a promise that a wait in the loop races against. */
interface Halt {
  stopped: boolean;
  signal: Promise<void>;
  stop(): void;
}

function halt(): Halt {
  let flip = () => {};
  const h: Halt = {
    stopped: false,
    signal: new Promise<void>((resolve) => {
      flip = resolve;
    }),
    stop() {
      h.stopped = true;
      flip();
    },
  };
  return h;
}

/**
 * A worker's look at its queue, which a stop does not wait for: a link gone silent holds a fetch
 * until the engine cuts its connections, and the stop would wait as long. pg-boss answers a failed
 * fetch with no jobs (a throw would end the loop, and the worker with it). Undefined once stopped:
 * jobs the fetch brings then are not run but handed back, failed, for another process to take up
 * (a periodic task's queue retries at once; a control's is dropped, as it would be on expiry).
 */
async function fetchUnlessStopped<T extends { id: string }>(
  q: Queue,
  fetch: Promise<T[]>,
  h: Halt,
): Promise<T[] | undefined> {
  const { boss, name, log } = q;
  const fetched = fetch.catch(() => [] as T[]);
  const jobs = await Promise.race([fetched, h.signal.then(() => undefined)]);
  if (!h.stopped) return jobs ?? [];
  const handBack: Promise<void> = fetched
    .then((late) =>
      Promise.all(
        late.map((j) => boss.fail(name, j.id, { message: 'taken up as its worker stopped: handed back' })),
      ),
    )
    .then(
      () => undefined,
      (error: unknown) =>
        log.warn(
          { err: error, queue: name },
          'job engine: a job taken as its worker stopped was not handed back',
        ),
    )
    .finally(() => q.handingBack.delete(handBack));
  q.handingBack.add(handBack);
  return undefined;
}

/**
 * Works a periodic task's queue as pg-boss's own worker does (a job, then at once the next if the job
 * took longer than a look's interval, else a look a second after the last; a job not done within its
 * lease given up here as pg-boss expires it there), with one difference: before each look it waits
 * what `holdBack` says. pg-boss's worker looks again at once after a long job, and so a process that
 * had a task kept it against every other looking once a second. The stop takes no more and waits a
 * while for the job under way, as pg-boss's own stop does.
 */
function workPeriodic(
  q: Queue,
  leaseSeconds: number,
  work: () => Promise<void>,
  holdBack: () => number,
): () => Promise<void> {
  const { boss, name, log } = q;
  const h = halt();
  const { nap, wake } = wakeableNap();
  /** The job under way: what a stop waits for, a while. */
  let under: Promise<void> = Promise.resolve();
  const runJob = async (id: string) => {
    let lapse: NodeJS.Timeout | undefined;
    const lease = new Promise<never>((_, reject) => {
      lapse = setTimeout(
        () => reject(new Error(`not done within its lease of ${leaseSeconds} s`)),
        leaseSeconds * 1000,
      );
    });
    // The database out of reach: the job, never marked done, expires after its lease and runs again.
    await recordEnd(
      boss,
      name,
      id,
      Promise.race([work(), lease]).finally(() => clearTimeout(lapse)),
      log,
    );
  };
  const loop = async () => {
    while (!h.stopped) {
      const started = Date.now();
      const wait = holdBack();
      if (wait > 0) await nap(wait);
      if (h.stopped) break;
      const jobs = await fetchUnlessStopped(q, boss.fetch<object>(name), h);
      if (jobs === undefined) break;
      const [job] = jobs;
      if (job) {
        under = runJob(job.id);
        await under;
      }
      const rest = FETCH_SECONDS * 1000 - (Date.now() - started);
      if (!h.stopped && rest > 100) await nap(rest);
    }
  };
  loop().catch((error: unknown) => log.error({ err: error, queue: name }, 'job engine: a worker ended'));
  return async () => {
    h.stop();
    wake();
    await waitAtMost(under, STOP_WAIT_MS);
  };
}

/** Marks a job done or failed by how `work` ended; a failure to record it is logged, never thrown. */
function recordEnd(boss: Boss, name: string, id: string, work: Promise<unknown>, log: Logger): Promise<void> {
  return work
    .then(
      () => boss.complete(name, id),
      (error: unknown) =>
        boss.fail(name, id, { message: error instanceof Error ? error.message : String(error) }),
    )
    .then(
      () => undefined,
      (error: unknown) =>
        log.warn({ err: error, queue: name }, 'job engine: a finished job could not be recorded'),
    );
}

/**
 * Runs a queue's jobs, up to `atOnce` together, each completed (or failed) on its own. pg-boss's
 * `work` would take a batch and hold the next fetch until the whole batch ended, so a job sent while
 * a long one ran waited for it; here a fetch asks for as many jobs as there are free places, and a
 * job's end frees its place at once.
 */
function workAtOnce(
  q: Queue,
  atOnce: number,
  handle: (data: unknown, job: Taken) => Promise<void>,
): () => Promise<void> {
  const { boss, name, log } = q;
  const running = new Set<Promise<void>>();
  const h = halt();
  const { nap, wake } = wakeableNap();
  const run = (job: Boss.JobWithMetadata<object>) => {
    const waitedMs = job.startedOn.getTime() - job.createdOn.getTime();
    // The database out of reach: the job, never marked done, expires after its lease (and is not run again).
    const done = recordEnd(boss, name, job.id, handle(job.data, { waitedMs }), log).then(() => {
      running.delete(done);
      wake();
    });
    running.add(done);
  };
  const loop = async () => {
    while (!h.stopped) {
      const room = atOnce - running.size;
      const jobs =
        room > 0
          ? await fetchUnlessStopped(
              q,
              boss.fetch<object>(name, { batchSize: room, includeMetadata: true }),
              h,
            )
          : [];
      if (jobs === undefined) break;
      for (const job of jobs) run(job);
      // Full, or the queue empty: until a job ends or the next look.
      if (!h.stopped && (room === 0 || jobs.length < room)) await nap(FETCH_MS);
    }
  };
  loop().catch((error: unknown) => log.error({ err: error, queue: name }, 'job engine: a worker ended'));
  return async () => {
    h.stop();
    wake();
    await waitAtMost(Promise.all(running), STOP_WAIT_MS);
  };
}

/**
 * A sender to pg-boss on the server, opened at its first send: most commands never send a job,
 * and those that do (a control at an agent-served site) should not pay for it at start.
 */
export function lazyServerSender(target: Server, log: Logger): JobSender & { close(): Promise<void> } {
  /** The pool as soon as it is made: a close cuts a start that a link gone silent holds. */
  let pool: BossPool | undefined;
  let opening: Promise<Boss> | undefined;
  const open = async () => {
    pool = await bossPool(target.url, 2, log);
    // It only sends: the processes that work the queues supervise and schedule them.
    return startedBoss(
      pool,
      { schema: `${target.schema ?? 'hashforge'}_jobs`, supervise: false, schedule: false },
      'job sender',
      log,
    );
  };
  return {
    async send(name, data, { expireInSeconds }) {
      opening ??= open().catch((error: unknown) => {
        opening = undefined;
        throw error;
      });
      // Not picked up within its time, it is dropped rather than run late.
      await (await opening).send(name, data, {
        expireInSeconds,
        retentionSeconds: expireInSeconds,
        retryLimit: 0,
      });
    },
    async close() {
      if (!opening) return;
      // A start held by a link gone silent never ends: it has the grace, then its connection is cut.
      const boss = await waitAtMost(
        opening.catch(() => undefined),
        CUT_AFTER_MS,
      );
      await boss?.stop({ graceful: false, wait: true });
      await pool?.close(CUT_AFTER_MS);
    },
  };
}

/**
 * pg-boss over a pool of ours, started. A start that fails ends the pool: nothing else will use it
 * (pg drops a connection whose statement failed, but keeps those given back idle for seconds).
 */
async function startedBoss(
  pool: BossPool,
  options: Omit<Boss.ConstructorOptions, 'db'>,
  who: string,
  log: Logger,
): Promise<Boss> {
  try {
    const { default: PgBoss } = await import('pg-boss');
    const boss = new PgBoss({ db: pool.db, ...options });
    // A lost connection is reported here and retried by pg-boss on its next fetch; unheard, the
    // report would end the process.
    boss.on('error', (error: Error) => log.warn({ err: error }, `${who}: ${error.message}`));
    await boss.start();
    return boss;
  } catch (error) {
    await pool.close(0);
    throw error;
  }
}

/** Errors of a connection that could not be made or was cut: the link to the database is down. */
const LINK_DOWN = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The database's own word that it is going away or not there yet (SQLSTATE class 08, connection
 * exceptions; 57P01-57P03, shut down by an administrator, after a crash, not yet accepting): what a
 * client hears when the server is stopped rather than the network cut (`pg_ctl stop`: 57P01 to the
 * open connections, 57P03 to new ones while it shuts down; an agent died of the latter).
 */
const linkDownCode = (code: string): boolean =>
  LINK_DOWN.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code);

/**
 * pg-boss 10 records a job's end without waiting for it or catching its failure (`manager.js`,
 * `work`: `this.complete(...)` unawaited): with the database out of reach when a job ends (a site
 * agent's link cut in the middle of a sweep) that rejection would end the process. Only that one is
 * heard here; the job, never marked done, expires after its lease like any other.
 */
export function lostCompletion(reason: unknown): boolean {
  const e = reason as { code?: unknown; stack?: unknown; message?: unknown } | null;
  const link =
    (typeof e?.code === 'string' && linkDownCode(e.code)) ||
    (typeof e?.message === 'string' && /Connection terminated/.test(e.message));
  return link && typeof e?.stack === 'string' && /pg-boss[\\/]src[\\/]manager\.js/.test(e.stack);
}

type QueueOptions = NonNullable<Parameters<Boss['createQueue']>[1]>;

/** Deadlock, unique violation, relation already there: the marks of another process creating it too. */
const RACED = new Set(['40P01', '23505', '42P07']);

/**
 * Creates a queue unless it exists. Processes started together (two `serve`, the agents of a site)
 * create the same queue at once, and pg-boss's creation (a row and a partition per queue) can then
 * deadlock, or meet the other's row; the loser waits a moment (apart from the others by its pid) and finds the queue made.
 */
async function ensureQueue(boss: Boss, name: string, options: QueueOptions): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (await boss.getQueue(name)) return;
      await boss.createQueue(name, options);
      return;
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (attempt >= 5 || typeof code !== 'string' || !RACED.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt + (process.pid % 7) * 20));
    }
  }
}

/** One process: a timer per task; a run that overruns delays the next instead of overlapping it. */
export function inProcess(log: Logger): Periodic {
  const stops = new Set<() => Promise<void>>();
  return {
    async every(name, { seconds }, work) {
      let stopped = false;
      let timer: NodeJS.Timeout | undefined;
      let running: Promise<void> = Promise.resolve();
      const tick = () => {
        const started = Date.now();
        running = work()
          .catch((error: unknown) => log.error({ err: error, task: name }, `${name} failed`))
          .finally(() => {
            if (!stopped) timer = setTimeout(tick, Math.max(0, started + seconds * 1000 - Date.now()));
          });
      };
      timer = setTimeout(tick, 0);
      const stop = async () => {
        stopped = true;
        clearTimeout(timer);
        await running;
        stops.delete(stop);
      };
      stops.add(stop);
      return stop;
    },
    // One process, no other to send it anything: nothing to work (controls go straight to the miners).
    async work() {
      return async () => {};
    },
    async close() {
      for (const stop of [...stops]) await stop();
    },
  };
}
