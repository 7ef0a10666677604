import type { AppContext } from '../app/context.js';
import { startFillBehind } from '../app/fill-behind.js';
import { contractTrails, trailQuarterEnds } from './as-of.js';
import { lockContractsAfter, quarterEndsComplete, replaceQuarterEnds } from './store.js';

/**
 * Contracts a transaction: their events replayed and their quarter ends written at once. The demo's
 * 259 took 954 ms of CPU (about 4 ms a contract), and a batch holds the embedded database, so
 * every request waits behind it: 25 keeps that near 100 ms.
 */
const BATCH = 25;
/** After every event anyone records: the trails are wanted whole. */
const EVER = '9999-12-31';

/**
 * A database migrated to 1260 holds contracts with events recorded before it whose quarter ends
 * are not stored: a report replays those contracts, and `ledger verify` finds the table unlike a
 * replay's. The first `serve` after the migration writes them behind its start; a stop waits for one
 * batch at most.
 */
export function startQuarterEndsFill(ctx: AppContext): () => Promise<void> {
  return startFillBehind(ctx, 'sales: writing the contracts’ quarter ends failed', (stopped) =>
    fillQuarterEnds(ctx, stopped),
  );
}

/**
 * Every contract's quarter ends written again from its events, a batch a transaction (a crash
 * keeps the batches done), when some event has no step stored; otherwise one query. True when it
 * wrote any.
 */
export async function fillQuarterEnds(ctx: AppContext, stopped: () => boolean): Promise<boolean> {
  if (await quarterEndsComplete(ctx.db)) return false;
  let after: number | undefined = 0;
  while (!stopped() && after !== undefined) {
    const from: number = after;
    after = await ctx.db.transaction().execute(async (tx) => {
      const ids = await lockContractsAfter(tx, from, BATCH);
      if (ids.length === 0) return undefined;
      const trails = await contractTrails({ ...ctx, db: tx }, EVER, ids);
      await replaceQuarterEnds(
        tx,
        ids,
        [...trails].flatMap(([id, trail]) => trailQuarterEnds(id, trail)),
      );
      return ids.at(-1);
    });
  }
  if (after === undefined)
    ctx.log.info('sales: the contracts’ quarter ends written for the events recorded before migration 1260');
  return true;
}
