/**
 * A site agent's rules, without IO: how its sweeps and their parts are named (the names make
 * forwarding idempotent), what a spooled part holds, and which machines wait in the straggler lane.
 */
import { type SiteTally, STRAGGLER_POLL_MS } from '../fleet/model.js';
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

/** What a sweep leaves in the spool, in order: its batches of polls, then its end with the totals. */
export type SpoolItem =
  | { kind: 'polls'; key: string; sweep: string; site: string; at: string; batch: Polled[] }
  | {
      kind: 'end';
      key: string;
      sweep: string;
      site: string;
      at: string;
      finishedAt: string;
      report: Pick<SweepReport, 'machines' | 'answered' | 'failed' | 'statusChanges'>;
      tally: SiteTally;
    };

/** The readings an item carries (an end carries none; its totals are the sweep's). */
export const readingsOf = (item: SpoolItem): number => (item.kind === 'polls' ? item.batch.length : 0);

/** A machine as the agent keeps it between sweeps, with whether its last poll failed or dragged. */
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
    straggler: !r.answered || r.durationMs >= STRAGGLER_POLL_MS,
  };
}

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
 * What an agent whose link home is cut goes on sweeping, into its spool. pg-boss hands a site's sweep
 * to one agent at a time and, the cut agent's job expired, to another that still reaches the
 * database: so past the sweep under way (its lease), the cut agent keeps only the sites it served
 * lately that no other agent seen live at its last mark serves too — nobody can take those over,
 * and they are the ones its spool must keep (24 h and more). The others it leaves, naming who
 * takes them: its spool then never overlaps their sweeps.
 */
export function keptThroughCut(
  sites: readonly string[],
  servedLately: readonly string[],
  sharers: readonly { agent: string; sites: readonly string[] }[],
): { kept: string[]; left: { site: string; to: string[] }[] } {
  const to = (site: string) => sharers.filter((o) => o.sites.includes(site)).map((o) => o.agent);
  return {
    kept: servedLately.filter((site) => to(site).length === 0),
    left: sites.filter((site) => to(site).length > 0).map((site) => ({ site, to: to(site) })),
  };
}
