/**
 * A site agent's rules, without IO: how its sweeps and their parts are named (the names make
 * forwarding idempotent), what a spooled part holds, which machines wait in the straggler lane, and
 * who goes on sweeping a site through a cut of the link home.
 */
import { createHash } from 'node:crypto';
import { keptWaiting, type SiteTally } from '../fleet/model.js';
import type { MachineToPoll } from '../fleet/series-store.js';
import type { Polled, SweepReport } from '../fleet/sweep.js';

/** How long an agent's spool keeps a part: at least the 24 hours a link may be down, with room to spare. */
export const SPOOL_KEEP_HOURS = 48;
/**
 * How long the database remembers a forwarded part's key: a spool can hand a part over again only
 * while it still holds it, so a day past the spool's own keep is enough to skip every replay.
 */
export const FORWARDED_KEEP_HOURS = SPOOL_KEEP_HOURS + 24;

/** A sweep is named by who made it, where and when it read: unique however often it is forwarded. */
export const sweepKey = (agent: string, site: string, at: Date): string =>
  `${agent}:${site}:${at.toISOString()}`;

/**
 * A sweep made on the agent's own timer while its link was cut, under no lease: another agent may
 * have swept the site meanwhile. It stands for the site's readings from its start `until` an
 * interval on; replay drops it where another sweep of the site stored already meets that window.
 */
export interface OffLease {
  until: string;
}

/** What every part of a sweep names: the sweep, its site and when it read. */
interface PartHead {
  key: string;
  sweep: string;
  site: string;
  at: string;
  offLease?: OffLease;
}

/** What a sweep leaves in the spool, in order: its batches of polls, then its end with the totals. */
export type SpoolItem =
  | (PartHead & { kind: 'polls'; batch: Polled[] })
  | (PartHead & {
      kind: 'end';
      finishedAt: string;
      report: Pick<SweepReport, 'machines' | 'answered' | 'failed' | 'statusChanges'>;
      tally: SiteTally;
    });

/** The readings an item carries (an end carries none; its totals are the sweep's). */
export const readingsOf = (item: SpoolItem): number => (item.kind === 'polls' ? item.batch.length : 0);

/** A machine as the agent keeps it between sweeps, with whether its last poll kept the poller waiting (`keptWaiting`). */
export interface KnownMachine extends MachineToPoll {
  straggler: boolean;
}

/** What a poll changes of the agent's own copy: polled while the link is down, it is the only copy. */
export function afterPolled(m: KnownMachine, p: Polled): KnownMachine {
  const r = p.record;
  return {
    ...m,
    status: p.change?.to ?? m.status,
    failures: r.failures,
    lastGoodThs: r.answered ? (r.ths ?? m.lastGoodThs) : m.lastGoodThs,
    straggler: keptWaiting(r),
  };
}

/**
 * Whether the central copy of a site's machines is as new as the agent's own, so that reading it
 * loses nothing: the agent's sweeps of the site change its copy (statuses, failures) and reach the
 * central one only through the spool, so it is once every part of the site the agent spooled
 * (`lastSpooled`, the spool's number of the last) has been forwarded (through `forwardedThrough`).
 * Parts of other sites in the spool are no reason to wait: a standby agent replaying a long
 * outage's spool of its own sites went on meanwhile with a stale copy of the sites others swept.
 */
export const centralCopyCurrent = (lastSpooled: number | undefined, forwardedThrough: number): boolean =>
  lastSpooled === undefined || lastSpooled <= forwardedThrough;

/** The agent's site list from `--sites NA1,KZ1`: trimmed, upper-cased as sites are, no repeats. */
export function parseSites(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    ),
  ];
}

/** The pg-boss queue of a site's sweeps (queue names take letters, digits, `_` and `-`). */
export const sweepQueue = (site: string): string => `fleet-sweep-${site.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/**
 * A site's rendezvous (highest-random-weight) weight for an agent: computed from the two names
 * alone, so every agent that knows the same sharers of a site picks the same one of them.
 */
export function rendezvousWeight(site: string, agent: string): bigint {
  return createHash('sha256').update(`${site}\u0000${agent}`).digest().readBigUInt64BE(0);
}

/** Of the agents sharing a site, the one of highest weight (the smaller name on a tie). */
export function rendezvousPick(site: string, agents: readonly string[]): string | undefined {
  let best: { agent: string; weight: bigint } | undefined;
  for (const agent of agents) {
    const weight = rendezvousWeight(site, agent);
    if (!best || weight > best.weight || (weight === best.weight && agent < best.agent))
      best = { agent, weight };
  }
  return best?.agent;
}

/** A site an agent goes on sweeping through a cut, with the other agents it was seen sharing it with. */
export interface KeptSite {
  site: string;
  sharedWith: string[];
}

/**
 * What an agent whose link home is cut goes on sweeping, into its spool, on its own timer (pg-boss
 * hands out nothing to it meanwhile):
 * - a site no other agent seen live at its last mark serves, if it served it lately: nobody else
 *   can take it over;
 * - a site shared with such agents, if it wins the site's rendezvous among them and itself. The
 *   agent cannot tell its own cut from everyone's, so it plans for everyone's: each cut agent
 *   computes the same pick from the same sharers, and exactly one of them goes on sweeping a shared
 *   site when all are cut. When only this agent is cut the live one holding the lease sweeps too,
 *   and replay drops this agent's spooled sweeps that overlap the live one's (`forward.ts`).
 * The other shared sites it leaves, naming the agent the rendezvous picked.
 */
export function keptThroughCut(
  me: string,
  sites: readonly string[],
  servedLately: readonly string[],
  sharers: readonly { agent: string; sites: readonly string[] }[],
): { kept: KeptSite[]; left: { site: string; to: string }[] } {
  const kept: KeptSite[] = [];
  const left: { site: string; to: string }[] = [];
  for (const site of sites) {
    const sharedWith = sharers.filter((o) => o.sites.includes(site)).map((o) => o.agent);
    if (sharedWith.length === 0) {
      if (servedLately.includes(site)) kept.push({ site, sharedWith });
      continue;
    }
    const to = rendezvousPick(site, [me, ...sharedWith])!;
    if (to === me) kept.push({ site, sharedWith });
    else left.push({ site, to });
  }
  return { kept, left };
}

/**
 * Whether a site kept through a cut is due for a sweep: an interval after the last one this agent
 * started, and not before `notBefore` — for a shared site, a lease after the cut, by when whichever
 * agent held its sweep under way has ended it (pg-boss would not hand it on sooner either).
 */
export function dueThroughCut(
  now: number,
  lastStarted: number | undefined,
  notBefore: number,
  intervalMs: number,
): boolean {
  return now >= notBefore && (lastStarted === undefined || now - lastStarted >= intervalMs);
}

/**
 * Whether a sweep of a site would start too soon after the last this agent started: within half an
 * interval. Sweeps come from two sources, pg-boss's jobs and the agent's own timer through a cut,
 * and after a reconnect they met: the sweep kept through the cut, then the expired job's retry, then
 * the job of the current interval — pg-boss hands those out back to back, as each ended within a
 * second (three sweeps of one site by one agent within 3 s). Half an interval refuses any two in
 * one interval; the price: a job taken late in its interval and the next one offered early, the
 * second is skipped, and the site waits up to about one and a half intervals (an accepted gap,
 * where two sweeps back to back were a doubled load on the site and its machines).
 */
export function sweepTooSoon(now: number, lastStarted: number | undefined, intervalMs: number): boolean {
  return lastStarted !== undefined && now - lastStarted < intervalMs / 2;
}

/**
 * How long an agent holds back from fetching a site's next sweep when the site should go to another
 * agent (`holdBackMs`): longer than the other agents' look at the queue (pg-boss, every second), so
 * one with room picks the sweep first, and short beside any interval, so that a site nobody else
 * takes is swept by this agent after it all the same.
 */
export const YIELD_MS = 2_500;

/** The most sites an agent should hold of `sites` served by `agents` live agents. */
export const fairShare = (sites: number, agents: number): number => Math.ceil(sites / Math.max(1, agents));

/**
 * The sites an agent holds: the one it is sweeping, and those whose last sweep by it ended lately
 * enough that its next is still coming — within an interval and a quarter (the next job is offered
 * a quarter of an interval late at most), a hold-back and a look at the queue. A site another agent
 * took leaves the list that long after its last sweep here.
 */
export function heldSites(
  now: number,
  sweeping: ReadonlySet<string>,
  lastEnded: ReadonlyMap<string, number>,
  intervalMs: number,
): string[] {
  const within = intervalMs * 1.25 + YIELD_MS + 1_000;
  const held = new Set(sweeping);
  for (const [site, at] of lastEnded) if (now - at <= within) held.add(site);
  return [...held].sort();
}

/** What an agent knows when it is about to ask pg-boss for a site's next sweep. */
export interface LeaseView {
  me: string;
  /** The sites this agent serves. */
  sites: readonly string[];
  /** Those it holds (`heldSites`). */
  held: readonly string[];
  /** The other live agents serving any of its sites, from the last presence mark. */
  sharers: readonly { agent: string; sites: readonly string[] }[];
}

/** The sites of `view` another live agent serves too: those it could hand on. */
const sharedOf = (view: LeaseView, sites: readonly string[]) =>
  sites.filter((s) => view.sharers.some((o) => o.sites.includes(s)));

/** The share of `view`'s agent: every site it or its sharers serve, over all of them. */
const shareOf = (view: LeaseView): number =>
  fairShare(new Set([...view.sites, ...view.sharers.flatMap((o) => o.sites)]).size, 1 + view.sharers.length);

/**
 * The sites an agent holding more than its fair share hands on: as many as it holds over the share,
 * of those another live agent serves too, the ones of lowest rendezvous weight for it — a choice that
 * stays put from one look to the next, so it keeps the rest rather than letting everything go round.
 */
export function sitesToYield(view: LeaseView): string[] {
  const over = view.held.length - shareOf(view);
  if (over <= 0) return [];
  return sharedOf(view, view.held)
    .map((site) => ({ site, weight: rendezvousWeight(site, view.me) }))
    .sort((a, b) => (a.weight < b.weight ? -1 : a.weight > b.weight ? 1 : a.site < b.site ? -1 : 1))
    .slice(0, over)
    .map((x) => x.site);
}

/**
 * How long the agent waits before asking pg-boss for `site`'s next sweep, so that the sites spread
 * evenly over the live agents. pg-boss stays the lease (one sweep of a site at a time, whoever asks
 * first gets it); this only decides who asks at once. Without it the agent that just ended a sweep
 * longer than a second asked again at once and a standby once a second, so whoever held a site kept
 * it: two agents split the scale bench 1,652 + 296 polls/s.
 * - A site it holds and hands on (`sitesToYield`): YIELD_MS, then it asks as usual.
 * - A site it does not hold, while it holds its share already: YIELD_MS, leaving it to one with room.
 * - Otherwise at once.
 * A site is never left waiting more than YIELD_MS on this: after it, the agent asks whatever others do.
 */
export function holdBackMs(view: LeaseView, site: string): number {
  if (sharedOf(view, [site]).length === 0) return 0;
  if (view.held.includes(site)) return sitesToYield(view).includes(site) ? YIELD_MS : 0;
  return view.held.length >= shareOf(view) ? YIELD_MS : 0;
}
