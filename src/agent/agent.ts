/**
 * A site agent: polls the machines of the sites it holds and writes to the central database.
 * Sites are shared between agents through leases on pg-boss (a `stately` queue per site: one
 * sweep of a site active at a time across every agent; a dead agent's job expires after the lease
 * and another agent takes it). Every sweep goes through the local spool and a forwarder: while the
 * link home is down the spool fills; when it comes back the forwarder empties it in order, each part
 * once (`forward.ts`).
 *
 * Cut off, the agent cannot renew or hand on anything: the sweep under way ends within its lease
 * (pg-boss gives the site to another agent only once that lease has expired), and after it the
 * agent sweeps on its own timer, under no lease (`keptThroughCut`): the sites it served lately that
 * no other agent seen live at its last mark serves, and of the shared sites those it wins by
 * rendezvous among their sharers, a lease after the cut. It cannot tell its own cut from everyone's,
 * so it plans for everyone's: with the database down for every agent, each shared site goes on
 * being swept by exactly one of them (when each knew the same sharers; when they knew different
 * ones, by at least one). When only this agent is cut, a shared site it won is swept by the live
 * agent holding the lease as well; on replay its own off-lease sweeps that overlap the live one's
 * are dropped (`forward.ts`), so nothing is counted twice. Shared sites it does not win it leaves,
 * with a log line naming who takes them. An agent that starts, or whose own link returns, during
 * the cut of one that served a site alone takes the site as usual, unseen by the cut one: the
 * replay drops what overlaps there too.
 */
import { hostname } from 'node:os';
import type { Actor, AppContext } from '../app/context.js';
import { carriedPollsWritten } from '../fleet/carried.js';
import { bucketStart, TOTALS_BUCKET_MINUTES } from '../fleet/model.js';
import { reconcilePower } from '../fleet/reconcile.js';
import type { Periodic } from '../jobs/boss.js';
import { wakeableNap } from '../kernel/nap.js';
import { workControls } from './control-worker.js';
import { forwardItems } from './forward.js';
import { AWAY_AFTER_SECONDS, forgetPresence } from './links.js';
import {
  centralCopyCurrent,
  dueThroughCut,
  heldSites,
  holdBackMs,
  type KnownMachine,
  keptThroughCut,
  type LeaseView,
  type SpoolItem,
  sitesToYield,
  sweepQueue,
  sweepTooSoon,
} from './model.js';
import { spoolSweep } from './site-sweep.js';
import type { Spool } from './spool.js';
import { markPresent, type Sharer, siteMachines } from './store.js';

export interface AgentOptions {
  name: string;
  sites: string[];
  intervalSeconds: number;
  /** A sweep not finished within this long is taken as lost: another agent may run the site. */
  leaseSeconds: number;
  offlineAfter: number;
  concurrency?: number;
}

const PRESENCE_SECONDS = 2;
/** How old the machines of a site the agent stands by for may get (`readStandby`). */
const STANDBY_READ_SECONDS = 60;
/**
 * Parts forwarded in one transaction: up to 2,000 readings a commit (the fleet's own sweep writes
 * 1,000), short enough that agents sharing the fleet's minute totals do not wait long on each other.
 */
const FORWARD_PARTS = 10;
/** Parts a sweep may be ahead of the forwarder while the link is up: two of its transactions. */
const AHEAD_PARTS = 2 * FORWARD_PARTS;
/** On a stop, how long the agent goes on forwarding its spool while the link is up. */
const DRAIN_SECONDS = 15;

export interface RunningAgent {
  /** Whether the central database answered the last time the agent tried it. */
  linkUp(): boolean;
  stop(): Promise<void>;
}

export async function runAgent(
  ctx: AppContext,
  actor: Actor,
  opts: AgentOptions,
  spool: Spool,
  jobs: Periodic,
): Promise<RunningAgent> {
  const me = { name: opts.name, host: hostname(), pid: process.pid };
  const log = ctx.log.child({ agent: opts.name });
  const known = new Map<string, Map<number, KnownMachine>>();
  const sweeping = new Set<string>();
  /** When this agent last swept each site: cut off, it keeps polling those no other agent serves. */
  const held = new Map<string, number>();
  /** When this agent last started a sweep of each site: cut off, it sweeps an interval after it. */
  const started = new Map<string, number>();
  /** The other live agents serving any of these sites, as the last mark of presence found them. */
  let sharers: Sharer[] = [];
  /** What the agent sweeps while cut off, and from when. */
  let throughCut: { site: string; notBefore: number }[] = [];
  let up = true;
  /** A backlog is being forwarded (after a cut, or left from a previous run): sweeps do not wait on it. */
  let replaying = true;
  /** Stopping: no new sweep starts. Stopped: the forwarder ends too. */
  let stopping = false;
  let stopped = false;

  const setLink = (now: boolean, why?: unknown) => {
    if (now === up) return;
    up = now;
    replaying = true;
    if (!now) {
      const cutAt = Date.now();
      const since = cutAt - (opts.leaseSeconds + 2 * opts.intervalSeconds) * 1000;
      const cut = keptThroughCut(
        opts.name,
        opts.sites,
        [...held].filter(([, t]) => t >= since).map(([s]) => s),
        sharers,
      );
      throughCut = cut.kept.map((k) => ({
        site: k.site,
        notBefore: k.sharedWith.length > 0 ? cutAt + opts.leaseSeconds * 1000 : cutAt,
      }));
      const kept = cut.kept
        .map((k) =>
          k.sharedWith.length > 0
            ? `${k.site} (shared with ${k.sharedWith.join(', ')}: ours by rendezvous, from ${opts.leaseSeconds} s on)`
            : k.site,
        )
        .join(', ');
      const left = cut.left.map((l) => `${l.site} to ${l.to}`).join(', ');
      log.warn(
        { err: why, sites: cut.kept, left: cut.left },
        `link to the database lost: polling ${kept || 'no site'} into the spool${left ? `; leaving ${left} once the sweep under way ends (theirs by rendezvous)` : ''}`,
      );
    } else log.warn('link to the database back: forwarding the spool');
  };

  // ---------------------------------------------------------------- reconciling
  /** Sites whose sweep came home since the reconciler last looked at them. */
  const swept = new Set<string>();
  let reconciling: Promise<void> | undefined;
  /**
   * The reconciler's look at the sites whose sweeps came home, as after the fleet's own sweep
   * (`reconcilePower`): one look at a time, beside the forwarder (a soft off's read-back takes
   * seconds, and the sweeps would wait on the forwarder meanwhile), and none while a backlog
   * replays — an old sweep's statuses are not the machines' now; its sites wait for the last.
   */
  const reconcileSwept = () => {
    if (reconciling || swept.size === 0 || replaying || stopping) return;
    const sites = [...swept];
    swept.clear();
    reconciling = reconcilePower(ctx, { sites })
      .then(() => undefined)
      .finally(() => {
        reconciling = undefined;
        reconcileSwept();
      });
  };

  // ---------------------------------------------------------------- forwarding
  /** The spool's number of the last part of each site this run spooled, and of the last forwarded. */
  const lastSpooled = new Map<string, number>();
  let forwardedThrough = 0;
  /** The forwarder's nap while the spool is empty, cut short by a sweep's new part. */
  const { nap, wake } = wakeableNap();
  /** Sweeps waiting for the forwarder to catch up, told after each batch it forwards. */
  const forwarded: (() => void)[] = [];
  const forwarding = (async () => {
    while (!stopped) {
      const parts = await spool.first(FORWARD_PARTS);
      if (parts.length === 0) {
        replaying = false;
        reconcileSwept();
        await nap(1000);
        continue;
      }
      try {
        const results = await forwardItems(
          ctx,
          actor,
          me,
          parts.map((p) => p.item),
        );
        results.forEach((r, i) => {
          const { item } = parts[i]!;
          if (r === 'already-stored')
            log.warn({ key: item.key }, `spooled part ${item.key} already stored: skipped`);
          if (r === 'stored' && item.kind === 'end') swept.add(item.site);
        });
        await spool.dropThrough(parts.at(-1)!.seq);
        forwardedThrough = parts.at(-1)!.seq;
        setLink(true);
        // A short read: the spool is (nearly) empty, whatever backlog it held is home.
        if (parts.length < FORWARD_PARTS) replaying = false;
        reconcileSwept();
        for (const done of forwarded.splice(0)) done();
      } catch (error) {
        setLink(false, error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  })();

  // While the link is up a sweep polls no faster than the database takes its readings, as the
  // fleet's own sweep does: polling has hundreds of sockets' work ready at every turn of the event
  // loop and the forwarder a round trip at a time, so a sweep left to run ahead took the thread and
  // the spool grew without end (5x behind in the scale bench). With the link down nothing waits,
  // nor while a backlog from a cut (or from before a restart) replays: polling goes on meanwhile.
  const spoolItem = async (item: SpoolItem) => {
    lastSpooled.set(item.site, await spool.append(item));
    wake();
    while (up && !replaying && !stopped && (await spool.size()).items > AHEAD_PARTS)
      await new Promise<void>((resolve) => {
        forwarded.push(resolve);
        setTimeout(resolve, 1000);
      });
  };

  // ---------------------------------------------------------------- sweeping
  /** When each site's machines were last read from the central copy. */
  const knownAt = new Map<string, number>();
  /**
   * The site's machines from the central copy, read again only once this agent's own parts of the
   * site have reached it (`centralCopyCurrent`); a site not known yet takes it as it is. Undefined
   * when the agent keeps the copy it holds.
   */
  const readMachines = async (site: string): Promise<KnownMachine[] | undefined> => {
    if (!up || (known.has(site) && !centralCopyCurrent(lastSpooled.get(site), forwardedThrough)))
      return undefined;
    return siteMachines(ctx.db, site);
  };
  const setKnown = (site: string, machines: KnownMachine[]) => {
    known.set(site, new Map(machines.map((m) => [m.id, m])));
    knownAt.set(site, Date.now());
  };

  const machinesOf = async (site: string): Promise<Map<number, KnownMachine> | undefined> => {
    try {
      const fresh = await readMachines(site);
      if (fresh) setKnown(site, fresh);
    } catch (error) {
      setLink(false, error);
    }
    return known.get(site);
  };

  /**
   * The machines of the sites this agent stands by for (another holds their leases: it has not swept
   * them lately), kept no older than STANDBY_READ_SECONDS: cut off, it may be the one that goes on
   * sweeping them, with only what it holds. Without it, an agent that had never swept a site it won
   * had nothing to poll. A sweep that starts while the read is out keeps its own copy, moved on by its
   * polls, whether it is still under way when the read comes back or already over: the read, from
   * before the sweep, is dropped. (Each sweep's start differs from the last: `sweepTooSoon`.)
   */
  const readStandby = async () => {
    for (const site of opts.sites) {
      const last = Math.max(started.get(site) ?? 0, knownAt.get(site) ?? 0);
      if (sweeping.has(site) || Date.now() - last < STANDBY_READ_SECONDS * 1000) continue;
      const sweptBefore = started.get(site);
      const fresh = await readMachines(site);
      if (fresh && !sweeping.has(site) && started.get(site) === sweptBefore) setKnown(site, fresh);
    }
  };

  /**
   * Whether the site's turn comes too soon after the last sweep this agent started (`sweepTooSoon`),
   * judged at `now`; if so it is skipped, with a log line.
   */
  const turnTooSoon = (site: string, now: number): boolean => {
    const last = started.get(site);
    if (!sweepTooSoon(now, last, opts.intervalSeconds * 1000)) return false;
    log.info(
      { site },
      `site ${site}: swept ${((now - (last ?? 0)) / 1000).toFixed(1)} s ago already: this sweep's turn skipped`,
    );
    return true;
  };

  /**
   * A sweep of the site; `offLease` when the agent makes it on its own timer through a cut. Its turn
   * is judged twice: at once, sparing the read of a turn too soon already, and again with the site's
   * machines read, at the instant the sweep starts and is named (`at`). Judged only before the read,
   * a sweep whose read waited on the database (4 s on a lock) started as it came back, and pg-boss's
   * next job, queued meanwhile, started another 25 ms later.
   */
  const sweepSite = async (site: string, offLease = false) => {
    if (sweeping.has(site) || stopping || turnTooSoon(site, ctx.clock.now().getTime())) return;
    sweeping.add(site);
    try {
      const machines = await machinesOf(site);
      const at = ctx.clock.now();
      if (turnTooSoon(site, at.getTime())) return;
      started.set(site, at.getTime());
      if (!machines) {
        log.warn({ site }, `site ${site}: no machines known yet (the database was not reached)`);
        return;
      }
      const { report } = await spoolSweep(
        ctx,
        {
          agent: opts.name,
          site,
          at,
          machines,
          offlineAfter: opts.offlineAfter,
          concurrency: opts.concurrency,
          offLeaseSeconds: offLease ? opts.intervalSeconds : undefined,
          started: (sweep) => log.info({ site, sweep }, `site ${site}: sweep ${sweep} started`),
        },
        spoolItem,
      );
      held.set(site, Date.now());
      log.info(
        {
          site,
          machines: report.machines,
          answered: report.answered,
          minute: bucketStart(at, TOTALS_BUCKET_MINUTES),
        },
        `site ${site} swept: ${report.answered} of ${report.machines} answered${up ? '' : ' (spooled)'}`,
      );
    } finally {
      sweeping.delete(site);
    }
  };

  // ---------------------------------------------------------------- presence and the link
  const mark = async () => {
    sharers = await markPresent(
      ctx.db,
      { agent: me.name, host: me.host, pid: me.pid, sites: opts.sites },
      AWAY_AFTER_SECONDS,
    );
  };
  let marking: Promise<void> = Promise.resolve();
  // Its control queue is worked before the agent says it is present: a control sent to it from then
  // on finds the queue.
  const stopControls = await workControls(ctx, opts.name, jobs, log);
  const presence = setInterval(() => {
    marking = mark()
      .then(() => setLink(true))
      .then(readStandby)
      .catch((error: unknown) => setLink(false, error));
  }, PRESENCE_SECONDS * 1000);
  await mark();
  await readStandby();
  for (const other of sharers) {
    const shared = other.sites.filter((s) => opts.sites.includes(s));
    log.warn(
      `site ${shared.join(', ')} also held by agent ${other.agent}: sweeps of a site go to one agent at a time (the other stands by)`,
    );
  }

  // While the link is down pg-boss hands out nothing: the agent sweeps what `keptThroughCut` kept,
  // each an interval after its last sweep (looked at every second, so the cadence goes on).
  const offline = setInterval(() => {
    if (up || stopped) return;
    const now = Date.now();
    for (const { site, notBefore } of throughCut)
      if (dueThroughCut(now, started.get(site), notBefore, opts.intervalSeconds * 1000))
        sweepSite(site, true).catch((error: unknown) =>
          log.error({ err: error, site }, `site ${site}: sweep failed`),
        );
  }, 1000);

  // Leases stick to whoever holds them (pg-boss's worker asks again at once after a long sweep): an
  // agent over its fair share of sites lets the others ask first for some of them (`holdBackMs`).
  let yielded = '';
  const leaseView = (): LeaseView => {
    const view = {
      me: opts.name,
      sites: opts.sites,
      held: heldSites(Date.now(), sweeping, held, opts.intervalSeconds * 1000),
      sharers,
    };
    const now = sitesToYield(view).join(', ');
    if (now !== yielded && now !== '')
      log.info(
        { held: view.held, yielding: now },
        `holding ${view.held.length} sites, over a fair share among ${1 + sharers.length} agents: leaving ${now} to the others`,
      );
    yielded = now;
    return view;
  };
  const leases = await Promise.all(
    opts.sites.map((site) =>
      jobs.every(
        sweepQueue(site),
        {
          seconds: opts.intervalSeconds,
          leaseSeconds: opts.leaseSeconds,
          holdBack: () => holdBackMs(leaseView(), site),
        },
        () => sweepSite(site),
      ),
    ),
  );
  log.info(`agent ${opts.name} serving ${opts.sites.join(', ')}`);

  return {
    linkUp: () => up,
    async stop() {
      stopping = true;
      clearInterval(offline);
      // Before the control worker stops: the reconciler's soft off may be going through it.
      while (reconciling) await reconciling;
      await stopControls();
      // Together: each waits a while for its sweep under way, which go on side by side.
      await Promise.all(leases.map((release) => release()));
      // Polls carried past a sweep's end append their readings to the spool as they come.
      await carriedPollsWritten(ctx.miners);
      // The sweep under way ends in the spool; what the spool holds goes home while the link is
      // up, so that an agent stopped on purpose leaves nothing behind it.
      const until = Date.now() + DRAIN_SECONDS * 1000;
      while ((sweeping.size > 0 || (up && (await spool.size()).items > 0)) && Date.now() < until) {
        wake();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      stopped = true;
      clearInterval(presence);
      wake();
      await forwarding;
      // After the last mark has landed, or it would put the agent back.
      await marking;
      if (up) await forgetPresence(ctx.db, me.name).catch(() => undefined);
    },
  };
}
