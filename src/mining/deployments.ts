/** Deployment: machines from self-mining's share of production ship to a site and are installed there. */

import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { getProduct } from '../catalog/service.js';
import type { Db } from '../db/db.js';
import { type Day, todayUtc } from '../kernel/calendar.js';
import { AppError, invalid, ruleBroken } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { checkAllocation } from './allocation.js';
import { fleetMachines } from './fleet-link.js';
import {
  batchSerials,
  checkDeployment,
  checkSerials,
  type FleetMachineRef,
  type MachineState,
  machineState,
  matchFleetMachines,
} from './model.js';
import { recordMining } from './projections.js';
import { requireSiteFilter } from './registry.js';
import type { DeploymentInput, InstallationInput } from './schemas.js';
import { requireSite, siteStream } from './sites.js';
import type { DeploymentFact, MachineRow } from './store.js';
import * as store from './store.js';

export interface DeploymentResult {
  id: number;
  site: string;
  productId: string;
  units: number;
  shippedOn: Day;
  allocationMonth: string | null;
  nominalThs: number;
  nominalW: number;
  serials: string[];
  siteFreeW: number;
}

/** The machines a deployment names: its serials, or `units` numbered on from the prefix's last serial. */
async function serialsOf(db: Db, input: DeploymentInput): Promise<string[]> {
  if (input.serials) return input.serials;
  const prefix = input.serialPrefix!;
  const taken = await store.countSerialsWithPrefix(db, prefix);
  return batchSerials(prefix, taken + 1, input.units!);
}

/**
 * Ships machines to a site. Refused unless the site is approved with its permit in force on the
 * shipping day and its power capacity holds them (nominal W), unless every serial and MAC is new,
 * and — when it names an allocation month — unless supply allocated that many to self-mining.
 */
export async function deployMachines(
  ctx: AppContext,
  actor: Actor,
  input: DeploymentInput,
  idempotencyKey?: string,
): Promise<DeploymentResult> {
  const shippedOn = input.shippedOn ?? todayUtc(ctx.clock.now());
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.machines-deployed',
      stream: siteStream(input.site),
      idempotencyKey,
      request: { ...input, shippedOn },
    },
    async (tx) => {
      const txCtx = { ...ctx, db: tx };
      await refuseIfClosed(tx, shippedOn, 'shippedOn');
      const site = await requireSite(tx, input.site);
      const product = await getProduct(txCtx, input.productId);
      if (product.kind !== 'machine' || product.algorithm !== 'sha256') {
        throw invalid('productId', `${product.id} is not a Bitcoin (SHA-256) mining machine.`);
      }
      const serials = await serialsOf(tx, input);
      checkSerials(serials);
      const macs = input.macs ?? {};
      const stray = Object.keys(macs).find((s) => !serials.includes(s));
      if (stray) throw invalid(`macs.${stray}`, `${stray} is not one of the machines deployed.`);
      checkDeployment(
        { ...site, deployedW: await store.deployedWatts(tx, site.code) },
        serials.length * product.watts,
        shippedOn,
      );
      await refuseKnownMachines(tx, serials, Object.values(macs));
      if (input.allocationMonth) {
        await checkAllocation(txCtx, input.allocationMonth, product.id, serials.length);
      }
      const fact: DeploymentFact = {
        id: await nextNumber(tx, 'mining-deployment'),
        site: site.code,
        productId: product.id,
        ths: product.ths,
        watts: product.watts,
        shippedOn,
        allocationMonth: input.allocationMonth ?? null,
        note: input.note ?? null,
        machines: serials.map((serial) => ({ serial, mac: macs[serial] ?? null })),
      };
      return fact;
    },
    async (tx, event) => {
      const d = event.payload;
      const site = await requireSite(tx, d.site);
      return {
        id: d.id,
        site: d.site,
        productId: d.productId,
        units: d.machines.length,
        shippedOn: d.shippedOn,
        allocationMonth: d.allocationMonth,
        nominalThs: d.ths * d.machines.length,
        nominalW: d.watts * d.machines.length,
        serials: d.machines.map((m) => m.serial),
        siteFreeW: Math.max(0, site.capacityW - (await store.deployedWatts(tx, d.site))),
      };
    },
  );
}

async function refuseKnownMachines(db: Db, serials: string[], macs: string[]): Promise<void> {
  const known = await store.existingSerialsOrMacs(db, serials, macs);
  if (known.length === 0) return;
  const k = known[0]!;
  const bySerial = serials.includes(k.serial);
  throw ruleBroken(
    'mining.machine-already-deployed',
    `${known.length} of these machines are already deployed (first: ${bySerial ? k.serial : `MAC ${k.mac}, serial ${k.serial}`}).`,
    bySerial ? `serials.${serials.indexOf(k.serial)}` : 'macs',
    { known },
  );
}

/** Marks machines installed at their site; a MAC given here lets the fleet poller recognise them. */
export async function installMachines(
  ctx: AppContext,
  actor: Actor,
  input: InstallationInput,
  idempotencyKey?: string,
): Promise<{ installedOn: Day; installed: number; sites: string[] }> {
  const installedOn = input.installedOn ?? todayUtc(ctx.clock.now());
  checkSerials(input.serials);
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.machines-installed',
      stream: 'mining:installations',
      idempotencyKey,
      request: { ...input, installedOn },
    },
    async (tx) => {
      await refuseIfClosed(tx, installedOn, 'installedOn');
      const rows = await store.selectMachines(tx, { serials: input.serials });
      const bySerial = new Map(rows.map((r) => [r.serial, r]));
      for (const [i, serial] of input.serials.entries()) {
        const m = bySerial.get(serial);
        if (!m)
          throw new AppError('not-found', 'not-found', `No machine ${serial} was deployed.`, `serials.${i}`);
        if (m.installedOn)
          throw ruleBroken(
            'mining.already-installed',
            `Machine ${serial} was installed on ${m.installedOn} already.`,
            `serials.${i}`,
          );
        if (installedOn < m.shippedOn)
          throw invalid(
            'installedOn',
            `Machine ${serial} shipped on ${m.shippedOn}; it cannot be installed on ${installedOn}.`,
          );
      }
      const macs = input.macs ?? {};
      const stray = Object.keys(macs).find((s) => !bySerial.has(s));
      if (stray) throw invalid(`macs.${stray}`, `${stray} is not one of the machines being installed.`);
      const taken = (await store.existingSerialsOrMacs(tx, [], Object.values(macs))).find(
        (k) => macs[k.serial] !== k.mac,
      );
      if (taken)
        throw ruleBroken(
          'mining.mac-in-use',
          `MAC ${taken.mac} already belongs to machine ${taken.serial}.`,
          'macs',
        );
      return {
        installedOn,
        machines: input.serials.map((serial) => ({ serial, mac: macs[serial] ?? bySerial.get(serial)!.mac })),
      };
    },
    async (tx) => ({
      installedOn,
      installed: input.serials.length,
      sites: [...new Set((await store.selectMachines(tx, { serials: input.serials })).map((m) => m.site))],
    }),
  );
}

export interface MachineView extends MachineRow {
  state: MachineState;
  fleet: { id: number; status: string; hashrateThs: number | null } | null;
}

/**
 * Deployed machines with their state on a day and, when the fleet poller knows them, their live
 * figures: a page at a time in (site, serial) order. The counts by state cover every machine the
 * filter selects, from the running totals and the machines the fleet may know.
 */
export async function listMachines(
  ctx: AppContext,
  q: {
    site?: string | undefined;
    productId?: string | undefined;
    on?: Day | undefined;
    cursor?: string | undefined;
    limit?: number | undefined;
  },
): Promise<{
  on: Day;
  machines: MachineView[];
  byState: Record<MachineState, number>;
  nextCursor: string | null;
}> {
  await requireSiteFilter(ctx.db, q.site);
  const today = todayUtc(ctx.clock.now());
  const on = q.on ?? today;
  const limit = q.limit ?? 500;
  if (q.cursor !== undefined && !(await store.machineExists(ctx.db, q.cursor)))
    throw invalid('cursor', `No machine ${q.cursor} was deployed; pass the nextCursor of the previous page.`);
  const filter = { site: q.site, productId: q.productId, shippedBy: on };
  const rows = await store.selectMachines(ctx.db, { ...filter, after: q.cursor, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const fleet = await fleetMachines(ctx.db, q.site);
  // The fleet knows machines as they are now: it says nothing of whether one hashed on a past day.
  const live = on >= today;
  const stateOf = (m: MachineRow, f: FleetMachineRef | undefined) =>
    machineState({ installedOn: m.installedOn, fleetThs: live ? (f?.hashrateThs ?? null) : null }, on);
  const matched = matchFleetMachines(page, fleet);
  const machines = page.map((m) => {
    const f = matched.get(m.serial);
    return {
      ...m,
      state: stateOf(m, f),
      fleet: f ? { id: f.id, status: f.status, hashrateThs: f.hashrateThs } : null,
    };
  });
  const counts = await store.machineCounts(ctx.db, { site: q.site, productId: q.productId, on });
  let hashing = 0;
  if (live && fleet.length > 0) {
    const known = (await installedKnownToFleet(ctx.db, on, fleet)).filter(
      (m) => (!q.site || m.site === q.site) && (!q.productId || m.productId === q.productId),
    );
    const byFleet = matchFleetMachines(known, fleet);
    hashing = known.filter((m) => stateOf(m, byFleet.get(m.serial)) === 'hashing').length;
  }
  const byState: Record<MachineState, number> = {
    'in-transit': counts.shipped - counts.installed,
    installed: counts.installed - hashing,
    hashing,
  };
  return { on, machines, byState, nextCursor: rows.length > limit ? page.at(-1)!.serial : null };
}

/** The machines installed by a day that the fleet may know (by serial, DNA or MAC): no more than the fleet. */
export function installedKnownToFleet(
  db: Db,
  day: Day,
  fleet: readonly FleetMachineRef[],
): Promise<MachineRow[]> {
  const identities = fleet.flatMap((f) =>
    [f.serial, f.dna, f.mac].flatMap((k) => (k ? [k.toLowerCase()] : [])),
  );
  const macs = fleet.flatMap((f) => (f.mac ? [f.mac.toLowerCase()] : []));
  return store.installedMachinesKnownAs(db, day, identities, macs);
}

export async function listDeployments(
  ctx: AppContext,
  q: { site?: string | undefined; after?: number | undefined; limit: number },
) {
  await requireSiteFilter(ctx.db, q.site);
  return store.selectDeployments(ctx.db, q);
}

/** Machines shipped to self-mining sites between two days, whatever the site. */
export async function unitsShipped(ctx: AppContext, from: Day, to: Day): Promise<number> {
  return (await store.shippedByMonth(ctx.db, from, to)).reduce((n, r) => n + r.units, 0);
}
