import type { AppContext } from '../app/context.js';
import { evaluateLatest } from './service.js';
import type { AlertSettings } from './settings.js';

/**
 * The evaluator inside `serve`: every few seconds it evaluates the newest finished sweep not yet
 * evaluated (by whichever process ran it: serve's own poller, `fleet poll`, an agent), checks the
 * poller itself, and sends the webhook deliveries that are due. Watching the sweeps instead of being
 * called by the poller keeps the fleet module free of its readers, and a sweep made by another
 * process is evaluated all the same; several serve processes evaluate each sweep once.
 */
export function startAlerting(
  ctx: AppContext,
  settings: AlertSettings = ctx.config.alerts,
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = evaluateLatest(ctx, settings)
      .then(({ evaluation: e }) => {
        if (e.fired + e.resolved > 0) {
          ctx.log.info({ sweep: e.sweep, fired: e.fired, resolved: e.resolved }, 'alerts evaluated');
        }
      })
      .catch((error: unknown) => ctx.log.error({ err: error }, 'alert evaluation failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, settings.tickSeconds * 1000);
      });
  };
  timer = setTimeout(tick, 0);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
