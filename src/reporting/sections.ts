/**
 * The report's supply, self-mining and treasury sections, from those modules' services. A module
 * with nothing recorded gives a section that says so ("not available") rather than zeros.
 */
import type { AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
import {
  addMonths,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterMonths,
} from '../kernel/calendar.js';
import { TH_PER_PH } from '../kernel/hashrate.js';
import { unitsShipped } from '../mining/deployments.js';
import { earningsByMonth } from '../mining/earnings.js';
import { costPerBtcCents, luck } from '../mining/model.js';
import {
  listBuilds,
  listDesigns,
  listFoundries,
  listPartnerships,
  listWaferOrders,
} from '../supply/service.js';
import { basisPointsToPercent, yieldInMonth } from '../supply/yield.js';
import { listAccounts } from '../treasury/service.js';
import { treasuryQuarter } from '../treasury/valuation.js';
import {
  percentOfWhole,
  type Section,
  type SelfMiningSection,
  type SupplySection,
  type TreasurySection,
} from './model.js';
import type { MiningReader, SalesReader } from './service.js';
import { treasuryCashLines } from './treasury-cash.js';

/** Machines shipped to self-mining sites in the quarter. */
const selfMiningShipped = (ctx: AppContext, quarter: Quarter): Promise<number> =>
  unitsShipped(ctx, firstDayOfQuarter(quarter), lastDayOfQuarter(quarter));

async function builtIn(ctx: AppContext, quarter: Quarter) {
  const months = quarterMonths(quarter);
  return (await listBuilds(ctx)).filter((b) => months.includes(b.month));
}

export async function supplySection(
  ctx: AppContext,
  sales: SalesReader,
  quarter: Quarter,
): Promise<Section<SupplySection>> {
  const months = quarterMonths(quarter);
  const last = months[2];
  const [foundries, designs, partnerships, orders, allBuilds, products, q, selfMiningUnits] =
    await Promise.all([
      listFoundries(ctx),
      listDesigns(ctx),
      listPartnerships(ctx),
      listWaferOrders(ctx),
      listBuilds(ctx),
      listProducts(ctx, { kind: 'machine' }),
      sales(quarter),
      selfMiningShipped(ctx, quarter),
    ]);
  // Whether supply had anything by the quarter's end, not today: a foundry added later must not
  // turn a closed quarter's "not available" into a section of zeros.
  const dated =
    partnerships.some((p) => p.startMonth <= last) ||
    orders.some((o) => o.placedMonth <= last) ||
    allBuilds.some((b) => b.month <= last);
  if (!dated) {
    return {
      available: false,
      reason: `No partnerships, wafer orders or builds are recorded in supply by the end of ${quarter}.`,
    };
  }
  const builds = allBuilds.filter((b) => months.includes(b.month));
  const foundryName = new Map(foundries.map((f) => [f.id, f.name]));
  const designName = new Map(designs.map((d) => [d.id, d.name]));
  const partnershipOf = new Map(partnerships.map((p) => [p.id, p]));
  const out = orders.filter((o) => months.includes(o.outMonth));
  const byFoundry = new Map<
    string,
    { foundryId: string; foundry: string; wafers: number; expectedDies: number }
  >();
  for (const o of out) {
    const foundryId = partnershipOf.get(o.partnershipId)!.foundryId;
    const row = byFoundry.get(foundryId) ?? {
      foundryId,
      foundry: foundryName.get(foundryId) ?? foundryId,
      wafers: 0,
      expectedDies: 0,
    };
    row.wafers += o.wafers;
    row.expectedDies += o.expectedDies;
    byFoundry.set(foundryId, row);
  }
  const received = orders.filter((o) => o.receivedMonth !== null && months.includes(o.receivedMonth));
  const thsOf = new Map(products.flatMap((p) => (p.kind === 'machine' ? [[p.id, p.ths] as const] : [])));
  const byModel = new Map<string, { productId: string; units: number; th: number }>();
  for (const b of builds) {
    const row = byModel.get(b.productId) ?? { productId: b.productId, units: 0, th: 0 };
    row.units += b.units;
    row.th += b.units * (thsOf.get(b.productId) ?? 0);
    byModel.set(b.productId, row);
  }
  const builtUnits = builds.reduce((s, b) => s + b.units, 0);
  const deliveredUnits = q.deliveries.machines.units;
  return {
    available: true,
    wafers: {
      out: out.reduce((s, o) => s + o.wafers, 0),
      byFoundry: [...byFoundry.values()],
      received: { orders: received.length, chips: received.reduce((s, o) => s + (o.chipsReceived ?? 0), 0) },
      source: '/api/supply/wafer-orders',
    },
    yields: partnerships
      .filter((p) => p.startMonth <= last)
      .map((p) => ({
        partnershipId: p.id,
        foundry: foundryName.get(p.foundryId) ?? p.foundryId,
        design: designName.get(p.designId) ?? p.designId,
        startMonth: p.startMonth,
        yieldPct: basisPointsToPercent(yieldInMonth(p.curve, p.startMonth, last)),
        maturePct: basisPointsToPercent(p.curve.matureBp),
        matureMonth: addMonths(p.startMonth, p.curve.monthsToMature),
        ramping: addMonths(p.startMonth, p.curve.monthsToMature) > last,
        source: '/api/supply/partnerships',
      })),
    output: {
      units: builtUnits,
      th: [...byModel.values()].reduce((s, m) => s + m.th, 0),
      byModel: [...byModel.values()].sort((a, b) => (a.productId < b.productId ? -1 : 1)),
      source: '/api/supply/builds',
    },
    allocation: {
      builtUnits,
      deliveredUnits,
      selfMiningUnits,
      stockChangeUnits: builtUnits - deliveredUnits - selfMiningUnits,
      selfMiningSharePct: percentOfWhole(selfMiningUnits, builtUnits),
      source: [
        '/api/supply/builds',
        `${q.deliveries.source}&productKind=machine`,
        '/api/mining/deployments',
        `/api/supply/plan?from=${months[0]}&to=${last}`,
      ],
    },
  };
}

const NO_SITES = 'No self-mining sites are recorded.';

export async function selfMiningSection(
  mining: MiningReader,
  ctx: AppContext,
  quarter: Quarter,
): Promise<Section<SelfMiningSection>> {
  const months = quarterMonths(quarter);
  const end = lastDayOfQuarter(quarter);
  // The sites as they stood at the quarter's end: one added later leaves this section as it was.
  const status = await mining.status(end);
  if (status.sites.length === 0) return { available: false, reason: NO_SITES };
  const [earnings, shipped, builds] = await Promise.all([
    earningsByMonth(ctx, { from: months[0], to: months[2] }),
    selfMiningShipped(ctx, quarter),
    builtIn(ctx, quarter),
  ]);
  const mined = earnings.reduce((s, m) => s + m.actualSats, 0n);
  const expected = earnings.reduce((s, m) => s + m.expectedSats, 0n);
  const energy = earnings.reduce((s, m) => s + m.energyCents, 0n);
  const built = builds.reduce((s, b) => s + b.units, 0);
  const t = status.target;
  return {
    available: true,
    day: end,
    installedPh: status.installedPh,
    measuredPh: status.measuredPh,
    inTransitPh: status.inTransitThs / TH_PER_PH,
    sites: status.sites.map((s) => ({
      site: s.site,
      status: s.status,
      installedPh: s.installedThs / TH_PER_PH,
      measuredPh: s.measuredThs === null ? null : s.measuredThs / TH_PER_PH,
    })),
    btcMinedSats: mined,
    expectedSats: expected,
    luck: luck(mined, expected) ?? null,
    energyCents: energy,
    costPerBtcCents: costPerBtcCents(energy, mined) ?? null,
    shareOfProductionPct: percentOfWhole(shipped, built),
    target: t
      ? {
          byDay: t.byDay,
          lowPh: t.lowThs / TH_PER_PH,
          highPh: t.highThs / TH_PER_PH,
          sharePct: t.shareBp / 100,
          standing: t.progress.standing,
          source: '/api/mining/targets',
        }
      : null,
    source: {
      hashrate: `/api/mining/status?on=${end}`,
      earnings: `/api/mining/earnings?from=${months[0]}&to=${months[2]}`,
      deployments: '/api/mining/deployments',
    },
  };
}

export async function treasurySection(ctx: AppContext, quarter: Quarter): Promise<Section<TreasurySection>> {
  if ((await listAccounts(ctx)).length === 0)
    return { available: false, reason: 'No treasury accounts are recorded.' };
  const t = await treasuryQuarter(ctx, quarter);
  return {
    available: true,
    day: t.end,
    btcHeldSats: t.btcHeldSats.value,
    btcUsd: t.valueCents.btcUsd,
    valueCents: t.valueCents.value,
    unrealisedGainCents: t.unrealisedGainCents.value,
    costBasisCents: t.unrealisedGainCents.costBasisCents,
    minedInQuarterSats: t.minedInQuarterSats.value,
    flaggedSales: t.flaggedSales.value.length,
    source: {
      held: t.btcHeldSats.source,
      value: t.valueCents.source,
      mined: t.minedInQuarterSats.source,
      sales: t.flaggedSales.source,
    },
    cash: await treasuryCashLines(ctx, quarter),
  };
}
