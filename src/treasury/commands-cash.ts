/** `hashforge treasury cash …` and `treasury depreciation`: the USD cash and the machines' depreciation. */
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { formatBtc } from '../kernel/bitcoin.js';
import { dayOf } from '../kernel/calendar.js';
import { formatUsd } from '../kernel/money.js';
import { cashOn, cashRoll, recordCash, type SourcedLine } from './cash.js';
import { CASH_CATEGORIES, CASH_DIRECTIONS } from './cash-model.js';
import { fleetDepreciation } from './depreciation.js';
import { machineLifeOn, setMachineLife } from './machine-life.js';
import { Cash, CashRollQuery, DepreciationQuery, MachineLife, MachineLifeQuery, OnQuery } from './schemas.js';

const lineRows = (lines: SourcedLine[]) =>
  lines.map((l) => ({ flow: l.flow, usd: formatUsd(l.cents), source: l.source }));
const perBtc = (cents: bigint | null) => (cents === null ? 'no BTC mined' : `${formatUsd(cents)} per BTC`);

export function registerCashCommands(treasury: Command): void {
  defineAction(
    treasury
      .command('cash')
      .description("The company's USD cash at the end of a day, line by line")
      .requiredOption('--on <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const c = await cashOn(app, parseInput(OnQuery, { on: opts.on }).on);
      return {
        json: c,
        text: [
          `USD cash at the end of ${c.on}: ${formatUsd(c.usdCents)}`,
          table(lineRows(c.lines), ['flow', 'usd', 'source']),
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('cash-roll')
      .description('USD cash at the start of a period, what moved it, where it ended')
      .requiredOption('--from <day>')
      .requiredOption('--to <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(CashRollQuery, pickOptions(opts, ['from', 'to']));
      const r = await cashRoll(app, q.from, q.to);
      return {
        json: r,
        text: [
          `USD cash ${r.from} .. ${r.to}: opening ${formatUsd(r.openingCents)}, closing ${formatUsd(r.closingCents)}`,
          table(lineRows(r.lines), ['flow', 'usd', 'source']),
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('cash-record')
      .description('Record cash no other module records (opening balance, production, capex, opex, ...)')
      .requiredOption('--on <day>')
      .requiredOption('--category <category>', CASH_CATEGORIES.join(' | '))
      .requiredOption('--direction <direction>', CASH_DIRECTIONS.join(' | '))
      .requiredOption('--amount <usd>')
      .option('--account <code>', 'USD account', 'usd')
      .option('--note <text>'),
    { role: 'finance', options: { day: '--on' } },
    async (app, opts) => {
      const input = parseInput(Cash, {
        ...pickOptions(opts, ['category', 'direction', 'amount', 'account', 'note']),
        day: opts.on,
      });
      const c = await recordCash(app, app.actor, input, app.idempotencyKey);
      return {
        json: c,
        text: `${c.category} ${formatUsd(c.amountCents)} recorded in ${c.account} on ${c.day} (movement ${c.id})`,
      };
    },
  );
  defineAction(
    treasury
      .command('depreciation')
      .description("The self-mining machines' depreciation and the cost per BTC mined with it")
      .requiredOption('--on <day>', 'accumulated to the end of this day')
      .option('--from <day>', "first day of the period (default: the first day of on's quarter)"),
    { role: 'viewer' },
    async (app, opts) => {
      const d = await fleetDepreciation(
        app,
        parseInput(DepreciationQuery, pickOptions(opts, ['on', 'from'])),
      );
      const c = d.costPerBtc;
      return {
        json: d,
        text: [
          `depreciation ${d.from} .. ${d.on}, straight-line from installation, ${d.lifeMonths} months (${d.lifeDays} days) in force on ${d.on}; each earlier day at the life then`,
          `machines installed ${d.machines}${d.uncostedMachines > 0 ? ` (${d.uncostedMachines} without a build cost, not depreciated)` : ''}, ` +
            `cost ${formatUsd(d.grossCostCents)}, charged in the period ${formatUsd(d.periodCents)}, ` +
            `accumulated ${formatUsd(d.accumulatedCents)}, net book value ${formatUsd(d.netBookValueCents)}`,
          `mined ${formatBtc(c.minedSats)}: energy ${formatUsd(c.energyCents)} = ${perBtc(c.energyPerBtcCents)}; ` +
            `with depreciation ${formatUsd(c.energyCents + c.depreciationCents)} = ${perBtc(c.withDepreciationPerBtcCents)}`,
          table(
            d.byModel.map((m) => ({
              model: m.productId,
              machines: m.machines,
              cost: formatUsd(m.grossCostCents),
              period: formatUsd(m.periodCents),
              accumulated: formatUsd(m.accumulatedCents),
            })),
            ['model', 'machines', 'cost', 'period', 'accumulated'],
          ),
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('machine-life')
      .description("The machines' life for depreciation in force on a day, and every setting")
      .option('--on <day>', 'the life in force at the end of this day (default today)'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(MachineLifeQuery, pickOptions(opts, ['on']));
      const p = await machineLifeOn(app, q.on ?? dayOf(app.clock.now()));
      return {
        json: p,
        text: [
          `machine life on ${p.on}: ${p.lifeMonths} months (default ${p.defaultMonths}, HASHFORGE_MACHINE_LIFE_MONTHS)`,
          table(
            p.settings.map((x) => ({
              from: x.effectiveFrom,
              months: x.lifeMonths,
              by: x.actor,
              reason: x.reason,
            })),
            ['from', 'months', 'by', 'reason'],
          ),
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('machine-life-set')
      .description(
        "Set the machines' life for depreciation from a day on (earlier days keep the life before it)",
      )
      .requiredOption('--from <day>', 'the first day the life applies to')
      .requiredOption('--months <n>', 'straight-line over this many months from installation')
      .requiredOption('--reason <text>'),
    { role: 'finance', options: { effectiveFrom: '--from', lifeMonths: '--months' } },
    async (app, opts) => {
      const input = parseInput(MachineLife, {
        effectiveFrom: opts.from,
        lifeMonths: opts.months,
        reason: opts.reason,
      });
      const x = await setMachineLife(app, app.actor, input, app.idempotencyKey);
      return {
        json: x,
        text: `machine life ${x.lifeMonths} months from ${x.effectiveFrom} (event ${x.eventId})`,
      };
    },
  );
}
