/** Hashrate targets (e.g. 2-4 EH by year end, 10 % of production) and progress against them. */
import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { type Day, monthOf, quarterOf, todayUtc } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { parseHashrate, TH_PER_PH } from '../kernel/hashrate.js';
import { nextNumber } from '../ledger/ledger.js';
import { allocationStatus } from './allocation.js';
import { fleetMachines } from './fleet-link.js';
import { type HashrateDay, hashrateByDay, type SiteDay } from './hashrate.js';
import {
  checkTarget,
  type ProgressBasis,
  type TargetProgress,
  targetBasis,
  targetEnded,
  targetProgress,
} from './model.js';
import { recordMining } from './projections.js';
import type { NewTargetInput } from './schemas.js';
import { sitesAsOf } from './sites.js';
import type { TargetRow } from './store.js';
import * as store from './store.js';

export async function setTarget(
  ctx: AppContext,
  actor: Actor,
  input: NewTargetInput,
  idempotencyKey?: string,
): Promise<TargetRow> {
  const target = checkTarget({
    byDay: input.byDay,
    lowThs: parseHashrate(input.low, 'low'),
    highThs: parseHashrate(input.high, 'high'),
    shareBp: Math.round(input.sharePercent * 100),
  });
  const today = todayUtc(ctx.clock.now());
  const setOn = input.setOn ?? today;
  if (setOn > today) throw invalid('setOn', `setOn (${setOn}) must not be after today (${today}).`);
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.target-set',
      stream: 'mining:targets',
      idempotencyKey,
      request: { ...input, setOn },
    },
    async (tx) => {
      // A target dated inside a closed period would change the self-mining section it reported.
      await refuseIfClosed(tx, setOn, 'setOn');
      return { ...target, id: await nextNumber(tx, 'mining-target'), note: input.note ?? null, setOn };
    },
    async (_tx, event) => ({ ...event.payload, setOn, setAt: event.recordedAt }),
  );
}

export const listTargets = (ctx: AppContext) => store.selectTargets(ctx.db);

/** The targets known at the end of `day`: set on or before it (those set before days were given, always). */
export const targetsKnownBy = (targets: readonly TargetRow[], day: Day): TargetRow[] =>
  targets.filter((t) => t.setOn === null || t.setOn <= day);

/** Latest set first: by the day set (those without one, from the start, last), then as recorded. */
const bySetLatestFirst = (a: TargetRow, b: TargetRow) =>
  (b.setOn ?? '').localeCompare(a.setOn ?? '') || b.id - a.id;

/**
 * The target that governs a day: of the targets still ahead (by day on or after it) the nearest,
 * the latest set winning for one day; when all are behind, the most recent one, to show how it ended.
 */
export function targetInForce(targets: TargetRow[], day: Day): TargetRow | undefined {
  const latestFirst = [...targets].sort(bySetLatestFirst);
  const ahead = latestFirst
    .filter((t) => t.byDay >= day)
    .sort((a, b) => (a.byDay < b.byDay ? -1 : a.byDay > b.byDay ? 1 : 0));
  if (ahead[0]) return ahead[0];
  return latestFirst.sort((a, b) => (a.byDay > b.byDay ? -1 : a.byDay < b.byDay ? 1 : 0))[0];
}

export interface MiningStatus {
  on: Day;
  sites: {
    site: string;
    status: string;
    installedThs: number;
    measuredThs: number | null;
    inTransitThs: number;
    capacityUsedPct: number;
  }[];
  installedThs: number;
  installedPh: number;
  inTransitThs: number;
  /** Mean measured TH/s on the day; for today, what the fleet's latest polls add up to. */
  measuredThs: number | null;
  measuredPh: number | null;
  measuredBasis: 'daily-mean' | 'latest-polls' | null;
  target: (TargetRow & { progress: TargetProgress; progressOn: ProgressBasis }) | null;
  /** Self-mining's share of the machines built from January to the day's month (supply's plan). */
  shareOfProduction: {
    from: string;
    to: string;
    built: number;
    shipped: number;
    shareBp: number | null;
    plannedShareBp: number | null;
  };
}

/** `read`: the day's hashrate when the caller has read it already (the quarter's figures). */
export async function miningStatus(
  ctx: AppContext,
  on?: Day,
  read: { hashrate?: HashrateDay } = {},
): Promise<MiningStatus> {
  const today = todayUtc(ctx.clock.now());
  const day = on ?? today;
  const hashrate =
    read.hashrate?.day === day ? read.hashrate : (await hashrateByDay(ctx, { from: day, to: day }))[0];
  // The sites as they stood at the end of the day: those opened by then (or holding machines),
  // each in the compliance status it had then, so a site added or approved later changes nothing.
  const sites = new Map((await sitesAsOf(ctx, day)).map((s) => [s.code, s]));
  // Today, or a later day of today's quarter (a quarter's figures read at its last day, the report's
  // current quarter): what the fleet hashes now, as the quarter stands. A day of a later quarter has
  // nothing measured yet; today's polls are not its figure.
  const live = day >= today && quarterOf(day) === quarterOf(today) ? await liveThsBySite(ctx) : undefined;
  const held = (s: SiteDay) => s.installedThs > 0 || s.inTransitThs > 0 || s.measuredThs !== null;
  const present = hashrate!.sites.filter((s) => sites.get(s.site)!.openedOn <= day || held(s));
  const rows = present.map((s) => {
    const site = sites.get(s.site)!;
    // Machines in transit hold capacity as installed ones do: deployment checks both against it.
    const deployedW = s.installedW + s.inTransitW;
    return {
      site: s.site,
      status: site.compliance.status,
      installedThs: s.installedThs,
      measuredThs: live ? (live.get(s.site) ?? null) : s.measuredThs,
      inTransitThs: s.inTransitThs,
      capacityUsedPct: site.capacityW > 0 ? (deployedW / site.capacityW) * 100 : 0,
    };
  });
  const measured = rows.filter((r) => r.measuredThs !== null);
  const measuredThs = measured.length > 0 ? measured.reduce((a, r) => a + r.measuredThs!, 0) : null;
  const target = targetInForce(targetsKnownBy(await store.selectTargets(ctx.db), day), day);
  // A target that has ended is judged on its by-day's hashrate, not on whatever came after it.
  const basis = targetBasis(
    target && targetEnded(target, day)
      ? (await hashrateByDay(ctx, { from: target.byDay, to: target.byDay }))[0]!.sites
      : rows,
  );
  const share = await allocationStatus(ctx, `${day.slice(0, 4)}-01`, monthOf(day));
  return {
    on: day,
    sites: rows,
    installedThs: hashrate!.installedThs,
    installedPh: hashrate!.installedThs / TH_PER_PH,
    inTransitThs: rows.reduce((a, r) => a + r.inTransitThs, 0),
    measuredThs,
    measuredPh: measuredThs === null ? null : measuredThs / TH_PER_PH,
    measuredBasis: measuredThs === null ? null : live ? 'latest-polls' : 'daily-mean',
    target: target
      ? {
          ...target,
          progress: targetProgress(target, basis.ths, day),
          progressOn: basis.on,
        }
      : null,
    shareOfProduction: {
      from: share.from,
      to: share.to,
      built: share.built,
      shipped: share.shipped,
      shareBp: share.shareBp,
      plannedShareBp: share.plannedShareBp,
    },
  };
}

/** What the fleet's latest polls say each site hashes now. */
async function liveThsBySite(ctx: AppContext): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const f of await fleetMachines(ctx.db)) {
    if (f.hashrateThs === null) continue;
    out.set(f.site, (out.get(f.site) ?? 0) + f.hashrateThs);
  }
  return out;
}
