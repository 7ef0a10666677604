/**
 * The demo company's quarterly reports as hashes, whole and by section, each computed from an empty
 * memory: run it on two trees (each on its own copy of the data directory, since a migration makes
 * the copy another tree's) and compare the lines to show that a change kept every figure. The clock
 * as it is, so both runs on the same day.
 *
 *   npx tsx bench/report/hashes.ts [--data-dir /tmp/bench-report-demo] [2019Q1 2020Q4 ...]
 */
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { readConfig } from '../../src/app/config.js';
import { openContext } from '../../src/app/root.js';
import { demoLoaded, loadDemo } from '../../src/demo/load.js';
import { parseQuarter } from '../../src/kernel/calendar.js';
import { toWireJson } from '../../src/kernel/json.js';
import { modules } from '../../src/modules.js';
import { FRESH } from '../../src/reporting/reads.js';
import { computeQuarterlyReport } from '../../src/reporting/service.js';

const { values, positionals } = parseArgs({
  options: { 'data-dir': { type: 'string', default: '/tmp/bench-report-demo' } },
  allowPositionals: true,
});
const QUARTERS = ['2019Q1', '2019Q2', '2019Q4', '2020Q1', '2020Q4', '2021Q2', '2021Q3', '2022Q1', '2022Q2'];
const quarters = (positionals.length > 0 ? positionals : QUARTERS).map((q) => parseQuarter(q, 'quarter'));
const opened = await openContext(
  { ...readConfig({ LOG_LEVEL: 'warn' }), database: { kind: 'embedded', dataDir: values['data-dir'] } },
  { command: 'bench report hashes', modules },
);
const { ctx } = opened;
if (!(await demoLoaded(ctx))) await loadDemo(ctx, { id: 'bench:report', role: 'admin' });
const hash = (x: unknown) => createHash('sha256').update(toWireJson(x)).digest('hex').slice(0, 12);
for (const quarter of quarters) {
  const report = await computeQuarterlyReport(ctx, quarter, { reads: FRESH });
  const sections = Object.entries(report).map(([name, value]) => `${name} ${hash(value)}`);
  console.log(`${quarter} ${hash(report)}: ${sections.join(', ')}`);
}
await opened.close();
