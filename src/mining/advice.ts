/** Per site and model: breakeven, the hashprice below which machines lose money, and what to switch off. */
import type { Actor, AppContext } from '../app/context.js';
import type { Sats } from '../kernel/bitcoin.js';
import type { Day } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import {
  expectedSatsForHashrate,
  hashpriceUsdPerThDay,
  machineDailyEnergyCents,
  machineDailyRevenueCents,
} from '../market/model.js';
import { requireMarketOn } from '../market/service.js';
import { installedKnownToFleet } from './deployments.js';
import { type ControlReport, fleetMachines, softOff } from './fleet-link.js';
import {
  adviseGroup,
  breakevenBtcPriceCents,
  type FleetMachineRef,
  matchFleetMachines,
  priceOn,
  type SiteModelAdvice,
} from './model.js';
import { recordMining } from './projections.js';
import * as store from './store.js';

export interface GroupEconomics extends SiteModelAdvice {
  siteStatus: string;
  ths: number;
  watts: number;
  usdPerKwh: number;
  energyCentsPerMachine: Cents;
  revenueCentsPerMachine: Cents;
  expectedSatsPerMachine: Sats;
  /** The BTC price at which one machine's expected earnings just pay its power; null if it earns nothing. */
  breakevenBtcUsd: Cents | null;
  /** Fleet machines of the group (by the poller's id), and how many of them hash now. */
  fleetMachineIds: number[];
  hashingNow: number;
}

export interface Economics {
  day: Day;
  marketDay: Day;
  btcUsd: Cents;
  hashpriceUsdPerThDay: number;
  groups: GroupEconomics[];
  /** Sites with machines but no electricity price on the day. */
  unpriced: string[];
}

/**
 * The economics of every group of installed machines (site × model) on a day's market. A group at a
 * suspended site is switched off whatever it earns.
 */
export async function economicsOn(ctx: AppContext, day: Day): Promise<Economics> {
  const market = await requireMarketOn(ctx, day, 'on');
  const [sites, prices, fleet] = await Promise.all([
    store.selectSites(ctx.db),
    store.pricesBySite(ctx.db),
    fleetMachines(ctx.db),
  ]);
  // Counts per site and model come from the running totals; only the machines the fleet may know
  // are read one by one.
  const [models, candidates] = await Promise.all([
    store.installedModels(ctx.db, day),
    installedKnownToFleet(ctx.db, day, fleet),
  ]);
  const matched = matchFleetMachines(candidates, fleet);
  const modelKey = (m: { site: string; productId: string; ths: number; watts: number }) =>
    `${m.site}|${m.productId}|${m.ths}|${m.watts}`;
  const fleetByModel = new Map<string, FleetMachineRef[]>();
  for (const m of candidates) {
    const f = matched.get(m.serial);
    if (!f) continue;
    const list = fleetByModel.get(modelKey(m));
    if (list) list.push(f);
    else fleetByModel.set(modelKey(m), [f]);
  }
  const bySite = new Map<string, store.InstalledModel[]>();
  for (const m of models) {
    const list = bySite.get(m.site);
    if (list) list.push(m);
    else bySite.set(m.site, [m]);
  }
  const reward = { day, difficulty: market.difficulty, feesPerBlockSats: market.feesPerBlockSats };
  const hashprice = hashpriceUsdPerThDay({ ...reward, btcUsd: market.btcUsd });
  const groups: GroupEconomics[] = [];
  const unpriced: string[] = [];
  for (const site of sites) {
    const here = bySite.get(site.code);
    if (!here) continue;
    const usdPerKwh = priceOn(prices.get(site.code) ?? [], day);
    if (usdPerKwh === undefined) {
      unpriced.push(site.code);
      continue;
    }
    for (const model of here) {
      const { productId, ths, watts } = model;
      const energy = machineDailyEnergyCents(watts, usdPerKwh);
      const revenue = machineDailyRevenueCents({ ...reward, ths, btcUsd: market.btcUsd });
      const expectedSats = expectedSatsForHashrate({ ...reward, ths, days: 1 });
      const inFleet = fleetByModel.get(modelKey(model)) ?? [];
      const advice = adviseGroup({
        site: site.code,
        productId,
        machines: model.machines,
        ths,
        watts,
        usdPerKwh,
        revenueCentsPerMachine: revenue,
        energyCentsPerMachine: energy,
        hashprice,
        ...(site.compliance.status === 'suspended'
          ? { forcedBy: `site ${site.code} is suspended (since ${site.statusSince})` }
          : {}),
      });
      groups.push({
        ...advice,
        siteStatus: site.compliance.status,
        ths,
        watts,
        usdPerKwh,
        energyCentsPerMachine: energy,
        revenueCentsPerMachine: revenue,
        expectedSatsPerMachine: expectedSats,
        breakevenBtcUsd: breakevenBtcPriceCents(energy, expectedSats) ?? null,
        fleetMachineIds: inFleet.map((f) => f.id),
        hashingNow: inFleet.filter((f) => (f.hashrateThs ?? 0) > 0).length,
      });
    }
  }
  return {
    day,
    marketDay: market.day,
    btcUsd: market.btcUsd,
    hashpriceUsdPerThDay: hashprice,
    groups,
    unpriced,
  };
}

export interface Advice extends Economics {
  switchOff: GroupEconomics[];
  machinesToSwitchOff: number;
  savedCentsPerDay: Cents;
  /** Machines flagged at suspended sites that the deployments do not know (found by the fleet only). */
  flaggedFleetOnly: { site: string; serial: string; fleetMachineId: number; reason: string }[];
}

export async function adviseCurtailment(ctx: AppContext, day: Day): Promise<Advice> {
  const economics = await economicsOn(ctx, day);
  const switchOff = economics.groups.filter((g) => g.advice === 'switch-off');
  const flags = await store.openFlags(ctx.db);
  const deployed = new Set(
    (await store.selectMachines(ctx.db, { serials: flags.map((f) => f.serial) })).map((m) => m.serial),
  );
  const fleetBySerial = new Map((await fleetMachines(ctx.db)).map((f) => [f.serial, f]));
  const flaggedFleetOnly = flags.flatMap((f) => {
    const fm = deployed.has(f.serial) ? undefined : fleetBySerial.get(f.serial);
    return fm ? [{ site: f.site, serial: f.serial, fleetMachineId: fm.id, reason: f.reason }] : [];
  });
  return {
    ...economics,
    switchOff,
    machinesToSwitchOff: switchOff.reduce((n, g) => n + g.machines, 0) + flaggedFleetOnly.length,
    savedCentsPerDay: switchOff.reduce((s, g) => s + g.savedCentsPerDay, 0n),
    flaggedFleetOnly,
  };
}

export interface AppliedAdvice {
  day: Day;
  machines: number;
  savedCentsPerDay: Cents;
  /** Machines advised off that the fleet poller does not know, so no command could reach them. */
  notInFleet: number;
  control: Pick<ControlReport, 'controlId' | 'requested' | 'succeeded' | 'failed' | 'results'>;
}

/**
 * Sends soft off to every machine the day's advice switches off, through the fleet's audited
 * control, and records what was applied. Refused when the advice switches nothing off.
 */
export async function applyAdvice(
  ctx: AppContext,
  actor: Actor,
  day: Day,
  idempotencyKey?: string,
): Promise<AppliedAdvice> {
  const advice = await adviseCurtailment(ctx, day);
  const ids = [
    ...advice.switchOff.flatMap((g) => g.fleetMachineIds),
    ...advice.flaggedFleetOnly.map((f) => f.fleetMachineId),
  ];
  if (ids.length === 0) {
    throw ruleBroken(
      'mining.nothing-to-curtail',
      advice.switchOff.length === 0
        ? `On ${day} every machine earns more than its power costs and no site is suspended: nothing to switch off.`
        : `The machines advised off on ${day} are not known to the fleet poller yet; scan their site first.`,
      'on',
    );
  }
  const report = await softOff(ctx, actor, ids, idempotencyKey ? `${idempotencyKey}:fleet` : undefined);
  const notInFleet = advice.switchOff.reduce((n, g) => n + g.machines - g.fleetMachineIds.length, 0);
  const control = {
    controlId: report.controlId,
    requested: report.requested,
    succeeded: report.succeeded,
    failed: report.failed,
    results: report.results,
  };
  const groups = advice.switchOff.map((g) => ({
    site: g.site,
    productId: g.productId,
    machines: g.machines,
    reason: g.reason,
    savedCentsPerDay: g.savedCentsPerDay,
    fleetMachineIds: g.fleetMachineIds,
  }));
  return recordMining(
    ctx,
    {
      actor,
      kind: 'mining.curtailment-applied',
      stream: 'mining:curtailment',
      idempotencyKey,
      request: { day },
    },
    async () => ({
      day,
      machines: ids.length,
      savedCentsPerDay: advice.savedCentsPerDay,
      groups,
      flaggedFleetOnly: advice.flaggedFleetOnly,
      control,
    }),
    async () => ({
      day,
      machines: ids.length,
      savedCentsPerDay: advice.savedCentsPerDay,
      notInFleet,
      control,
    }),
  );
}

export const listCurtailments = (ctx: AppContext, q: { after?: number | undefined; limit: number }) =>
  store.selectCurtailments(ctx.db, {
    after: q.after === undefined ? undefined : BigInt(q.after),
    limit: q.limit,
  });
