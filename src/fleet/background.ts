import type { AppContext } from '../app/context.js';
import { raiseFleetFaults } from '../service/faults.js';
import type { FleetSettings } from './settings.js';
import { sweepFleet } from './sweep.js';

const POLLER = { id: 'system:fleet-poller', role: 'ops' } as const;

/**
 * The poller inside `serve`. It is OFF unless HASHFORGE_POLL_INTERVAL (seconds) is set: a server
 * started for the API or a demo must not begin opening sockets to a network it was not told about.
 * Sweeps start every interval; one that overruns delays the next instead of overlapping it.
 */
export function startFleetPolling(
  ctx: AppContext,
  settings: FleetSettings = ctx.config.fleet,
): () => Promise<void> {
  const interval = settings.pollIntervalSeconds;
  if (interval === undefined) return async () => {};
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    const started = Date.now();
    running = sweepFleet(ctx, POLLER, {
      offlineAfter: settings.offlineAfter,
      retention: settings.retention,
      concurrency: settings.concurrency,
    })
      // Every sweep is recorded (GET /api/fleet/sweeps); the log has it only when debugging.
      .then((r) =>
        ctx.log.debug(
          {
            sweep: r.sweep,
            machines: r.machines,
            answered: r.answered,
            seconds: r.seconds,
            changes: r.statusChanges,
          },
          'fleet sweep done',
        ),
      )
      // What the sweep saw wrong becomes service tickets (or evidence on the open ones).
      .then(() => raiseFleetFaults(ctx, POLLER))
      .then((f) => ctx.log.debug(f, 'fleet faults raised'))
      .catch((error: unknown) => ctx.log.error({ err: error }, 'fleet sweep failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, Math.max(0, started + interval * 1000 - Date.now()));
      });
  };
  ctx.log.info({ intervalSeconds: interval }, 'fleet poller on');
  tick();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
