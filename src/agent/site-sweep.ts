/**
 * One sweep of one site into the spool, as an agent makes it: every machine it knows there polled,
 * the results appended as parts of at most 200 polls while polling goes on, then the sweep's end
 * with its counts and the site's totals. The agent's copy of each machine moves on as it is polled:
 * while the link is down it is the only copy.
 */
import type { AppContext } from '../app/context.js';
import { emptyTally } from '../fleet/model.js';
import { type Polled, passReport, pollMachines } from '../fleet/sweep.js';
import { afterPolled, type KnownMachine, type SpoolItem, sweepKey } from './model.js';

/** A spooled part is one message: kept well under the stream's 1 MB. */
const PART_POLLS = 200;

export interface SiteSweep {
  agent: string;
  site: string;
  /** When the sweep starts: it is named by it, and the agent spaces its sweeps by it. */
  at: Date;
  machines: Map<number, KnownMachine>;
  offlineAfter: number;
  concurrency?: number | undefined;
  /** Told the sweep's key before the first poll (the agent logs it; a test kills an agent on it). */
  started?: (sweep: string) => void;
  /** Swept through a cut under no lease: the interval the sweep stands for (`OffLease`). */
  offLeaseSeconds?: number | undefined;
}

export async function spoolSweep(
  ctx: AppContext,
  s: SiteSweep,
  append: (item: SpoolItem) => Promise<void>,
): Promise<{ report: ReturnType<typeof passReport> }> {
  const { at } = s;
  const sweep = sweepKey(s.agent, s.site, at);
  s.started?.(sweep);
  const head = {
    sweep,
    site: s.site,
    at: at.toISOString(),
    ...(s.offLeaseSeconds === undefined
      ? {}
      : { offLease: { until: new Date(at.getTime() + s.offLeaseSeconds * 1000).toISOString() } }),
  };
  const list = [...s.machines.values()];
  const pagerOf = (xs: KnownMachine[]) => {
    let i = 0;
    return async () => xs[i++];
  };
  let part = 0;
  const pass = await pollMachines({
    client: ctx.miners,
    scope: `site:${s.site}`,
    flushSize: PART_POLLS,
    rest: pagerOf(list.filter((m) => !m.straggler)),
    // Those that timed out first (`siteMachines` and `afterPolled` keep no order of their own).
    stragglers: pagerOf([
      ...list.filter((m) => m.straggler && m.failures > 0),
      ...list.filter((m) => m.straggler && m.failures === 0),
    ]),
    total: list.length,
    timedOut: list.filter((m) => m.straggler && m.failures > 0).length,
    offlineAfter: s.offlineAfter,
    ...(s.concurrency === undefined ? {} : { concurrency: s.concurrency }),
    write: async (batch: Polled[]) => {
      for (const p of batch) {
        const m = s.machines.get(p.record.machineId);
        if (m) s.machines.set(m.id, afterPolled(m, p));
      }
      await append({ ...head, kind: 'polls', key: `${sweep}#${part++}`, batch });
    },
  });
  pass.carriedWritten.catch((error: unknown) =>
    ctx.log.error({ err: error, sweep }, "could not spool the readings carried past a sweep's end"),
  );
  const report = passReport(pass);
  await append({
    ...head,
    kind: 'end',
    key: `${sweep}#end`,
    finishedAt: ctx.clock.now().toISOString(),
    report,
    tally: pass.tallies.get(s.site) ?? emptyTally(),
  });
  return { report };
}
