import pino, { type Logger } from 'pino';
import { type DatabaseTarget, type OpenDatabase, openDatabase } from '../db/db.js';
import { migrate } from '../db/migrate.js';
import { migrateAsOwner } from '../db/roles.js';
import { SOCKET_PORT } from '../db/socket-server.js';
import { repacksDone } from '../fleet/partitions.js';
import { MinerClient } from '../fleet/protocol/client.js';
import type { FleetSettings } from '../fleet/settings.js';
import { lazyServerSender } from '../jobs/boss.js';
import { type Clock, systemClock } from '../kernel/clock.js';
import type { Projections } from '../ledger/ledger.js';
import { tableCatalog } from '../ledger/tables.js';
import type { Config } from './config.js';
import type { AppContext } from './context.js';
import type { HashforgeModule } from './module.js';
import { ownerOf, takeOwnership } from './owner-lock.js';

/**
 * The composition root: the one place that turns configuration into a working context. Every
 * entry point (CLI, server, tests, benches) builds its context here, once, and hands it down.
 */
export interface OpenedContext {
  ctx: AppContext;
  database: OpenDatabase;
  close(): Promise<void>;
}

export interface RootOptions {
  /** Which command holds the embedded database, for the message another process gets. */
  command: string;
  modules: readonly HashforgeModule[];
  clock?: Clock;
  log?: Logger;
}

/**
 * Opens the configured database, brings its schema up to date and assembles the context. When a
 * running `hashforge serve` holds the embedded database, the context reaches it through the
 * server's socket instead (the server keeps the schema current).
 */
export async function openContext(config: Config, opts: RootOptions): Promise<OpenedContext> {
  const target = config.database;
  // Every command but a second `serve` goes through a running serve: two servers on one data
  // directory would be one too many, and the second would die with the first.
  const served =
    opts.command !== 'serve' &&
    target.kind === 'embedded' &&
    target.dataDir !== 'memory' &&
    ownerOf(target.dataDir)?.socket;
  const owns = target.kind === 'embedded' && target.dataDir !== 'memory' && !served;
  const release = owns ? takeOwnership(target.dataDir, opts.command) : () => {};
  try {
    const reach: DatabaseTarget = served
      ? { kind: 'socket', dir: target.dataDir, port: SOCKET_PORT }
      : target;
    const [database, projections] = await Promise.all([openDatabase(reach), loadProjections(opts.modules)]);
    if (reach.kind === 'server' && reach.ownerUrl) {
      await migrateAsOwner({ ...reach, ownerUrl: reach.ownerUrl }, database.db);
    } else if (!served) {
      await migrate(database.db);
    }
    const assembled = assembleContext(config, {
      db: database.db,
      projections,
      tables: tableCatalog(opts.modules),
      ...opts,
    });
    const jobs = reach.kind === 'server' ? lazyServerSender(reach, assembled.log) : undefined;
    const ctx = jobs ? { ...assembled, jobs } : assembled;
    return {
      ctx,
      database,
      close: async () => {
        // A closed day's repack a sweep started runs on: done (or given up) before the database closes.
        await repacksDone(database.db);
        await jobs?.close();
        await database.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** The context around an open database: what tests and benches, which open their own, call. */
export function assembleContext(
  config: Config,
  parts: {
    db: AppContext['db'];
    projections: Projections;
    tables: AppContext['tables'];
    clock?: Clock;
    log?: Logger;
  },
): AppContext {
  return {
    db: parts.db,
    clock: parts.clock ?? systemClock,
    log: parts.log ?? pino({ level: config.logLevel }),
    projections: parts.projections,
    config,
    miners: newMinerClient(config.fleet),
    tables: parts.tables,
  };
}

/** Every module's projections in one map; a kind two modules claim is a bug found at start. */
export async function loadProjections(modules: readonly HashforgeModule[]): Promise<Projections> {
  const maps = await Promise.all(modules.map((m) => m.projections?.() ?? Promise.resolve<Projections>({})));
  const all: Projections = {};
  for (const map of maps) {
    for (const [kind, projection] of Object.entries(map)) {
      if (all[kind]) throw new Error(`Two modules project events of kind ${kind}`);
      all[kind] = projection;
    }
  }
  return all;
}

/** The one miner client of a process: every fleet caller shares its limits (one command per miner). */
export function newMinerClient(s: FleetSettings): MinerClient {
  return new MinerClient({
    concurrency: s.concurrency,
    connectTimeoutMs: s.connectTimeoutMs,
    readTimeoutMs: s.readTimeoutMs,
    retries: s.retries,
  });
}
