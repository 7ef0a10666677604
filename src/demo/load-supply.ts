/** The demo's supply side and self-mining, written through the supply, mining and treasury services. */
import type { Actor, AppContext } from '../app/context.js';
import { listProducts } from '../catalog/service.js';
import { SATS_PER_BTC } from '../kernel/bitcoin.js';
import { type Day, lastDayOfMonth, type Month, monthOf, monthRange } from '../kernel/calendar.js';
import { formatUsdDecimal } from '../kernel/money.js';
import { createRandom } from '../kernel/random.js';
import { deployMachines, installMachines } from '../mining/deployments.js';
import { expectedByDay } from '../mining/earnings.js';
import { addSite, setPrice } from '../mining/sites.js';
import { setTarget } from '../mining/targets.js';
import {
  addDesign,
  addFoundry,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  recordBuild,
  setAssemblyCapacity,
  setSelfMiningShare,
  signAgreement,
  startPartnership,
} from '../supply/service.js';
import { importPayouts } from '../treasury/service.js';
import type { DemoBook } from './book.js';
import type { ProgressFactory } from './load.js';
import { PRICE_CHANGES, planDeployments, SITES, TARGET } from './mining-plan.js';
import { DEMO_SEED } from './script.js';
import {
  AGREEMENTS,
  ASSEMBLY,
  DESIGNS,
  type DemoSupply,
  FOUNDRIES,
  PARTNERSHIPS,
  planSupply,
  SELF_MINING_SHARES,
  unitBuildCents,
} from './supply-plan.js';

async function machineFacts(ctx: AppContext) {
  const machines = (await listProducts(ctx, { kind: 'machine' })).flatMap((p) =>
    p.kind === 'machine' ? [p] : [],
  );
  return {
    chipsPerMachine: new Map(machines.map((m) => [m.id, m.chipsPerMachine])),
    watts: new Map(machines.map((m) => [m.id, m.watts])),
    ths: new Map(machines.map((m) => [m.id, m.ths])),
  };
}

export async function loadSupply(
  ctx: AppContext,
  actor: Actor,
  book: DemoBook,
  until: Day,
  progress?: ProgressFactory,
): Promise<DemoSupply & { builds: (DemoSupply['builds'][number] & { unitCostCents: bigint })[] }> {
  const untilMonth = monthOf(until);
  const { chipsPerMachine, ths } = await machineFacts(ctx);
  const plan = planSupply(book, chipsPerMachine, untilMonth);
  const key = (what: string) => `demo:supply:${what}`;
  for (const f of FOUNDRIES) await addFoundry(ctx, actor, { ...f }, key(`foundry:${f.id}`));
  for (const d of DESIGNS) {
    await addDesign(
      ctx,
      actor,
      {
        id: d.id,
        name: d.name,
        processNm: d.processNm,
        diesPerWafer: d.diesPerWafer,
        models: d.models.map((productId) => ({ productId })),
      },
      key(`design:${d.id}`),
    );
  }
  for (const { key: k, ...p } of PARTNERSHIPS) await startPartnership(ctx, actor, p, key(`partnership:${k}`));
  const agreementId = new Map<string, number>();
  for (const { key: k, ...a } of AGREEMENTS) {
    agreementId.set(k, (await signAgreement(ctx, actor, a, key(`agreement:${k}`))).id);
  }
  await setAssemblyCapacity(ctx, actor, ASSEMBLY, key('assembly'));
  for (const s of SELF_MINING_SHARES)
    await setSelfMiningShare(ctx, actor, s, key(`self-mining-share:${s.fromMonth}`));

  const orders = plan.waferOrders.filter((o) => o.placedMonth <= untilMonth);
  const builds = plan.builds
    .filter((b) => b.month <= untilMonth)
    .map((b) => ({ ...b, unitCostCents: unitBuildCents(ths.get(b.productId)!) }));
  const bar = progress?.(orders.length + builds.length, 'demo supply: wafer orders and builds');
  for (const o of orders) {
    const placed = await placeWaferOrder(
      ctx,
      actor,
      {
        agreementId: agreementId.get(o.agreementKey)!,
        designId: o.designId,
        wafers: o.wafers,
        placedMonth: o.placedMonth,
      },
      key(`wafer-order:${o.key}`),
    );
    if (o.outMonth <= untilMonth) {
      await markWaferOrderOut(ctx, actor, placed.id, { month: o.outMonth }, key(`wafer-order:${o.key}:out`));
      await receiveWaferOrder(
        ctx,
        actor,
        placed.id,
        { month: o.outMonth, chipsReceived: o.chipsReceived },
        key(`wafer-order:${o.key}:received`),
      );
    }
    bar?.tick();
  }
  for (const b of builds) {
    const { unitCostCents, ...build } = b;
    await recordBuild(
      ctx,
      actor,
      { ...build, unitCost: formatUsdDecimal(unitCostCents) },
      key(`build:${b.productId}:${b.month}`),
    );
    bar?.tick();
  }
  bar?.stop();
  return { ...plan, waferOrders: orders, builds };
}

export async function loadSelfMining(
  ctx: AppContext,
  actor: Actor,
  supply: DemoSupply,
  until: Day,
): Promise<{ deployments: number; machines: number; payouts: number }> {
  const key = (what: string) => `demo:mining:${what}`;
  for (const s of SITES) {
    if (s.priceFrom > until) continue;
    await addSite(ctx, actor, s, key(`site:${s.code}`));
  }
  for (const p of PRICE_CHANGES) {
    if (p.effectiveFrom > until) continue;
    await setPrice(
      ctx,
      actor,
      p.site,
      { usdPerKwh: p.usdPerKwh, effectiveFrom: p.effectiveFrom },
      key(`price:${p.site}:${p.effectiveFrom}`),
    );
  }
  if (TARGET.setOn <= until) await setTarget(ctx, actor, TARGET, key('target:2021'));
  const { watts } = await machineFacts(ctx);
  const deployments = planDeployments(supply.selfMining, watts).filter((d) => d.shippedOn <= until);
  let machines = 0;
  for (const d of deployments) {
    const shipped = await deployMachines(
      ctx,
      actor,
      {
        site: d.site,
        productId: d.productId,
        shippedOn: d.shippedOn,
        units: d.units,
        serialPrefix: d.serialPrefix,
        note: "self-mining's share of the month's production",
      },
      key(`deployment:${d.key}`),
    );
    machines += shipped.serials.length;
    if (d.installedOn <= until) {
      await installMachines(
        ctx,
        actor,
        { serials: shipped.serials, installedOn: d.installedOn },
        key(`installation:${d.key}`),
      );
    }
  }
  const payouts =
    deployments.length > 0 ? await loadPayouts(ctx, actor, deployments[0]!.installedOn, until) : 0;
  return { deployments: deployments.length, machines, payouts };
}

const POOL = 'Stratum Pool';

/** A sats amount as BTC text with 8 decimals, as pools write their statements. */
const btcText = (sats: bigint) =>
  `${sats / SATS_PER_BTC}.${(sats % SATS_PER_BTC).toString().padStart(8, '0')}`;

/**
 * The pool's daily payouts: what the installed hashrate was expected to earn that day (mining
 * module) times the day's luck, drawn from the demo's seed. One import per month.
 */
async function loadPayouts(ctx: AppContext, actor: Actor, from: Day, until: Day): Promise<number> {
  let count = 0;
  for (const month of monthRange(monthOf(from), monthOf(until))) {
    const start = `${month}-01` < from ? from : `${month}-01`;
    const end = lastDayOfMonth(month as Month) < until ? lastDayOfMonth(month) : until;
    const luck = createRandom(`${DEMO_SEED}:payouts:${month}`);
    const rows = (await expectedByDay(ctx, { from: start, to: end })).flatMap((d) => {
      const factor = Math.max(0.5, luck.normal(1, 0.05));
      if (d.expectedSats === null || d.expectedSats <= 0n) return [];
      const sats = (d.expectedSats * BigInt(Math.round(factor * 10_000))) / 10_000n;
      return [{ date: d.day, pool: POOL, btc: btcText(sats), reference: `SP-${d.day}` }];
    });
    if (rows.length === 0) continue;
    await importPayouts(
      ctx,
      actor,
      { payouts: rows, account: 'btc' },
      { source: `${POOL} statement ${month}`, idempotencyKey: `demo:treasury:payouts:${month}:${end}` },
    );
    count += rows.length;
  }
  return count;
}
