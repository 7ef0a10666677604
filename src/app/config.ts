import { resolve } from 'node:path';
import { type AlertSettings, readAlertSettings } from '../alerts/settings.js';
import type { DatabaseTarget } from '../db/db.js';
import { type FleetSettings, readFleetSettings } from '../fleet/settings.js';
import { wholeFromEnv as whole } from '../kernel/env.js';
import { DEFAULT_MACHINE_LIFE_MONTHS } from '../treasury/depreciation-model.js';

/**
 * Everything HashForge reads from its environment, in one place (the README lists it). Only the
 * entry points call `readConfig`; everything below them receives the result in its context.
 */
export interface Config {
  database: DatabaseTarget;
  port: number;
  host: string;
  logLevel: string;
  /** A token for CLI commands; without one the CLI acts as the local admin of an embedded database. */
  token: string | undefined;
  /** The login of whoever runs the CLI as the local admin (`local:alice` in the audit trail). */
  localUser: string;
  /** Simulated miners `serve --demo` runs on loopback for the dashboard's fleet pages (0: none). */
  demoMiners: number;
  fleet: FleetSettings;
  /** The treasury's policy: self-mining machines are depreciated straight-line over this many months. */
  machineLifeMonths: number;
  alerts: AlertSettings;
  /** When set, `GET /metrics` answers only a scrape that sends it as a bearer token. */
  metricsToken: string | undefined;
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const dataDir = resolve(env.HASHFORGE_DATA_DIR ?? '.hashforge');
  return {
    database: env.DATABASE_URL
      ? {
          kind: 'server',
          url: env.DATABASE_URL,
          pool: whole(env, 'HASHFORGE_DB_POOL', 8, 1, 1000),
          ...(env.HASHFORGE_DB_SCHEMA ? { schema: env.HASHFORGE_DB_SCHEMA } : {}),
          // The tables' owner, for migrations: the application's own role cannot alter the events.
          ...(env.HASHFORGE_MIGRATE_URL ? { ownerUrl: env.HASHFORGE_MIGRATE_URL } : {}),
        }
      : { kind: 'embedded', dataDir },
    port: whole(env, 'PORT', 3000, 0, 65_535),
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    token: env.HASHFORGE_TOKEN || undefined,
    localUser: env.USER ?? 'admin',
    demoMiners: whole(env, 'HASHFORGE_DEMO_MINERS', 200, 0, 10_000),
    fleet: readFleetSettings(env),
    machineLifeMonths: whole(env, 'HASHFORGE_MACHINE_LIFE_MONTHS', DEFAULT_MACHINE_LIFE_MONTHS, 1, 240),
    alerts: readAlertSettings(env),
    metricsToken: env.HASHFORGE_METRICS_TOKEN || undefined,
  };
}
