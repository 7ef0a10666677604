import pino from 'pino';
import { readConfig } from '../src/app/config.js';
import type { AppContext } from '../src/app/context.js';
import { assembleContext, loadProjections } from '../src/app/root.js';
import { type OpenDatabase, openDatabase } from '../src/db/db.js';
import { migrate } from '../src/db/migrate.js';
import { SettableClock } from '../src/kernel/clock.js';
import { tableCatalog } from '../src/ledger/tables.js';
import { modules } from '../src/modules.js';

/** A migrated in-memory PGlite with every module and a clock the bench sets, for benches that build their own books. */
export async function memoryContext(
  at: string,
): Promise<{ ctx: AppContext; clock: SettableClock; database: OpenDatabase }> {
  const database = await openDatabase({ kind: 'embedded', dataDir: 'memory' });
  await migrate(database.db);
  const clock = new SettableClock(at);
  const ctx = assembleContext(readConfig(process.env), {
    db: database.db,
    clock,
    log: pino({ level: 'silent' }),
    projections: await loadProjections(modules),
    tables: tableCatalog(modules),
  });
  return { ctx, clock, database };
}
