import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseId, parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { formatUsd } from '../kernel/money.js';
import { registerSetupCommands } from './commands-setup.js';
import { planText, recommendationText } from './commands-text.js';
import { formatCount as fmt } from './format.js';
import { recommendChipOrder, selfMiningAllocation, supplyPlan } from './planning.js';
import {
  AssemblyCapacity,
  NewBuild,
  NewWaferOrder,
  PlanQuery,
  RecommendQuery,
  SelfMiningShare,
  WaferOrderCancel,
  WaferOrderOut,
  WaferOrderPage,
  WaferOrderReceived,
} from './schemas.js';
import {
  cancelWaferOrder,
  listBuilds,
  listWaferOrders,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  recordBuild,
  setAssemblyCapacity,
  setSelfMiningShare,
} from './service.js';

export function registerSupplyCommands(program: Command): void {
  const supply = program
    .command('supply')
    .description('Foundries, wafer orders, yield, machine output and where it goes');

  registerSetupCommands(supply);
  const order = supply
    .command('order')
    .description('Wafer orders: placed → out → received, or placed → cancelled');
  defineAction(
    order
      .command('place')
      .description('Place a wafer order under an agreement')
      .requiredOption('--agreement <id>')
      .requiredOption('--design <code>')
      .requiredOption('--wafers <n>')
      .requiredOption('--month <month>', 'month placed')
      .option('--lead-time-months <n>', "default: the foundry's"),
    { role: 'supply', options: { agreementId: '--agreement', designId: '--design', placedMonth: '--month' } },
    async (app, opts) => {
      const input = parseInput(NewWaferOrder, {
        agreementId: opts.agreement,
        designId: opts.design,
        wafers: opts.wafers,
        placedMonth: opts.month,
        ...(opts.leadTimeMonths !== undefined ? { leadTimeMonths: opts.leadTimeMonths } : {}),
      });
      const o = await placeWaferOrder(app, app.actor, input, app.idempotencyKey);
      return {
        json: o,
        text: `wafer order #${o.id}: ${fmt(o.wafers)} wafers placed ${o.placedMonth}, out ${o.outMonth}, ${fmt(o.expectedDies)} good dies expected`,
      };
    },
  );
  defineAction(
    order
      .command('out')
      .argument('<id>')
      .description('The wafers came out')
      .requiredOption('--month <month>'),
    { role: 'supply' },
    async (app, opts, [id]) => {
      const input = parseInput(WaferOrderOut, { month: opts.month });
      const o = await markWaferOrderOut(app, app.actor, parseId(id, 'order'), input, app.idempotencyKey);
      return {
        json: o,
        text: `wafer order #${o.id} out in ${o.outMonth}, ${fmt(o.expectedDies)} good dies expected`,
      };
    },
  );
  defineAction(
    order
      .command('receive')
      .argument('<id>')
      .description('The chips arrived')
      .requiredOption('--month <month>')
      .requiredOption('--chips <n>', 'good chips counted'),
    { role: 'supply' },
    async (app, opts, [id]) => {
      const input = parseInput(WaferOrderReceived, { month: opts.month, chipsReceived: opts.chips });
      const o = await receiveWaferOrder(app, app.actor, parseId(id, 'order'), input, app.idempotencyKey);
      return {
        json: o,
        text: `wafer order #${o.id} received in ${o.receivedMonth}: ${fmt(o.chipsReceived ?? 0)} chips against ${fmt(o.expectedDies)} expected`,
      };
    },
  );
  defineAction(
    order
      .command('cancel')
      .argument('<id>')
      .description('Cancel an order not yet out of the fab (it stays on record, marked cancelled)')
      .requiredOption('--month <month>')
      .requiredOption('--reason <text>', 'why, for the record'),
    { role: 'supply' },
    async (app, opts, [id]) => {
      const input = parseInput(WaferOrderCancel, { month: opts.month, reason: opts.reason });
      const o = await cancelWaferOrder(app, app.actor, parseId(id, 'order'), input, app.idempotencyKey);
      return {
        json: o,
        text: `wafer order #${o.id} cancelled in ${o.cancelled?.month}: ${fmt(o.wafers)} wafers freed, ${fmt(o.expectedDies)} expected dies no longer planned`,
      };
    },
  );
  defineAction(
    order
      .command('list')
      .description('List wafer orders')
      .option('--status <status>', 'placed | out | received | cancelled')
      .option('--after <id>', 'only orders after this id: the next page')
      .option('--limit <n>', 'orders per page (1-5000)', '500'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const q = parseInput(WaferOrderPage, pickOptions(opts, ['status', 'after', 'limit']));
      const all = await listWaferOrders(app, q);
      const more = all.length === q.limit ? `\nmore: --after ${all.at(-1)!.id}` : '';
      return {
        json: all,
        text:
          table(
            all.map((o) => ({
              order: `#${o.id}`,
              design: o.design.name,
              foundry: o.foundry.name,
              agreement: `#${o.agreementId}`,
              wafers: o.wafers,
              placed: o.placedMonth,
              out: o.outMonth,
              status: o.cancelled ? `cancelled ${o.cancelled.month}` : o.status,
              'dies expected': o.expectedDies,
              'chips received': o.chipsReceived ?? '',
            })),
            [
              'order',
              'design',
              'foundry',
              'agreement',
              'wafers',
              'placed',
              'out',
              'status',
              'dies expected',
              'chips received',
            ],
          ) + more,
      };
    },
  );

  defineAction(
    supply
      .command('build')
      .description('Record the machines built in a month (replaces an earlier record for that month)')
      .requiredOption('--model <id>')
      .requiredOption('--month <month>')
      .requiredOption('--units <n>')
      .option('--unit-cost <usd>', 'what one machine cost to build'),
    { role: 'supply', options: { productId: '--model' } },
    async (app, opts) => {
      const input = parseInput(NewBuild, {
        productId: opts.model,
        month: opts.month,
        units: opts.units,
        unitCost: opts.unitCost,
      });
      const b = await recordBuild(app, app.actor, input, app.idempotencyKey);
      return {
        json: b,
        text:
          `${fmt(b.units)} ${b.productId} built in ${b.month}, using ${fmt(b.chipsUsed)} ${b.designId} chips` +
          (b.unitCostCents !== undefined ? `, ${formatUsd(b.unitCostCents)} each` : ''),
      };
    },
  );
  defineAction(
    supply.command('builds').description('List recorded builds'),
    { role: 'viewer' },
    async (app) => {
      const all = await listBuilds(app);
      return {
        json: all,
        text: table(
          all.map((b) => ({
            ...b,
            unitCost: b.unitCostCents === undefined ? '' : formatUsd(b.unitCostCents),
          })),
          ['month', 'productId', 'units', 'unitCost'],
        ),
      };
    },
  );
  defineAction(
    supply
      .command('assembly')
      .description('Set assembly capacity from a month')
      .requiredOption('--from <month>')
      .requiredOption('--machines <n>', 'machines a month, all models together'),
    { role: 'supply', options: { fromMonth: '--from', machinesPerMonth: '--machines' } },
    async (app, opts) => {
      const input = parseInput(AssemblyCapacity, { fromMonth: opts.from, machinesPerMonth: opts.machines });
      const r = await setAssemblyCapacity(app, app.actor, input, app.idempotencyKey);
      return {
        json: r,
        text: `assembly capacity ${fmt(r.machinesPerMonth)} machines a month from ${r.fromMonth}`,
      };
    },
  );
  defineAction(
    supply
      .command('self-mining-share')
      .description("Set self-mining's target share of production from a month")
      .requiredOption('--from <month>')
      .requiredOption('--pct <pct>'),
    { role: 'supply', options: { fromMonth: '--from', sharePct: '--pct' } },
    async (app, opts) => {
      const input = parseInput(SelfMiningShare, { fromMonth: opts.from, sharePct: opts.pct });
      const r = await setSelfMiningShare(app, app.actor, input, app.idempotencyKey);
      return { json: r, text: `self-mining share ${r.sharePct}% of production from ${r.fromMonth}` };
    },
  );

  defineAction(
    supply
      .command('plan')
      .description('Month by month: wafers, yield, machines, where they go, and which tranches will be late')
      .requiredOption('--from <month>')
      .requiredOption('--to <month>')
      .option('--self-mining-pct <pct>', 'self-mining share for this plan only'),
    { role: 'viewer' },
    async (app, opts) => {
      const plan = await supplyPlan(
        app,
        parseInput(PlanQuery, pickOptions(opts, ['from', 'to', 'selfMiningPct'])),
      );
      return { json: plan, text: planText(plan) };
    },
  );
  defineAction(
    supply
      .command('recommend')
      .description('How many wafers to order this month at a BTC price, and why')
      .requiredOption('--month <month>')
      .option('--btc-usd <usd>', "BTC price; default: the market's on the 1st of the month")
      .option('--difficulty <d>')
      .option('--spot-usd-per-th <usd>', 'spot price of new machines')
      .option('--power-usd-per-kwh <usd>', "customers' electricity price (default 0.05)")
      .option('--model <id>', 'machine buyers compare (default: most efficient in mass production)')
      .option('--full-demand-payback-days <n>')
      // Not --no-demand-…: commander reads a --no- prefix as switching an option off.
      .option('--zero-demand-payback-days <n>', 'payback at or above which buyers take none (default 720)'),
    { role: 'viewer' },
    async (app, opts) => {
      const query = parseInput(RecommendQuery, {
        ...pickOptions(opts, [
          'month',
          'btcUsd',
          'difficulty',
          'spotUsdPerTh',
          'powerUsdPerKwh',
          'model',
          'fullDemandPaybackDays',
        ]),
        ...(opts.zeroDemandPaybackDays !== undefined
          ? { noDemandPaybackDays: opts.zeroDemandPaybackDays }
          : {}),
      });
      const r = await recommendChipOrder(app, query);
      return { json: r, text: recommendationText(r) };
    },
  );
  defineAction(
    supply
      .command('self-mining')
      .description('Machines the plan allocates to self-mining, per model and month')
      .requiredOption('--from <month>')
      .requiredOption('--to <month>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(PlanQuery, pickOptions(opts, ['from', 'to']));
      const units = await selfMiningAllocation(app, q.from, q.to);
      return { json: units, text: table(units, ['month', 'productId', 'units']) };
    },
  );
}
