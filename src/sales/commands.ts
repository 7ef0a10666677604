import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { getProduct } from '../catalog/service.js';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { type Progress, progress as progressBar } from '../cli/progress.js';
import { table } from '../cli/table.js';
import { AppError, invalid } from '../kernel/errors.js';
import { registerContractEventCommands } from './commands-events.js';
import { collect, contractId, describeContract, n, ths, usd } from './commands-format.js';
import type { ImportProgress } from './import.js';
import { detectFormat } from './import-file.js';
import { REGIONS } from './model.js';
import {
  ContractFilter,
  CustomerPage,
  NewContract,
  NewCustomer,
  OpportunityQuery,
  quarter as QuarterSchema,
} from './schemas.js';
import {
  addCustomer,
  bookContract,
  getContract,
  importSales,
  listContracts,
  listCustomers,
  opportunityCost,
  salesQuarter,
  salesYear,
} from './service.js';

type Period = Awaited<ReturnType<typeof salesQuarter>>;

function describePeriod(label: string, p: Omit<Period, 'quarter'>): string {
  const b = p.bookings;
  const d = p.deliveries;
  const discount =
    p.futuresDiscount.ratio === null ? 'n/a' : `${(p.futuresDiscount.ratio * 100).toFixed(1)}% of spot`;
  return [
    `${label} (${p.from} .. ${p.to})`,
    `bookings:   ${n(b.contracts)} contracts, ${n(b.units)} units, ${ths(b.th)}, ${usd(b.valueCents)}` +
      ` (machines ${n(b.machines.units)} / ${usd(b.machines.valueCents)}, AI chips ${n(b.aiChips.units)} / ${usd(b.aiChips.valueCents)})`,
    `            spot ${usd(b.byKind.spot.valueCents)}, futures ${usd(b.byKind.futures.valueCents)}, pre-order ${usd(b.byKind['pre-order'].valueCents)}; ASP ${b.avgCentsPerTh === null ? 'n/a' : `${usd(b.avgCentsPerTh)}/TH`}`,
    `deliveries: ${n(d.units)} units, ${ths(d.th)}, revenue ${usd(d.valueCents)}; ASP ${d.avgCentsPerTh === null ? 'n/a' : `${usd(d.avgCentsPerTh)}/TH`}`,
    `cancelled:  ${n(p.cancellations.units)} units, ${usd(p.cancellations.valueCents)}; deposits forfeited ${usd(p.forfeitedDeposits.valueCents)}`,
    `payments:   received ${usd(p.payments.receivedCents)}, refunded ${usd(p.payments.refundedCents)}`,
    `futures:    locked at ${discount} (${ths(p.futuresDiscount.th)})`,
    `at ${p.atEnd.day}: contract liabilities ${usd(p.atEnd.contractLiabilities.valueCents)}, receivables ${usd(p.atEnd.receivables.valueCents)}, backlog ${n(p.atEnd.backlog.units)} units / ${usd(p.atEnd.backlog.valueCents)}`,
    ...p.atEnd.scheduled.map(
      (s) =>
        `  scheduled ${s.quarter}${s.late ? ' (late)' : ''}: ${n(s.units)} units, ${ths(s.th)}, ${usd(s.valueCents)}`,
    ),
  ].join('\n');
}

/** `A1246,1000,30.00,2020-12:400;2021-01:300` -> a contract line; the price is per TH/s or per unit by product. */
async function lineOf(app: Parameters<typeof getProduct>[0], spec: string, i: number) {
  const [productId, units, price, tranches] = spec.split(',').map((s) => s.trim());
  if (!productId || !units || !price) {
    throw invalid(`lines.${i}`, `--line must be PRODUCT,UNITS,PRICE[,MONTH:UNITS;...], got "${spec}".`);
  }
  const product = await getProduct(app, productId).catch((e: unknown) => {
    if (e instanceof AppError && e.kind === 'not-found') {
      throw invalid(`lines.${i}.productId`, `There is no product ${productId} in the catalogue.`);
    }
    throw e;
  });
  return {
    productId,
    units,
    ...(product.kind === 'machine' ? { usdPerTh: price } : { usdPerUnit: price }),
    ...(tranches
      ? {
          tranches: tranches.split(';').map((t) => {
            const [month, u] = t.split(':');
            return { month: month?.trim(), units: u?.trim() };
          }),
        }
      : {}),
  };
}

function importProgress(): ImportProgress & { bar?: Progress } {
  let bar: Progress | undefined;
  return {
    start(phase, total) {
      bar = progressBar(total, phase === 'deciding' ? 'checking rows' : 'writing events');
    },
    tick: (by) => bar?.tick(by),
    stop: () => bar?.stop(),
  };
}

export function registerSalesCommands(program: Command): void {
  const salesCmd = program
    .command('sales')
    .description('The order book: customers, contracts, payments, deliveries');

  const customer = salesCmd.command('customer').description('Customers');
  defineAction(
    customer
      .command('add')
      .description('Add a customer')
      .requiredOption('--name <name>')
      .requiredOption('--country <code>', 'ISO two-letter code, e.g. US')
      .requiredOption('--region <region>', REGIONS.join(' | ')),
    { role: ['sales', 'finance'] },
    async (app, opts) => {
      const c = await addCustomer(
        app,
        app.actor,
        parseInput(NewCustomer, pickOptions(opts, ['name', 'country', 'region'])),
        app.idempotencyKey,
      );
      return { json: c, text: `customer ${c.id}: ${c.name} (${c.country}, ${c.region})` };
    },
  );
  defineAction(
    customer
      .command('list')
      .description('List customers')
      .option('--region <region>')
      .option('--country <code>')
      .option('--after <id>', 'only customers after this id: the next page')
      .option('--limit <n>', 'customers per page (1-5000)', '500'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const q = parseInput(CustomerPage, pickOptions(opts, ['region', 'country', 'after', 'limit']));
      const list = await listCustomers(app, q);
      const more = list.length === q.limit ? `\nmore: --after ${list.at(-1)!.id}` : '';
      return {
        json: list,
        text: table(list as unknown as Record<string, unknown>[], ['id', 'name', 'country', 'region']) + more,
      };
    },
  );

  const contract = salesCmd.command('contract').description('Contracts');
  defineAction(
    contract
      .command('add')
      .description('Book a contract')
      .requiredOption('--customer <id>', 'customer number')
      .requiredOption('--kind <kind>', 'spot | futures | pre-order')
      .requiredOption('--signed-on <day>', 'e.g. 2020-11-10')
      .requiredOption(
        '--line <spec>',
        'PRODUCT,UNITS,PRICE[,MONTH:UNITS;...] (USD/TH for machines, USD/unit for chips); repeat for more lines',
        collect,
        [],
      )
      .option('--deposit <percent>', 'deposit due at signing, % of value', '0')
      .option('--balance <when>', 'before-shipment | on-delivery', 'before-shipment')
      .option('--credit-days <n>', 'days of credit for on-delivery', '0')
      .option('--no-forfeit', 'refund the deposit on cancellation instead of keeping it')
      .option('--reference <text>', "the customer's order reference"),
    {
      role: ['sales', 'finance'],
      options: {
        customerId: '--customer',
        lines: '--line',
        'terms.depositPercent': '--deposit',
        'terms.balance': '--balance',
        'terms.creditDays': '--credit-days',
        'terms.depositForfeitedOnCancel': '--no-forfeit',
      },
    },
    async (app, opts) => {
      const specs = opts.line as string[];
      const input = parseInput(NewContract, {
        customerId: opts.customer,
        kind: opts.kind,
        signedOn: opts.signedOn,
        ...pickOptions(opts, ['reference']),
        terms: {
          depositPercent: opts.deposit,
          balance: opts.balance,
          creditDays: opts.creditDays,
          depositForfeitedOnCancel: opts.forfeit !== false,
        },
        lines: await Promise.all(specs.map((s, i) => lineOf(app, s, i))),
      });
      const c = await bookContract(app, app.actor, input, app.idempotencyKey);
      return { json: c, text: describeContract(c) };
    },
  );
  defineAction(
    contract.command('show').argument('<id>').description('A contract with its figures and history'),
    { role: 'viewer' },
    async (app, _opts, [id]) => {
      const c = await getContract(app, contractId(id));
      const history = c.history.map(
        (h) =>
          `  ${h.day}  #${h.eventId}  ${h.kind}  by ${h.actor}  -> liability ${usd(h.figuresAfter.liabilityCents)}, backlog ${usd(h.figuresAfter.backlogCents)}`,
      );
      return { json: c, text: [describeContract(c), 'history:', ...history].join('\n') };
    },
  );
  defineAction(
    contract
      .command('list')
      .description('List contracts')
      .option('--customer-id <id>')
      .option('--kind <kind>')
      .option('--status <status>', 'signed | delivering | delivered | cancelled | open')
      .option('--product-id <id>')
      .option('--family <family>')
      .option('--product-kind <kind>', 'machine | ai-chip')
      .option('--signed-in <period>', '2020Q4 or 2020')
      .option('--delivered-in <period>')
      .option('--cancelled-in <period>')
      .option('--paid-in <period>')
      .option('--liability-at <day>')
      .option('--receivable-at <day>')
      .option('--backlog-at <day>')
      .option('--as-of <day>', 'figures as they stood at the end of this day')
      .option('--limit <n>', 'at most this many', '100')
      .option('--offset <n>', 'skip this many', '0'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const { json: _j, csv: _c, token: _t, idempotencyKey: _k, ...filters } = opts;
      const result = await listContracts(app, parseInput(ContractFilter, filters));
      const rows = result.contracts.map((c) => ({
        id: c.id,
        customer: c.customer,
        kind: c.kind,
        signed: c.signedOn,
        status: c.status,
        units: c.units,
        value: usd(c.valueCents),
        paid: usd(c.paidCents),
        revenue: usd(c.revenueCents),
        backlog: usd(c.backlogCents),
        liability: usd(c.liabilityCents),
      }));
      return {
        json: result,
        rows: result.contracts,
        text: `${table(rows, ['id', 'customer', 'kind', 'signed', 'status', 'units', 'value', 'paid', 'revenue', 'backlog', 'liability'])}\n${result.total} contract(s)`,
      };
    },
  );

  registerContractEventCommands(salesCmd);

  defineAction(
    salesCmd.command('quarter').argument('<quarter>', 'e.g. 2020Q4').description("A quarter's figures"),
    { role: 'viewer' },
    async (app, _opts, [q]) => {
      const figures = await salesQuarter(app, parseInput(QuarterSchema, q));
      return { json: figures, text: describePeriod(figures.quarter, figures) };
    },
  );
  defineAction(
    salesCmd.command('year').argument('<year>', 'e.g. 2020').description("A year's figures"),
    { role: 'viewer' },
    async (app, _opts, [y]) => {
      const figures = await salesYear(app, Number(y));
      const ai = figures.aiChipRevenue;
      const multiple = ai.multiple === null ? 'n/a' : `${ai.multiple.toFixed(2)}x`;
      return {
        json: figures,
        text: `${describePeriod(String(figures.year), figures)}\nAI-chip revenue ${usd(ai.thisYearCents)} vs ${usd(ai.lastYearCents)} the year before: ${multiple}`,
      };
    },
  );
  defineAction(
    salesCmd
      .command('opportunity-cost')
      .description("Undelivered futures TH/s × (today's spot − locked price)")
      .option('--day <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(OpportunityQuery, pickOptions(opts, ['day']));
      const o = await opportunityCost(app, q.day);
      return {
        json: o,
        text: `on ${o.day} at ${usd(o.spotCentsPerTh)}/TH: ${ths(o.undeliveredTh)} undelivered futures locked at ${usd(o.lockedCents)} would fetch ${usd(o.atSpotCents)}; opportunity cost ${usd(o.opportunityCostCents)}`,
      };
    },
  );
  defineAction(
    salesCmd
      .command('import')
      .argument('<file>', 'CSV or NDJSON of customers, contracts and events')
      .option('--format <format>', 'csv | ndjson (default: from the file name)')
      .description('Import a file of sales rows, all or nothing; every rejected row is reported'),
    { role: ['sales', 'finance'] },
    async (app, opts, [file]) => {
      let text: string;
      try {
        text = readFileSync(file!, 'utf8');
      } catch (error) {
        throw invalid('file', `Cannot read ${file}: ${(error as Error).message}`);
      }
      const format = opts.format === undefined ? detectFormat(file!, text) : opts.format;
      if (format !== 'csv' && format !== 'ndjson')
        throw invalid('format', `format must be csv or ndjson, got "${String(format)}".`);
      const report = await importSales(app, app.actor, text, {
        format,
        idempotencyKey: app.idempotencyKey,
        progress: importProgress(),
      });
      return {
        json: report,
        text: `imported ${file}: ${report.rows} rows -> ${report.customers} customers, ${report.contracts} contracts, ${report.events} contract events`,
      };
    },
  );
}
