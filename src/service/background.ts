import type { AppContext } from '../app/context.js';
import { startFillBehind } from '../app/fill-behind.js';
import { fillMissingFigures } from './projections.js';

/** Tickets a transaction: a few hundred ms of the embedded database's thread at a time. */
const BATCH = 2000;

/**
 * A database migrated to 1100 holds its earlier finished tickets without SLA figures: the SLA
 * measures those on every read, and `ledger verify` finds them unlike a replay's. The first `serve`
 * after the migration works them out behind its start; a stop waits for one batch at most.
 */
export function startFiguresFill(ctx: AppContext): () => Promise<void> {
  return startFillBehind(ctx, 'service: working out the SLA figures of earlier tickets failed', (stopped) =>
    fillFiguresFinishedEarlier(ctx, stopped),
  );
}

/**
 * Every finished ticket stored without SLA figures worked out, a batch a transaction (a crash keeps
 * the batches done); on a database without any it is one query. True when it filled any.
 */
export async function fillFiguresFinishedEarlier(ctx: AppContext, stopped: () => boolean): Promise<boolean> {
  let after: string | undefined = '0';
  let filledAny = false;
  while (!stopped() && after !== undefined) {
    const from: string = after;
    after = await ctx.db.transaction().execute((tx) => fillMissingFigures(tx, from, BATCH));
    filledAny ||= after !== undefined;
  }
  if (filledAny)
    ctx.log.info('service: SLA figures worked out for the tickets finished before migration 1100');
  return filledAny;
}
