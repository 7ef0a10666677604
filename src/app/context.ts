import type { Logger } from 'pino';
import type { MinerClient } from '../fleet/protocol/client.js';
import type { JobSender } from '../jobs/boss.js';
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
  /**
   * On the PostgreSQL server, the way to the processes that work job queues: a control at a site an
   * agent serves goes to that agent (its miners are on the site's network). Absent on the embedded
   * database: one process, which controls the miners itself.
   */
  jobs?: JobSender;
  /** Every module's tables, declared derived from the events or not (`ledger verify`, `rebuild`). */
  tables: TableCatalog;
}
