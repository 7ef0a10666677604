/**
 * Where a cold quarterly report's time goes: for each quarter, the sections every report computes
 * (books, machines, order book, AI chips, guidance, series, with the sales quarters and trails they
 * share), then each optional section alone on top of those, each from an empty memory. The demo
 * company on an embedded PGlite in a data directory kept between runs (the first run loads it),
 * the clock as it is (as `bench api` has it).
 *
 *   npx tsx bench/report/sections.ts [--data-dir /tmp/bench-report-demo] [2019Q1 2020Q4 ...]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { readConfig } from '../../src/app/config.js';
import { openContext } from '../../src/app/root.js';
import { demoLoaded, loadDemo } from '../../src/demo/load.js';
import { parseQuarter } from '../../src/kernel/calendar.js';
import { modules } from '../../src/modules.js';
import type { ReportReads } from '../../src/reporting/reads.js';
import { computeQuarterlyReport, OPTIONAL_SECTIONS } from '../../src/reporting/service.js';
import { baseline } from '../baseline.js';

/** A memory for one report that also times each entry it computes. */
function timedMemory(times: Map<string, number>): ReportReads {
  const entries = new Map<string, Promise<unknown>>();
  return {
    memo<T>(key: string, compute: () => Promise<T>) {
      const found = entries.get(key) as Promise<T> | undefined;
      if (found) return found;
      const t = performance.now();
      const computing = compute().then((v) => {
        times.set(key, performance.now() - t);
        return v;
      });
      entries.set(key, computing);
      return computing;
    },
  };
}

const { values, positionals } = parseArgs({
  options: { 'data-dir': { type: 'string', default: '/tmp/bench-report-demo' } },
  allowPositionals: true,
});
const quarters = (positionals.length > 0 ? positionals : ['2019Q1', '2019Q1', '2020Q4', '2022Q2']).map((q) =>
  parseQuarter(q, 'quarter'),
);
console.log(baseline());
const base = readConfig({ LOG_LEVEL: 'warn' });
const opened = await openContext(
  { ...base, database: { kind: 'embedded', dataDir: values['data-dir'] } },
  { command: 'bench report sections', modules },
);
const { ctx } = opened;
if (!(await demoLoaded(ctx))) await loadDemo(ctx, { id: 'bench:report', role: 'admin' });
const ms = (x: number) => `${Math.round(x)} ms`;
/**
 * Wall time and this process's CPU time (PGlite runs inside it, so its queries count): on a machine
 * shared with other work the CPU time moves less with the load than the wall time does.
 */
async function timed(name: string, work: () => Promise<unknown>): Promise<string> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  await work();
  const used = process.cpuUsage(cpu);
  return `${name} ${ms(performance.now() - t)} (cpu ${ms((used.user + used.system) / 1000)})`;
}
for (const quarter of quarters) {
  const times = new Map<string, number>();
  const memory = timedMemory(times);
  const parts = [
    await timed('core', () =>
      computeQuarterlyReport(ctx, quarter, { reads: memory, skip: OPTIONAL_SECTIONS }),
    ),
  ];
  for (const s of OPTIONAL_SECTIONS) {
    parts.push(
      await timed(s, () =>
        computeQuarterlyReport(ctx, quarter, {
          reads: memory,
          skip: OPTIONAL_SECTIONS.filter((x) => x !== s),
        }),
      ),
    );
  }
  console.log(`${quarter} from an empty memory: ${parts.join(', ')}`);
  const slowest = [...times].sort((a, b) => b[1] - a[1]).slice(0, 6);
  console.log(`  slowest entries: ${slowest.map(([k, v]) => `${k} ${ms(v)}`).join(', ')}`);
}
console.log(baseline());
await opened.close();
