/**
 * The quarterly report on the demo company: the demo is loaded through the services into an
 * embedded PGlite database (in memory), then the report of a quarter is timed in each format, from
 * the service call to the rendered bytes. Target: ≤ 2,000 ms a report.
 *
 *   npx tsx bench/report/run.ts [--quarter 2020Q4] [--runs 5]
 */

import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadDemo } from '../../src/demo/load.js';
import { parseQuarter } from '../../src/kernel/calendar.js';
import { REPORT_FORMATS, renderQuarterlyReport } from '../../src/reporting/render.js';
import { testApp } from '../../src/testing/index.js';

const TARGET_MS = 2000;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { quarter: { type: 'string', default: '2020Q4' }, runs: { type: 'string', default: '5' } },
    allowPositionals: true,
  });
  const quarter = parseQuarter(values.quarter, 'quarter');
  const runs = Number(values.runs);
  const app = await testApp();
  try {
    app.clock.set('2022-07-01T00:00:00Z');
    const t0 = performance.now();
    await loadDemo(app, app.actor('admin'));
    console.log(
      `demo company loaded on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} in ${Math.round(performance.now() - t0)} ms`,
    );
    for (const format of REPORT_FORMATS) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        const r = await renderQuarterlyReport(app, quarter, format);
        times.push(performance.now() - t);
        bytes = typeof r.body === 'string' ? Buffer.byteLength(r.body) : r.body.length;
      }
      const sorted = [...times].sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)]!;
      console.log(
        `report ${quarter} --format ${format}: median ${Math.round(median)} ms, first ${Math.round(times[0]!)} ms, ` +
          `max ${Math.round(sorted.at(-1)!)} ms over ${runs} runs, ${bytes} bytes ` +
          `(target ≤ ${TARGET_MS} ms: ${sorted.at(-1)! <= TARGET_MS ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    await app.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
