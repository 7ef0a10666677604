import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';

/** What the machine gave at the time: a bare Node start and the load average, printed beside a figure. */
export function baseline(): string {
  const t = performance.now();
  execFileSync(process.execPath, ['-e', '']);
  const nodeMs = performance.now() - t;
  return `baseline: \`node -e ''\` ${Math.round(nodeMs)} ms; load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} on ${os.cpus().length} cores`;
}
