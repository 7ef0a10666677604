import type { AppContext } from './context.js';

/**
 * Runs `fill` behind a `serve`'s start: what a migration added, written for the rows recorded before
 * it, a batch a transaction. `fill` looks at `stopped` between batches; the stop it returns waits
 * for the batch under way at most. A failure is logged (`failed` says what failed), not thrown: the
 * reads fall back on working the missing rows out until a later start fills them.
 */
export function startFillBehind(
  ctx: AppContext,
  failed: string,
  fill: (stopped: () => boolean) => Promise<unknown>,
): () => Promise<void> {
  let stopped = false;
  const filling = fill(() => stopped).catch((error: unknown) => ctx.log.error({ err: error }, failed));
  return async () => {
    stopped = true;
    await filling;
  };
}
