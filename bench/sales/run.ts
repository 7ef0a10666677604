/**
 * The order book at scale: records ~1,000,000 sales events over ~100,000 contracts through the
 * bulk import (the ledger, the rules and the projections, as `hashforge sales import` runs them),
 * then times a quarter's and a year's figures. Runs on PGlite (a data directory in a temporary
 * folder) and on PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, in a fresh
 * schema dropped afterwards). Also times the one-event-at-a-time API path on a sample.
 * Targets on PostgreSQL: ≥ 5,000 events/s written, a quarter's figures in ≤ 250 ms.
 *
 * The history is generated with a seeded PRNG and decided by the sales model itself, so every
 * event is valid; the figures read back are checked against the generator's own totals.
 *
 *   npx tsx bench/sales/run.ts [--events 1000000] [--db both|pglite|postgres] [--chunk 25000]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { readConfig } from '../../src/app/config.js';
import type { Actor, AppContext } from '../../src/app/context.js';
import { assembleContext, loadProjections } from '../../src/app/root.js';
import { addProduct } from '../../src/catalog/service.js';
import { openDatabase } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import {
  addDays,
  addMonths,
  type Day,
  lastDayOfQuarter,
  monthOf,
  quarterOf,
} from '../../src/kernel/calendar.js';
import { SettableClock } from '../../src/kernel/clock.js';
import { AppError } from '../../src/kernel/errors.js';
import { toWireJson } from '../../src/kernel/json.js';
import { formatUsd, formatUsdDecimal } from '../../src/kernel/money.js';
import { createRandom, type Random } from '../../src/kernel/random.js';
import { tableCatalog } from '../../src/ledger/tables.js';
import { importMarketCsv, setSpotPrices } from '../../src/market/service.js';
import { modules } from '../../src/modules.js';
import { type ContractDraft, type ProductFacts, REGIONS, signContract } from '../../src/sales/model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractState,
  contractFigures,
  openContract,
} from '../../src/sales/model-events.js';
import {
  importSales,
  listContracts,
  recordPayment,
  salesQuarter,
  salesYear,
} from '../../src/sales/service.js';

const TARGET = { eventsPerSecond: 5000, quarterMs: 250 };
const FIRST_DAY = '2019-01-01';
const LAST_SIGNING = '2022-06-30';
const TODAY = '2022-12-31';

const PRODUCTS: (ProductFacts & { name: string; watts?: number })[] = [
  {
    id: 'A1066',
    name: 'AvalonMiner 1066',
    kind: 'machine',
    family: 'A10',
    ths: 50,
    stage: 'mass-production',
    watts: 3250,
  },
  {
    id: 'A1166P',
    name: 'AvalonMiner 1166 Pro',
    kind: 'machine',
    family: 'A11',
    ths: 81,
    stage: 'mass-production',
    watts: 3400,
  },
  {
    id: 'A1246',
    name: 'AvalonMiner 1246',
    kind: 'machine',
    family: 'A12',
    ths: 90,
    stage: 'mass-production',
    watts: 3420,
  },
  { id: 'K210', name: 'Kendryte K210', kind: 'ai-chip', family: 'K', ths: null, stage: 'mass-production' },
  { id: 'K510', name: 'Kendryte K510', kind: 'ai-chip', family: 'K', ths: null, stage: 'pre-order' },
];
const byId = new Map(PRODUCTS.map((p) => [p.id, p]));

/** Spot USD/TH on the first of each month: a random walk between $20 and $110. */
function spotPath(rng: Random): { day: Day; usdPerTh: bigint }[] {
  const path: { day: Day; usdPerTh: bigint }[] = [];
  let price = 45;
  for (let m = monthOf(FIRST_DAY); m <= monthOf(TODAY); m = addMonths(m, 1)) {
    price = Math.min(110, Math.max(20, price * (1 + rng.normal(0, 0.12))));
    path.push({ day: `${m}-01`, usdPerTh: BigInt(Math.round(price * 100)) });
  }
  return path;
}

interface Generated {
  customers: number;
  contracts: number;
  /** NDJSON rows in day order; contracts named by the number they will get. */
  rows: string[];
  events: number;
  expected: {
    valueCents: bigint;
    revenueCents: bigint;
    liabilityCents: bigint;
    backlogCents: bigint;
    forfeitedCents: bigint;
  };
}

/** A valid history of `contracts` contracts, decided by the model as it is generated. */
export function generate(targetEvents: number, seed: string): Generated {
  const rng = createRandom(seed);
  const spots = spotPath(rng);
  const spotOn = (day: Day) => [...spots].reverse().find((s) => s.day <= day)?.usdPerTh ?? null;
  const customers = Math.max(1, Math.round(targetEvents / 1000));
  const contracts = Math.max(1, Math.round(targetEvents / 10));
  const span = Number((Date.parse(LAST_SIGNING) - Date.parse(FIRST_DAY)) / 86_400_000);
  const signing = Array.from({ length: contracts }, () => addDays(FIRST_DAY, rng.int(0, span))).sort();

  type Row = { day: Day; c: number; seq: number; json: string };
  const rows: Row[] = [];
  for (let k = 0; k < customers; k++) {
    const row = { type: 'customer', name: `Customer ${k + 1}`, country: 'US', region: rng.pick(REGIONS) };
    rows.push({ day: FIRST_DAY, c: -1, seq: k, json: JSON.stringify(row) });
  }
  const expected = {
    valueCents: 0n,
    revenueCents: 0n,
    liabilityCents: 0n,
    backlogCents: 0n,
    forfeitedCents: 0n,
  };

  signing.forEach((signedOn, index) => {
    const id = index + 1;
    const roll = rng.next();
    const kind = roll < 0.7 ? 'futures' : roll < 0.97 ? 'spot' : 'pre-order';
    const lineCount = kind === 'pre-order' ? 1 : rng.chance(0.2) ? 2 : 1;
    const startMonth = kind === 'spot' ? monthOf(signedOn) : addMonths(monthOf(signedOn), rng.int(1, 3));
    const trancheCount = kind === 'spot' ? 1 : kind === 'futures' ? rng.int(2, 10) : rng.int(1, 3);
    const lines = Array.from({ length: lineCount }, () => {
      const product =
        kind === 'pre-order'
          ? byId.get('K510')!
          : rng.chance(0.85)
            ? rng.pick(PRODUCTS.slice(0, 3))
            : byId.get('K210')!;
      const perTranche = product.kind === 'machine' ? rng.int(5, 300) : rng.int(100, 5000);
      return {
        productId: product.id,
        units: perTranche * trancheCount,
        ...(product.kind === 'machine'
          ? { usdPerTh: (rng.int(1500, 6000) / 100).toFixed(2) }
          : { usdPerUnit: (rng.int(300, 4000) / 100).toFixed(2) }),
        tranches: Array.from({ length: trancheCount }, (_, t) => ({
          month: addMonths(startMonth, t),
          units: perTranche,
        })),
      };
    });
    const onDelivery = kind === 'spot' && rng.chance(0.5);
    const terms = {
      depositPercent: kind === 'spot' ? 0 : kind === 'futures' ? rng.pick([20, 30, 30, 50]) : 100,
      balance: onDelivery ? 'on-delivery' : 'before-shipment',
      creditDays: onDelivery ? 30 : 0,
      depositForfeitedOnCancel: kind !== 'spot',
    } as const;
    const contractRow = { type: 'contract', customerId: rng.int(1, customers), kind, signedOn, terms, lines };
    const draft: ContractDraft = {
      customerId: contractRow.customerId,
      kind,
      signedOn,
      terms: {
        depositPercent: terms.depositPercent,
        balance: onDelivery ? { due: 'on-delivery', creditDays: 30 } : { due: 'before-shipment' },
        depositForfeitedOnCancel: terms.depositForfeitedOnCancel,
      },
      lines: lines.map((l) => ({
        productId: l.productId,
        units: l.units,
        centsPerTh: 'usdPerTh' in l ? BigInt(l.usdPerTh.replace('.', '')) : undefined,
        centsPerUnit: 'usdPerUnit' in l ? BigInt(l.usdPerUnit.replace('.', '')) : undefined,
        tranches: l.tranches,
      })),
    };
    let state: ContractState = openContract(signContract(id, draft, byId, spotOn(signedOn)));
    let seq = 0;
    rows.push({ day: signedOn, c: id, seq: seq++, json: JSON.stringify(contractRow) });

    let day = signedOn;
    const tryEvent = (event: ContractEvent): AppError | undefined => {
      if (event.day > TODAY) return undefined;
      try {
        state = applyEvent(state, event).state;
      } catch (error) {
        if (error instanceof AppError) return error;
        throw error;
      }
      day = event.day;
      rows.push({ day: event.day, c: id, seq: seq++, json: wireRow(id, event) });
      return undefined;
    };
    if (state.deposit > 0n)
      tryEvent({ type: 'payment-received', day: addDays(day, rng.int(0, 5)), amountCents: state.deposit });
    const cancelAfter = kind === 'futures' && rng.chance(0.1) ? rng.int(0, trancheCount - 1) : -1;
    const deferAt = kind === 'futures' && rng.chance(0.15) ? rng.int(0, trancheCount - 1) : -1;
    for (let t = 0; t < trancheCount; t++) {
      if (t === cancelAfter) {
        tryEvent({ type: 'cancellation', day: addDays(day, rng.int(1, 20)) });
        break;
      }
      if (t === deferAt) {
        const lineId = rng.int(1, lineCount);
        const tranche = state.lines[lineId - 1]!.tranches.find((x) => x.units > x.delivered + x.cancelled);
        if (tranche) {
          const when = addDays(day, rng.int(1, 10));
          const month = addMonths(
            tranche.month < monthOf(when) ? monthOf(when) : tranche.month,
            rng.int(1, 3),
          );
          tryEvent({ type: 'reschedule', day: when, moves: [{ lineId, tranche: tranche.tranche, month }] });
        }
      }
      const month =
        state.lines[0]!.tranches.find((x) => x.units > x.delivered + x.cancelled)?.month ?? startMonth;
      const shipDay = `${month}-${String(rng.int(1, 28)).padStart(2, '0')}`;
      const when = shipDay > day ? shipDay : day;
      const delivery: ContractEvent = {
        type: 'delivery',
        day: when,
        lines: state.lines
          .map((l) => ({ lineId: l.line.lineId, units: l.line.units / trancheCount }))
          .filter((l) => {
            const ls = state.lines[l.lineId - 1]!;
            return ls.line.units - ls.delivered - ls.cancelled >= l.units;
          }),
      };
      if (delivery.lines.length === 0) break;
      const refused = tryEvent(delivery);
      if (refused?.code === 'sales.unpaid-tranche') {
        const { requiredCents, paidCents } = refused.detail as { requiredCents: bigint; paidCents: bigint };
        const early = addDays(when, -rng.int(0, 5));
        tryEvent({
          type: 'payment-received',
          day: early > day ? early : day,
          amountCents: requiredCents - paidCents,
        });
        tryEvent(delivery);
      } else if (refused) {
        throw refused;
      }
      if (onDelivery) {
        const owed = contractFigures(state).receivableCents;
        if (owed > 0n)
          tryEvent({ type: 'payment-received', day: addDays(day, rng.int(5, 30)), amountCents: owed });
      }
      if (rng.chance(0.01)) {
        const liability = contractFigures(state).liabilityCents;
        if (liability > 100n)
          tryEvent({ type: 'refund', day: addDays(day, 1), amountCents: liability / 10n });
      }
    }
    const f = contractFigures(state);
    expected.valueCents += f.valueCents;
    expected.revenueCents += f.revenueCents;
    expected.liabilityCents += f.liabilityCents;
    expected.backlogCents += f.backlogCents;
    expected.forfeitedCents += f.forfeitedDepositCents;
  });

  rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.c - b.c || a.seq - b.seq));
  return {
    customers,
    contracts,
    rows: rows.map((r) => r.json),
    events: rows.length,
    expected,
  };
}

function wireRow(contract: number, e: ContractEvent): string {
  switch (e.type) {
    case 'payment-received':
      return toWireJson({
        type: 'payment',
        contract,
        day: e.day,
        amountUsd: formatUsdDecimal(e.amountCents),
      });
    case 'refund':
      return toWireJson({
        type: 'refund',
        contract,
        day: e.day,
        amountUsd: formatUsdDecimal(e.amountCents),
      });
    case 'delivery':
      return toWireJson({ type: 'delivery', contract, day: e.day, lines: e.lines });
    case 'cancellation':
      return toWireJson({ type: 'cancellation', contract, day: e.day });
    case 'reschedule':
      return toWireJson({ type: 'reschedule', contract, day: e.day, moves: e.moves });
    case 'payment-adjustment':
      throw new Error('An import file has no row for a payment adjustment, and the bench makes none.');
  }
}

interface Target {
  name: 'PGlite' | 'PostgreSQL';
  open(): Promise<{ ctx: AppContext & { clock: SettableClock }; close(): Promise<void> }>;
}

const admin: Actor = { id: 'bench', role: 'admin' };

function targets(which: string): Target[] {
  const list: Target[] = [];
  if (which === 'both' || which === 'pglite') {
    list.push({
      name: 'PGlite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'hashforge-bench-sales-'));
        const database = await openDatabase({ kind: 'embedded', dataDir: dir });
        await migrate(database.db);
        const clock = new SettableClock(`${TODAY}T12:00:00Z`);
        const ctx = {
          ...assembleContext(readConfig(process.env), {
            db: database.db,
            log: pino({ level: 'silent' }),
            projections: await loadProjections(modules),
            tables: tableCatalog(modules),
          }),
          clock,
        };
        return {
          ctx,
          close: async () => {
            await database.close();
            rmSync(dir, { recursive: true, force: true });
          },
        };
      },
    });
  }
  if (which === 'both' || which === 'postgres') {
    list.push({
      name: 'PostgreSQL',
      async open() {
        const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
        // node-postgres names its connections after PGAPPNAME; the CPU accounting finds them by it.
        process.env.PGAPPNAME = APP_NAME;
        const schema = `hf_bench_sales_${Date.now().toString(36)}`;
        const database = await openDatabase({ kind: 'server', url, schema });
        await migrate(database.db);
        const clock = new SettableClock(`${TODAY}T12:00:00Z`);
        const ctx = {
          ...assembleContext(readConfig(process.env), {
            db: database.db,
            log: pino({ level: 'silent' }),
            projections: await loadProjections(modules),
            tables: tableCatalog(modules),
          }),
          clock,
        };
        return {
          ctx,
          close: async () => {
            await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db);
            await database.close();
          },
        };
      },
    });
  }
  return list;
}

export async function seed(ctx: AppContext): Promise<void> {
  for (const p of PRODUCTS) {
    const common = { id: p.id, name: p.name, family: p.family, stage: p.stage, launchDate: null };
    await addProduct(
      ctx,
      admin,
      p.kind === 'machine'
        ? {
            ...common,
            kind: 'machine',
            generation: Number(p.family.slice(1)),
            algorithm: 'sha256',
            ths: p.ths!,
            watts: p.watts!,
            chipsPerMachine: 300,
            hashboards: 3,
          }
        : { ...common, kind: 'ai-chip', tier: 'low-cost', tops: 1, processNm: 28, predecessor: null },
    );
  }
  await importMarketCsv(
    ctx,
    admin,
    `date,btc_usd,difficulty,fees_per_block_btc\n${FIRST_DAY},3800,5600000000000,0.1\n`,
    { source: 'bench' },
  );
  await setSpotPrices(ctx, admin, spotPath(createRandom('sales-bench')), 'bench');
}

const APP_NAME = 'hashforge-bench-sales';

/**
 * CPU seconds the database server spent on the bench's connections (tagged by application name),
 * read from /proc: the machine is shared, and wall-clock time alone measures the neighbours too.
 * PGlite runs inside Node, so its time is in Node's. A server elsewhere can't be read (null).
 */
async function backendCpu(
  ctx: AppContext,
  name: Target['name'],
): Promise<{ used(): Promise<number | null> }> {
  if (name === 'PGlite') return { used: async () => 0 };
  const read = async (): Promise<Map<number, number> | null> => {
    try {
      const pids = await sql<{
        pid: number;
      }>`select pid from pg_stat_activity where application_name = ${APP_NAME}`.execute(ctx.db);
      return new Map(
        pids.rows.map(({ pid }) => {
          const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
          return [pid, (Number(fields[11]) + Number(fields[12])) / 100];
        }),
      );
    } catch {
      return null;
    }
  };
  const before = await read();
  return {
    used: async () => {
      const after = await read();
      if (!before || !after) return null;
      let used = 0;
      for (const [pid, seconds] of after) used += seconds - (before.get(pid) ?? 0);
      return used;
    },
  };
}

const ms = (t0: number) => performance.now() - t0;
const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

async function runOn(
  target: Target,
  book: Omit<Generated, 'rows'>,
  files: string[],
  chunk: number,
): Promise<void> {
  const { ctx, close } = await target.open();
  try {
    await seed(ctx);
    const backend = await backendCpu(ctx, target.name);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    // File by file, as `hashforge sales import` reads them.
    for (const [i, file] of files.entries()) {
      await importSales(ctx, admin, readFileSync(file, 'utf8'), { format: 'ndjson' });
      if (process.stderr.isTTY) process.stderr.write(`\r  ${target.name}: file ${i + 1} / ${files.length}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const writeSeconds = ms(t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const nodeCpuSeconds = (cpu.user + cpu.system) / 1e6;
    const dbCpuSeconds = await backend.used();
    const loadAverage = os.loadavg()[0]!;
    const stored = await sql<{
      n: bigint;
    }>`select count(*)::int8 as n from events where kind like 'sales.%' and kind <> 'sales.import-completed'`.execute(
      ctx.db,
    );
    const events = Number(stored.rows[0]!.n);

    const quarter = quarterOf('2021-03-31');
    const quarterTimes: number[] = [];
    for (let i = 0; i < 21; i++) {
      const t = performance.now();
      await salesQuarter(ctx, quarter);
      quarterTimes.push(ms(t));
    }
    const yearTimes: number[] = [];
    for (let i = 0; i < 11; i++) {
      const t = performance.now();
      await salesYear(ctx, 2021);
      yearTimes.push(ms(t));
    }
    const tList = performance.now();
    const liabilityList = await listContracts(ctx, {
      liabilityAt: lastDayOfQuarter(quarter),
      limit: 100,
      offset: 0,
    });
    const listMs = ms(tList);

    // Check the figures against the generator's own totals.
    const lastQuarter = quarterOf(TODAY);
    const years = await Promise.all([2019, 2020, 2021, 2022].map((y) => salesYear(ctx, y)));
    const revenue = years.reduce((s, y) => s + y.deliveries.valueCents, 0n);
    const booked = years.reduce((s, y) => s + y.bookings.valueCents, 0n);
    const forfeited = years.reduce((s, y) => s + y.forfeitedDeposits.valueCents, 0n);
    const end = await salesQuarter(ctx, lastQuarter);
    const checks = {
      bookings: booked === book.expected.valueCents,
      revenue: revenue === book.expected.revenueCents,
      forfeited: forfeited === book.expected.forfeitedCents,
      liabilities: end.atEnd.contractLiabilities.valueCents === book.expected.liabilityCents,
      backlog: end.atEnd.backlog.valueCents === book.expected.backlogCents,
    };

    // One event at a time through the same service the API calls: payments on open contracts, 8 at once.
    const sample = Math.min(2000, Math.max(100, Math.round(events / 500)));
    const open = await sql<{ id: bigint; owed: bigint }>`
      select id, value_cents - cancelled_value_cents + forfeited_cents - paid_cents + refunded_cents as owed
      from sales_contracts where status in ('signed', 'delivering') and kind = 'futures' and last_day <= ${TODAY}
      order by id limit ${sample}`.execute(ctx.db);
    const tApi = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < open.rows.length) {
          const row = open.rows[next++]!;
          if (row.owed > 0n) await recordPayment(ctx, admin, Number(row.id), { day: TODAY, amountUsd: 1n });
        }
      }),
    );
    const apiSeconds = ms(tApi) / 1000;

    const f = (x: number) => x.toFixed(1);
    const rate = Math.round(events / writeSeconds);
    console.log(`${target.name}:`);
    console.log(
      `  recorded ${events.toLocaleString('en-US')} events (${book.customers.toLocaleString('en-US')} customers, ${book.contracts.toLocaleString('en-US')} contracts) in ${f(writeSeconds)} s via bulk import of ${chunk.toLocaleString('en-US')}-row files: ${rate.toLocaleString('en-US')} events/s${target.name === 'PostgreSQL' ? ` (target ≥ ${TARGET.eventsPerSecond.toLocaleString('en-US')}: ${rate >= TARGET.eventsPerSecond ? 'met' : 'MISSED'})` : ''}`,
    );
    const cpuSeconds = nodeCpuSeconds + (dbCpuSeconds ?? 0);
    console.log(
      `  CPU used while writing: Node ${f(nodeCpuSeconds)} s${dbCpuSeconds === null ? '' : ` + PostgreSQL ${f(dbCpuSeconds)} s`} = ${Math.round(events / cpuSeconds).toLocaleString('en-US')} events per CPU-second; machine load average ${loadAverage.toFixed(1)} on ${os.cpus().length} cores`,
    );
    console.log(
      `  quarter ${quarter} figures: median ${f(percentile(quarterTimes, 0.5))} ms, p95 ${f(percentile(quarterTimes, 0.95))} ms, first ${f(quarterTimes[0]!)} ms${target.name === 'PostgreSQL' ? ` (target ≤ ${TARGET.quarterMs} ms: ${percentile(quarterTimes, 0.95) <= TARGET.quarterMs ? 'met' : 'MISSED'})` : ''}`,
    );
    console.log(`  year 2021 figures: median ${f(percentile(yearTimes, 0.5))} ms`);
    console.log(
      `  drill-down: contracts with a liability at ${lastDayOfQuarter(quarter)}: ${liabilityList.total.toLocaleString('en-US')}, listed in ${f(listMs)} ms`,
    );
    console.log(
      `  one event at a time (record per payment, 8 concurrent): ${open.rows.length} in ${f(apiSeconds)} s = ${Math.round(open.rows.length / apiSeconds)} events/s`,
    );
    console.log(
      `  figures match the generator: ${Object.entries(checks)
        .map(([k, ok]) => `${k} ${ok ? 'yes' : 'NO'}`)
        .join(', ')}`,
    );
    console.log(
      `  book: bookings ${formatUsd(booked, { compact: true })}, revenue ${formatUsd(revenue, { compact: true })}, liabilities at ${TODAY} ${formatUsd(end.atEnd.contractLiabilities.valueCents, { compact: true })}, backlog ${formatUsd(end.atEnd.backlog.valueCents, { compact: true })}`,
    );
  } finally {
    await close();
  }
}

/**
 * Generates the history and writes it to NDJSON files of `chunk` rows. Only the totals stay in
 * memory: a 1,000,000-row heap would slow every garbage collection of the import and be counted
 * against it, where `hashforge sales import` holds one file at a time.
 */
function writeBook(events: number, seed: string, chunk: number) {
  const { rows, ...book } = generate(events, seed);
  const dir = mkdtempSync(join(tmpdir(), 'hashforge-bench-sales-book-'));
  const files: string[] = [];
  for (let i = 0; i < rows.length; i += chunk) {
    const file = join(dir, `book-${String(files.length + 1).padStart(4, '0')}.ndjson`);
    writeFileSync(file, rows.slice(i, i + chunk).join('\n'));
    files.push(file);
  }
  return { book, files, dir };
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '1000000' },
      db: { type: 'string', default: 'both' },
      chunk: { type: 'string', default: '25000' },
      seed: { type: 'string', default: 'sales-bench' },
    },
    strict: false,
  });
  const target = Number(values.events);
  const t0 = performance.now();
  const chunk = Number(values.chunk);
  const { book, files, dir } = writeBook(target, String(values.seed), chunk);
  console.log(
    `generated ${book.events.toLocaleString('en-US')} valid events over ${book.contracts.toLocaleString('en-US')} contracts in ${(ms(t0) / 1000).toFixed(1)} s (not timed below)`,
  );
  try {
    for (const t of targets(String(values.db))) await runOn(t, book, files, chunk);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
