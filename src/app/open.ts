import pino, { type Logger } from 'pino';
import { type OpenDatabase, openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import { allProjections } from '../modules.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import { takeOwnership } from './owner-lock.js';

export interface OpenApp {
  ctx: AppContext;
  database: OpenDatabase;
  close(): Promise<void>;
}

/** Opens the configured database, brings its schema up to date and assembles the context. */
export async function openApp(
  config: Config,
  opts: { command: string; clock?: Clock; log?: Logger } = { command: 'cli' },
): Promise<OpenApp> {
  const release =
    config.database.kind === 'embedded' && config.database.dataDir !== 'memory'
      ? takeOwnership(config.database.dataDir, opts.command)
      : () => {};
  try {
    const database = await openDatabase(config.database);
    await migrate(database.db);
    const ctx: AppContext = {
      db: database.db,
      clock: opts.clock ?? systemClock,
      log: opts.log ?? pino({ level: config.logLevel }),
      projections: allProjections(),
    };
    return {
      ctx,
      database,
      close: async () => {
        await database.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
