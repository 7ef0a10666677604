import { wholeFromEnv as whole } from '../kernel/env.js';
import { DEFAULT_OFFLINE_AFTER } from './model.js';
import type { Retention } from './partitions.js';

/** The fleet's settings, read from the environment by the composition root (the README lists them). */
export interface FleetSettings {
  /** Seconds between sweeps inside `serve`; undefined = no background polling. */
  pollIntervalSeconds: number | undefined;
  offlineAfter: number;
  /**
   * How long measurements are kept, in days: they are measurements, not history, and may go. The
   * per-machine series is the bulk; the per-site minute totals are small and feed self-mining's
   * daily figures, so they are kept much longer.
   */
  retention: Retention;
  /** Miners polled at once (sockets in flight) across the whole fleet. */
  concurrency: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
  retries: number;
}

export function readFleetSettings(env: NodeJS.ProcessEnv): FleetSettings {
  const interval = env.HASHFORGE_POLL_INTERVAL;
  return {
    pollIntervalSeconds:
      interval === undefined || interval === ''
        ? undefined
        : whole(env, 'HASHFORGE_POLL_INTERVAL', 60, 1, 86_400),
    offlineAfter: whole(env, 'HASHFORGE_FLEET_OFFLINE_AFTER', DEFAULT_OFFLINE_AFTER, 1, 100),
    retention: {
      telemetryDays: whole(env, 'HASHFORGE_TELEMETRY_RETENTION_DAYS', 90, 1, 36_500),
      totalsDays: whole(env, 'HASHFORGE_TOTALS_RETENTION_DAYS', 1825, 1, 36_500),
    },
    concurrency: whole(env, 'HASHFORGE_FLEET_CONCURRENCY', 2000, 1, 50_000),
    connectTimeoutMs: whole(env, 'HASHFORGE_FLEET_CONNECT_TIMEOUT_MS', 2000, 50, 60_000),
    readTimeoutMs: whole(env, 'HASHFORGE_FLEET_READ_TIMEOUT_MS', 5000, 50, 120_000),
    retries: whole(env, 'HASHFORGE_FLEET_RETRIES', 1, 0, 5),
  };
}
