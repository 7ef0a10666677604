/**
 * `ledger verify` at scale: records ~1,000,000 sales events through the bulk import (the history
 * bench/sales generates, decided by the sales model), then times a verify — every derived table
 * rebuilt from the events into a scratch database and compared row by row — on PGlite (a data
 * directory in a temporary folder, the scratch a new in-memory PGlite) and on PostgreSQL
 * (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test, in a fresh schema; the scratch
 * another schema). The baseline is reading every event once, in pages of the replay's size: no
 * verify can take less. The machine is shared: its load average is printed beside each time.
 *
 *   npx tsx bench/ledger/run.ts [--events 1000000] [--db both|pglite|postgres] [--chunk 25000]
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
import { type DatabaseTarget, openDatabase } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { SettableClock } from '../../src/kernel/clock.js';
import { openScratch } from '../../src/ledger/scratch.js';
import { tableCatalog } from '../../src/ledger/tables.js';
import { verifyLedger } from '../../src/ledger/verify.js';
import { modules } from '../../src/modules.js';
import { importSales } from '../../src/sales/service.js';
import { generate, seed } from '../sales/run.js';

const admin: Actor = { id: 'bench', role: 'admin' };
const ms = (t0: number) => performance.now() - t0;
const load = () => os.loadavg()[0]!.toFixed(1);
const n = (x: number) => x.toLocaleString('en-US');

interface Opened {
  ctx: AppContext;
  target: DatabaseTarget;
  close(): Promise<void>;
}

async function open(which: 'PGlite' | 'PostgreSQL'): Promise<Opened> {
  const projections = await loadProjections(modules);
  const config = readConfig(process.env);
  if (which === 'PGlite') {
    const dir = mkdtempSync(join(tmpdir(), 'hashforge-bench-ledger-'));
    const target: DatabaseTarget = { kind: 'embedded', dataDir: dir };
    const database = await openDatabase(target);
    await migrate(database.db);
    return {
      ctx: context(config, database.db, projections),
      target,
      close: async () => {
        await database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `hf_bench_ledger_${Date.now().toString(36)}`;
  const target: DatabaseTarget = { kind: 'server', url, schema };
  const database = await openDatabase(target);
  await migrate(database.db);
  return {
    ctx: context(config, database.db, projections),
    target,
    close: async () => {
      await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    },
  };
}

function context(
  config: ReturnType<typeof readConfig>,
  db: AppContext['db'],
  projections: AppContext['projections'],
) {
  return {
    ...assembleContext(config, {
      db,
      log: pino({ level: 'silent' }),
      projections,
      tables: tableCatalog(modules),
    }),
    clock: new SettableClock('2022-12-31T12:00:00Z'),
  };
}

async function runOn(which: 'PGlite' | 'PostgreSQL', files: string[]): Promise<void> {
  const { ctx, target, close } = await open(which);
  try {
    await seed(ctx);
    const t0 = performance.now();
    for (const [i, file] of files.entries()) {
      await importSales(ctx, admin, readFileSync(file, 'utf8'), { format: 'ndjson' });
      if (process.stderr.isTTY)
        process.stderr.write(`\r  ${which}: importing file ${i + 1} / ${files.length}`);
    }
    if (process.stderr.isTTY) process.stderr.write('\n');
    const importS = ms(t0) / 1000;
    const events = Number(
      (await sql<{ n: bigint }>`select count(*)::int8 as n from events`.execute(ctx.db)).rows[0]!.n,
    );
    console.log(`${which}:`);
    console.log(`  ${n(events)} events recorded by bulk import in ${importS.toFixed(1)} s (load ${load()})`);

    // Baseline: every event read once, a page of 1,000 at a time, as the replay reads them.
    const tb = performance.now();
    let after = 0n;
    for (;;) {
      const rows = await ctx.db
        .selectFrom('events')
        .selectAll()
        .where('id', '>', after)
        .orderBy('id')
        .limit(1000)
        .execute();
      if (rows.length === 0) break;
      after = rows.at(-1)!.id;
    }
    const baselineS = ms(tb) / 1000;
    console.log(`  baseline, reading every event once: ${baselineS.toFixed(1)} s (load ${load()})`);

    const phases: Record<string, number> = {};
    let phaseStart = 0;
    let phase = '';
    const cpu0 = process.cpuUsage();
    const tv = performance.now();
    const scratch = await openScratch(target);
    const report = await (async () => {
      try {
        return await verifyLedger(ctx, { db: scratch.db, projections: ctx.projections }, ctx.tables, {
          progress: {
            start(p) {
              phase = p;
              phaseStart = performance.now();
            },
            tick() {},
            stop() {
              phases[phase] = ms(phaseStart) / 1000;
            },
          },
        });
      } finally {
        await scratch.close();
      }
    })();
    const verifyS = ms(tv) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const rows = report.tables.reduce((s, t) => s + t.rows, 0);
    console.log(
      `  ledger verify: ${verifyS.toFixed(1)} s for ${n(report.events)} events = ${n(Math.round(report.events / verifyS))} events/s (replay ${phases.replaying?.toFixed(1)} s, compare ${n(rows)} rows in ${phases.comparing?.toFixed(1)} s; ${(verifyS / baselineS).toFixed(0)}× the baseline); Node CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load average ${load()} on ${os.cpus().length} cores`,
    );
    console.log(
      `  differences found: ${report.differenceCount}${report.differenceCount > 0 ? ` (first: ${JSON.stringify(report.differences[0])})` : ''}; undeclared tables: ${report.undeclared.length}`,
    );
  } finally {
    await close();
  }
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
  const t0 = performance.now();
  const { rows, ...book } = generate(Number(values.events), String(values.seed));
  const dir = mkdtempSync(join(tmpdir(), 'hashforge-bench-ledger-book-'));
  const files: string[] = [];
  const chunk = Number(values.chunk);
  for (let i = 0; i < rows.length; i += chunk) {
    const file = join(dir, `book-${String(files.length + 1).padStart(4, '0')}.ndjson`);
    writeFileSync(file, rows.slice(i, i + chunk).join('\n'));
    files.push(file);
  }
  rows.length = 0;
  console.log(
    `generated ${n(book.events)} sales events over ${n(book.contracts)} contracts in ${(ms(t0) / 1000).toFixed(1)} s (not timed below); load average ${load()}`,
  );
  try {
    const which = String(values.db);
    if (which === 'both' || which === 'pglite') await runOn('PGlite', files);
    if (which === 'both' || which === 'postgres') await runOn('PostgreSQL', files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
