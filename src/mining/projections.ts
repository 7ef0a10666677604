import { defineProjections, recorder } from '../ledger/events.js';
import type { MiningEvent } from './events.js';
import * as store from './store.js';

/** Writes one of the module's events, its payload checked against its kind. */
export const recordMining = recorder<MiningEvent>();

/** Each event carries the state it leaves behind (the whole site, every machine), so a replay needs nothing else. */
export const miningProjections = defineProjections<MiningEvent>({
  'mining.site-added': async (tx, e) => {
    const p = e.payload;
    await store.upsertSite(tx, p.site, e.recordedAt);
    await store.upsertPrice(tx, e.id, p.site.code, p.price);
    await store.insertCompliance(tx, e.id, e.recordedAt, {
      site: p.site.code,
      effectiveOn: p.site.statusSince,
      compliance: p.site.compliance,
      reason: p.reason,
    });
  },
  'mining.site-changed': async (tx, e) => store.upsertSite(tx, e.payload.site, e.recordedAt),
  'mining.price-set': async (tx, e) => {
    const p = e.payload;
    await store.upsertPrice(tx, e.id, p.site, p.price);
  },
  'mining.compliance-changed': async (tx, e) => {
    const p = e.payload;
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
  'mining.machines-deployed': async (tx, e) => store.insertDeployment(tx, e.payload, e.id, e.recordedAt),
  'mining.machines-installed': async (tx, e) => {
    const p = e.payload;
    await store.markInstalled(tx, p.installedOn, p.machines);
  },
  'mining.target-set': async (tx, e) => store.insertTarget(tx, e.payload, e.recordedAt),
  'mining.curtailment-applied': async (tx, e) => {
    const p = e.payload;
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
});
