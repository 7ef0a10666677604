import { agentsServing } from '../agent/store.js';
import type { AppContext } from '../app/context.js';
import { inProcess, type Periodic } from '../jobs/boss.js';
import { carriedPollsWritten } from './carried.js';
import { sweepAndReconcile } from './reconcile.js';
import type { FleetSettings } from './settings.js';

const POLLER = { id: 'system:fleet-poller', role: 'ops' } as const;

/**
 * The poller inside `serve`. It is OFF unless HASHFORGE_POLL_INTERVAL (seconds) is set: a server
 * started for the API or a demo must not begin opening sockets to a network it was not told about.
 * Sweeps start every interval, once across every `serve` on the same PostgreSQL (`jobs`), and not
 * at all while site agents are running: they poll the sites then.
 */
export function startFleetPolling(
  ctx: AppContext,
  settings: FleetSettings = ctx.config.fleet,
  jobs: Periodic = inProcess(ctx.log),
): () => Promise<void> {
  const interval = settings.pollIntervalSeconds;
  if (interval === undefined) return async () => {};
  ctx.log.info({ intervalSeconds: interval }, 'fleet poller on');
  const registered = jobs.every('fleet-sweep', { seconds: interval }, () => sweepOnce(ctx, settings));
  return async () => {
    await (await registered)();
    // Stopping: the readings carried past the last sweep's end are stored before the database closes.
    await carriedPollsWritten(ctx.miners);
  };
}

async function sweepOnce(ctx: AppContext, settings: FleetSettings): Promise<void> {
  try {
    if (await agentsServing(ctx.db)) {
      ctx.log.debug('site agents are running: the sweep is theirs');
      return;
    }
    const r = await sweepAndReconcile(ctx, POLLER, {
      offlineAfter: settings.offlineAfter,
      retention: settings.retention,
      concurrency: settings.concurrency,
    });
    // Every sweep is recorded (GET /api/fleet/sweeps); the log has it only when debugging.
    ctx.log.debug(
      {
        sweep: r.sweep,
        machines: r.machines,
        answered: r.answered,
        seconds: r.seconds,
        changes: r.statusChanges,
      },
      'fleet sweep done',
    );
    // What the sweep saw wrong becomes tickets when the alerts' evaluator reads it (alerts/service.ts).
  } catch (error) {
    ctx.log.error({ err: error }, 'fleet sweep failed');
  }
}
