import type { Logger } from 'pino';
import type { MinerClient } from '../fleet/protocol/client.js';
import type { Actor, LedgerContext } from '../ledger/ledger.js';
import type { TableCatalog } from '../ledger/tables.js';
import type { Config } from './config.js';

export type { Actor };

/**
 * What every service function receives, built once by the entry point's composition root
 * (`app/root.ts`): the database (or the open transaction), time, logs, the configuration read from
 * the environment there, and the one miner client whose limits every fleet caller shares.
 */
export interface AppContext extends LedgerContext {
  log: Logger;
  config: Config;
  miners: MinerClient;
  /** Every module's tables, declared derived from the events or not (`ledger verify`, `rebuild`). */
  tables: TableCatalog;
}
