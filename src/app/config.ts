import { resolve } from 'node:path';
import type { DatabaseTarget } from '../db/db.js';

/** Everything HashForge reads from its environment, in one place (the README lists it). */
export interface Config {
  database: DatabaseTarget;
  port: number;
  host: string;
  logLevel: string;
  /** A token for CLI commands; without one the CLI acts as the local admin of an embedded database. */
  token: string | undefined;
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
  };
}
