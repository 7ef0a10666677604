import type { AppContext } from '../app/context.js';
import { inProcess, type Periodic } from '../jobs/boss.js';
import { evaluateLatest } from './service.js';
import type { AlertSettings } from './settings.js';

/**
 * The evaluator inside `serve`: every few seconds it evaluates the newest finished sweep not yet
 * evaluated (by whichever process ran it: serve's own poller, `fleet poll`, an agent), checks the
 * poller itself, and sends the webhook deliveries that are due. Watching the sweeps instead of being
 * called by the poller keeps the fleet module free of its readers, and a sweep made by another
 * process is evaluated all the same; with several serve processes on one PostgreSQL the job
 * engine (`jobs`) runs it in one of them at a time.
 */
export function startAlerting(
  ctx: AppContext,
  settings: AlertSettings = ctx.config.alerts,
  jobs: Periodic = inProcess(ctx.log),
): () => Promise<void> {
  const registered = jobs.every('alerts-evaluate', { seconds: settings.tickSeconds }, async () => {
    try {
      const { evaluation: e, tickets } = await evaluateLatest(ctx, settings);
      if (e.fired + e.resolved + (tickets?.opened ?? 0) > 0) {
        ctx.log.info({ sweep: e.sweep, fired: e.fired, resolved: e.resolved, tickets }, 'alerts evaluated');
      }
    } catch (error) {
      ctx.log.error({ err: error }, 'alert evaluation failed');
    }
  });
  return async () => (await registered)();
}
