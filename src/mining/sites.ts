/** Sites: where self-mining may run, what power costs there, and whether the law allows it. */

import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { type Day, todayUtc } from '../kernel/calendar.js';
import { invalid, notFound } from '../kernel/errors.js';
import { fleetMachines } from './fleet-link.js';
import {
  type Compliance,
  checkCapacity,
  checkCompliance,
  complianceOn,
  matchFleetMachines,
  megawattsToWatts,
  priceOn,
  type SitePrice,
  siteOpenedOn,
  WATTS_PER_MW,
} from './model.js';
import { recordMining } from './projections.js';
import { refuseDuplicateSite, refuseOtherCase } from './registry.js';
import type { ComplianceChangeInput, NewSiteInput, PriceChangeInput, SiteChangesInput } from './schemas.js';
import type { Site } from './store.js';
import * as store from './store.js';

export type { Site } from './store.js';

export const siteStream = (code: string) => `site:${code}`;

export interface SiteView extends Site {
  capacityMw: number;
  deployedW: number;
  deployedMw: number;
  /** Power capacity still free for more machines, in W. */
  freeW: number;
  usdPerKwh: number | null;
  prices: SitePrice[];
}

async function view(ctx: AppContext, site: Site, day: Day): Promise<SiteView> {
  const prices = (await store.pricesBySite(ctx.db, site.code)).get(site.code) ?? [];
  const deployedW = await store.deployedWatts(ctx.db, site.code);
  return {
    ...site,
    capacityMw: site.capacityW / WATTS_PER_MW,
    deployedW,
    deployedMw: deployedW / WATTS_PER_MW,
    freeW: Math.max(0, site.capacityW - deployedW),
    usdPerKwh: priceOn(prices, day) ?? null,
    prices,
  };
}

/** A site looked up by its code (a path's, a deployment's): 404 when there is none, "did you mean" included. */
export async function requireSite(db: AppContext['db'], code: string, field = 'site'): Promise<Site> {
  const site = await store.findSite(db, code);
  if (site) return site;
  await refuseOtherCase(db, code, field, 'not-found');
  throw notFound('Site', code, field);
}

export async function listSites(ctx: AppContext): Promise<SiteView[]> {
  const today = todayUtc(ctx.clock.now());
  return Promise.all((await store.selectSites(ctx.db)).map((s) => view(ctx, s, today)));
}

/** A site as it stood at the end of a day, with the day it came into the books. */
export interface SiteAsOf extends Site {
  openedOn: Day;
}

/**
 * Every site as it stood at the end of `day`: its compliance status then (and since when), and the
 * day it opened, which the caller compares with `day` (a site opened later did not exist then,
 * unless machines were already shipped to it). Name, country and capacity are today's.
 */
export async function sitesAsOf(ctx: AppContext, day: Day): Promise<SiteAsOf[]> {
  const [sites, prices, history] = await Promise.all([
    store.selectSites(ctx.db),
    store.pricesBySite(ctx.db),
    store.complianceBySite(ctx.db),
  ]);
  return sites.map((site) => {
    const statuses = history.get(site.code) ?? [];
    const then = complianceOn(statuses, day);
    return {
      ...site,
      compliance: then.compliance,
      statusSince: then.effectiveOn,
      openedOn: siteOpenedOn(prices.get(site.code) ?? [], statuses),
    };
  });
}

export async function getSite(ctx: AppContext, code: string) {
  const site = await requireSite(ctx.db, code, 'code');
  return {
    ...(await view(ctx, site, todayUtc(ctx.clock.now()))),
    complianceHistory: await store.complianceHistory(ctx.db, code),
    flagged: await store.openFlags(ctx.db, code),
  };
}

export async function addSite(
  ctx: AppContext,
  actor: Actor,
  input: NewSiteInput,
  idempotencyKey?: string,
): Promise<SiteView> {
  const today = todayUtc(ctx.clock.now());
  return recordMining(
    ctx,
    { actor, kind: 'mining.site-added', stream: siteStream(input.code), idempotencyKey, request: input },
    async (tx) => {
      await refuseDuplicateSite(tx, input.code);
      const compliance = checkCompliance({
        status: input.status,
        permitRef: input.permitRef ?? null,
        permitFrom: input.permitFrom ?? null,
        permitUntil: input.permitUntil ?? null,
      });
      const site: Site = {
        code: input.code,
        name: input.name,
        country: input.country,
        capacityW: megawattsToWatts(input.capacityMw),
        compliance,
        statusSince: input.permitFrom && input.status === 'approved' ? input.permitFrom : today,
      };
      const price: SitePrice = { effectiveFrom: input.priceFrom ?? today, usdPerKwh: input.usdPerKwh };
      // A site opened inside a closed period would change the self-mining section it reported.
      const opened = siteOpenedOn([price], [{ effectiveOn: site.statusSince, compliance }]);
      await refuseIfClosed(tx, opened, price.effectiveFrom === opened ? 'priceFrom' : 'permitFrom');
      return { site, price, reason: 'site added' };
    },
    async (tx, event) => view({ ...ctx, db: tx }, event.payload.site, today),
  );
}

export async function changeSite(
  ctx: AppContext,
  actor: Actor,
  code: string,
  changes: SiteChangesInput,
  idempotencyKey?: string,
): Promise<SiteView> {
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.site-changed',
      stream: siteStream(code),
      idempotencyKey,
      request: { code, changes },
    },
    async (tx) => {
      const current = await requireSite(tx, code, 'code');
      const site: Site = {
        ...current,
        ...(changes.name !== undefined ? { name: changes.name } : {}),
        ...(changes.country !== undefined ? { country: changes.country } : {}),
      };
      if (changes.capacityMw !== undefined) {
        site.capacityW = megawattsToWatts(changes.capacityMw);
        checkCapacity(code, site.capacityW, await store.deployedWatts(tx, code));
      }
      return { site, changes };
    },
    async (tx, event) => view({ ...ctx, db: tx }, event.payload.site, todayUtc(ctx.clock.now())),
  );
}

/** A new electricity price from a day on; a second change for the same day replaces the first. */
export async function setPrice(
  ctx: AppContext,
  actor: Actor,
  code: string,
  input: PriceChangeInput,
  idempotencyKey?: string,
): Promise<SiteView> {
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.price-set',
      stream: siteStream(code),
      idempotencyKey,
      request: { code, ...input },
    },
    async (tx) => {
      await requireSite(tx, code, 'code');
      // A price from a closed day would change the energy cost of a reported period.
      await refuseIfClosed(tx, input.effectiveFrom, 'effectiveFrom');
      return { site: code, price: { effectiveFrom: input.effectiveFrom, usdPerKwh: input.usdPerKwh } };
    },
    async (tx) => view({ ...ctx, db: tx }, await requireSite(tx, code), todayUtc(ctx.clock.now())),
  );
}

export interface ComplianceResult extends SiteView {
  flaggedSerials: string[];
  flagsCleared: boolean;
}

/**
 * Changes a site's compliance status. Suspension flags every machine there for curtailment — the
 * ones we deployed and any other the fleet knows at the site; approving it again clears the flags.
 * The permit fields not given stay as they were.
 */
export async function changeCompliance(
  ctx: AppContext,
  actor: Actor,
  code: string,
  input: ComplianceChangeInput,
  idempotencyKey?: string,
): Promise<ComplianceResult> {
  const today = todayUtc(ctx.clock.now());
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.compliance-changed',
      stream: siteStream(code),
      idempotencyKey,
      request: { code, ...input },
    },
    async (tx) => {
      const current = await requireSite(tx, code, 'code');
      const compliance: Compliance = checkCompliance({
        status: input.status,
        permitRef: input.permitRef ?? current.compliance.permitRef,
        permitFrom: input.permitFrom ?? current.compliance.permitFrom,
        permitUntil: input.permitUntil ?? current.compliance.permitUntil,
      });
      const effectiveOn = input.effectiveOn ?? today;
      if (effectiveOn < current.statusSince) {
        throw invalid(
          'effectiveOn',
          `Site ${code} has been ${current.compliance.status} since ${current.statusSince}; a change cannot take effect before that (${effectiveOn}).`,
        );
      }
      const site: Site = { ...current, compliance, statusSince: effectiveOn };
      const wasSuspended = current.compliance.status === 'suspended';
      let flag: { serials: string[]; reason: string } | undefined;
      if (input.status === 'suspended' && !wasSuspended) {
        const ours = await store.selectMachines(tx, { site: code });
        const fleet = await fleetMachines(tx, code);
        const matched = new Set([...matchFleetMachines(ours, fleet).values()].map((f) => f.id));
        const serials = [
          ...ours.map((m) => m.serial),
          ...fleet.filter((f) => !matched.has(f.id)).map((f) => f.serial),
        ];
        flag = { serials, reason: `site ${code} suspended on ${effectiveOn}: ${input.reason}` };
      }
      return {
        site,
        effectiveOn,
        reason: input.reason,
        ...(flag ? { flag } : {}),
        clearFlags: wasSuspended && input.status !== 'suspended',
      };
    },
    async (tx, event) => {
      const p = event.payload;
      return {
        ...(await view({ ...ctx, db: tx }, p.site, today)),
        flaggedSerials: p.flag?.serials ?? [],
        flagsCleared: p.clearFlags,
      };
    },
  );
}
