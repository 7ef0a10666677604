/**
 * The fixed CPU cost of one small parameterised statement on PGlite: `pg.query` (six calls into the
 * database per statement) against the driver's fast path (`PGliteStatements`, one call once a text
 * has been seen), alternating blocks of each on the same open database, CPU time of this process
 * (PGlite runs inside it). Then whole cold quarterly reports (every section, nothing remembered),
 * the same way: each report alternately with `pg.query` put back in the fast path's place and with
 * the fast path, counting the statements. Run on the demo company's data directory
 * (`bench/report/sections.ts` makes one); not while another process has it open.
 *
 *   npx tsx bench/db/pglite-statement.ts [--data-dir /tmp/bench-report-demo] [--n 2000] [--reports 6]
 */
import { isDeepStrictEqual, parseArgs } from 'node:util';
import type { PGlite, Results } from '@electric-sql/pglite';
import { readConfig } from '../../src/app/config.js';
import { openContext } from '../../src/app/root.js';
import { newPGlite } from '../../src/db/db.js';
import { PGliteStatements } from '../../src/db/pglite-statement.js';
import { parseQuarter } from '../../src/kernel/calendar.js';
import { modules } from '../../src/modules.js';
import { FRESH } from '../../src/reporting/reads.js';
import { computeQuarterlyReport } from '../../src/reporting/service.js';
import { baseline } from '../baseline.js';

const { values } = parseArgs({
  options: {
    'data-dir': { type: 'string', default: '/tmp/bench-report-demo' },
    n: { type: 'string', default: '2000' },
    reports: { type: 'string', default: '6' },
  },
});
const n = Number(values.n);
const BLOCK = 100;
console.log(baseline());
const pg = await newPGlite(values['data-dir'] as string);
const fast = new PGliteStatements(pg);

/** A report's kind of read: a customer's contracts signed by a day, a few rows of int8, date, float8, jsonb. */
const text = `select id, kind, signed_on, value_cents, th, state from sales_contracts
  where customer_id = $1 and signed_on <= $2 order by id limit 3`;
const customers = (
  await pg.query<{ id: bigint }>('select id from sales_customers order by id limit 50')
).rows.map((r) => r.id);
if (customers.length === 0) throw new Error(`no demo company in ${values['data-dir']}`);
const paramsOf = (i: number) => [customers[i % customers.length], '2022-06-30'];

const ways = {
  'pg.query': (i: number) => pg.query(text, paramsOf(i)),
  'fast path': (i: number) => fast.query(text, paramsOf(i)),
};
for (let i = 0; i < 50; i++) {
  const [a, b] = [await ways['pg.query'](i), await ways['fast path'](i)];
  if (!isDeepStrictEqual(a, b)) throw new Error(`the two ways differ for ${paramsOf(i)}`);
}

const cpuUs = { 'pg.query': 0, 'fast path': 0 };
const wallMs = { 'pg.query': 0, 'fast path': 0 };
for (let done = 0; done < n; done += BLOCK) {
  for (const way of Object.keys(ways) as (keyof typeof ways)[]) {
    const cpu = process.cpuUsage();
    const t = performance.now();
    for (let i = done; i < done + BLOCK; i++) await ways[way](i);
    wallMs[way] += performance.now() - t;
    const used = process.cpuUsage(cpu);
    cpuUs[way] += used.user + used.system;
  }
}
const per = (way: keyof typeof ways) =>
  `${(cpuUs[way] / n).toFixed(0)} µs CPU, ${((wallMs[way] * 1000) / n).toFixed(0)} µs wall per statement`;
console.log(`${n} statements each, blocks of ${BLOCK} alternating:`);
console.log(`  pg.query:  ${per('pg.query')}`);
console.log(`  fast path: ${per('fast path')}`);
console.log(`  CPU saved: ${(100 * (1 - cpuUs['fast path'] / cpuUs['pg.query'])).toFixed(0)}%`);
await pg.close();

const fastQuery = PGliteStatements.prototype.query;
let statements = 0;
/** CPU time inside the statements (PGlite answers within this thread, without waiting on anything). */
let inStatementsUs = 0;
function use(way: keyof typeof ways): void {
  PGliteStatements.prototype.query = async function <R>(
    this: PGliteStatements,
    text: string,
    params: readonly unknown[],
  ) {
    statements++;
    const cpu = process.cpuUsage();
    try {
      if (way === 'fast path') return (await fastQuery.call(this, text, params)) as Results<R>;
      return await (this as unknown as { pg: PGlite }).pg.query<R>(text, [...params]);
    } finally {
      const used = process.cpuUsage(cpu);
      inStatementsUs += used.user + used.system;
    }
  };
}
const { ctx, close } = await openContext(
  {
    ...readConfig({ LOG_LEVEL: 'warn' }),
    database: { kind: 'embedded', dataDir: values['data-dir'] as string },
  },
  { command: 'bench db pglite-statement', modules },
);
const quarters = ['2019Q1', '2020Q4', '2022Q2'].map((q) => parseQuarter(q, 'quarter'));
const reportCpu = { 'pg.query': [] as number[], 'fast path': [] as number[] };
const statementsMs = { 'pg.query': 0, 'fast path': 0 };
let perReport = 0;
for (let r = -1; r < Number(values.reports); r++) {
  for (const way of Object.keys(ways) as (keyof typeof ways)[]) {
    use(way);
    const quarter = quarters[Math.max(r, 0) % quarters.length] as (typeof quarters)[number];
    statements = 0;
    inStatementsUs = 0;
    const cpu = process.cpuUsage();
    await computeQuarterlyReport(ctx, quarter, { reads: FRESH });
    const used = process.cpuUsage(cpu);
    perReport = statements;
    // The first round warms the code of both ways up and is not counted.
    if (r < 0) continue;
    reportCpu[way].push(Math.round((used.user + used.system) / 1000));
    statementsMs[way] += inStatementsUs / 1000;
  }
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
console.log(
  `cold reports (${quarters.join(', ')} in turn), ~${perReport} parameterised statements each, CPU ms:`,
);
for (const way of Object.keys(ways) as (keyof typeof ways)[])
  console.log(
    `  ${`${way}:`.padEnd(10)} ${reportCpu[way].join(', ')} (total ${sum(reportCpu[way])}; ` +
      `in the parameterised statements ${Math.round(statementsMs[way])})`,
  );
console.log(baseline());
await close();
