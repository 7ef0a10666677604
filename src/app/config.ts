import { resolve } from 'node:path';
import type { DatabaseTarget } from '../db/db.js';
import { invalid } from '../kernel/errors.js';

/** Everything HashForge reads from its environment, in one place (the README lists it). */
export interface Config {
  database: DatabaseTarget;
  port: number;
  host: string;
  logLevel: string;
  /** A token for CLI commands; without one the CLI acts as the local admin of an embedded database. */
  token: string | undefined;
  /** Simulated miners `serve --demo` runs on loopback for the dashboard's fleet pages (0: none). */
  demoMiners: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.HASHFORGE_DATA_DIR ?? '.hashforge');
  return {
    database: env.DATABASE_URL
      ? {
          kind: 'server',
          url: env.DATABASE_URL,
          ...(env.HASHFORGE_DB_SCHEMA ? { schema: env.HASHFORGE_DB_SCHEMA } : {}),
        }
      : { kind: 'embedded', dataDir },
    port: Number(env.PORT ?? 3000),
    host: env.HOST ?? '127.0.0.1',
    logLevel: env.LOG_LEVEL ?? 'info',
    token: env.HASHFORGE_TOKEN,
    demoMiners: demoMiners(env.HASHFORGE_DEMO_MINERS),
  };
}

function demoMiners(value: string | undefined): number {
  if (value === undefined || value === '') return 200;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) {
    throw invalid(
      'HASHFORGE_DEMO_MINERS',
      `HASHFORGE_DEMO_MINERS must be a whole number of simulated miners from 0 to 10000, got "${value}".`,
    );
  }
  return n;
}
