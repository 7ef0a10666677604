import type { Projections } from '../ledger/ledger.js';
import type { HashrateTarget, SitePrice } from './model.js';
import type { DeploymentFact, Site } from './store.js';
import * as store from './store.js';

/** Each event carries the state it leaves behind (the whole site, every machine), so a replay needs nothing else. */
export const miningProjections: Projections = {
  'mining.site-added': async (tx, e) => {
    const p = e.payload as { site: Site; price: SitePrice; reason: string };
    await store.upsertSite(tx, p.site, e.recordedAt);
    await store.upsertPrice(tx, e.id, p.site.code, p.price);
    await store.insertCompliance(tx, e.id, e.recordedAt, {
      site: p.site.code,
      effectiveOn: p.site.statusSince,
      compliance: p.site.compliance,
      reason: p.reason,
    });
  },
  'mining.site-changed': async (tx, e) =>
    store.upsertSite(tx, (e.payload as { site: Site }).site, e.recordedAt),
  'mining.price-set': async (tx, e) => {
    const p = e.payload as { site: string; price: SitePrice };
    await store.upsertPrice(tx, e.id, p.site, p.price);
  },
  'mining.compliance-changed': async (tx, e) => {
    const p = e.payload as {
      site: Site;
      effectiveOn: string;
      reason: string;
      flag?: { serials: string[]; reason: string };
      clearFlags: boolean;
    };
    await store.upsertSite(tx, p.site, e.recordedAt);
    await store.insertCompliance(tx, e.id, e.recordedAt, {
      site: p.site.code,
      effectiveOn: p.effectiveOn,
      compliance: p.site.compliance,
      reason: p.reason,
    });
    if (p.clearFlags) await store.clearFlags(tx, p.site.code, p.effectiveOn);
    if (p.flag) await store.insertFlags(tx, e.id, p.site.code, p.effectiveOn, p.flag.reason, p.flag.serials);
  },
  'mining.machines-deployed': async (tx, e) =>
    store.insertDeployment(tx, e.payload as DeploymentFact, e.id, e.recordedAt),
  'mining.machines-installed': async (tx, e) => {
    const p = e.payload as { installedOn: string; machines: { serial: string; mac: string | null }[] };
    await store.markInstalled(tx, p.installedOn, p.machines);
  },
  'mining.target-set': async (tx, e) =>
    store.insertTarget(tx, e.payload as HashrateTarget & { id: number; note: string | null }, e.recordedAt),
  'mining.curtailment-applied': async (tx, e) => {
    const p = e.payload as {
      day: string;
      machines: number;
      savedCentsPerDay: bigint;
      groups: unknown;
      control: unknown;
    };
    await store.insertCurtailment(tx, {
      eventId: e.id,
      adviceDay: p.day,
      appliedAt: e.recordedAt,
      actor: e.actor,
      machines: p.machines,
      savedCentsPerDay: p.savedCentsPerDay,
      groups: p.groups,
      control: p.control,
    });
  },
};
