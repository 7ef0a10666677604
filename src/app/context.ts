import type { Logger } from 'pino';
import type { Role } from '../auth/roles.js';
import type { Db } from '../db/db.js';
import type { Clock } from '../kernel/clock.js';
import type { Projections } from '../ledger/ledger.js';

/** Who is acting: a token's name (`token:alice`) or the local user of the embedded database. */
export interface Actor {
  id: string;
  role: Role;
}

/** What every service function receives: the database (or the open transaction), time and logs. */
export interface AppContext {
  db: Db;
  clock: Clock;
  log: Logger;
  /** Every module's projections, assembled in src/modules.ts; the ledger runs them. */
  projections: Projections;
}
