/**
 * What the agents leave for `serve` to tend: the keys of the forwarded parts (`agent_forwarded`)
 * are needed only while a spool could hand a part over again, so they are pruned once an hour,
 * once across every `serve` on one PostgreSQL (the job engine; a timer on the embedded database).
 */
import type { AppContext } from '../app/context.js';
import type { Periodic } from '../jobs/boss.js';
import { FORWARDED_KEEP_HOURS } from './model.js';
import { pruneForwarded } from './store.js';

const PRUNE_EVERY_SECONDS = 3600;

export function startForwardedPruning(ctx: AppContext, jobs: Periodic): () => Promise<void> {
  const registered = jobs.every(
    'agent-forwarded-prune',
    { seconds: PRUNE_EVERY_SECONDS, leaseSeconds: 600 },
    async () => {
      try {
        const before = new Date(ctx.clock.now().getTime() - FORWARDED_KEEP_HOURS * 3600_000);
        const pruned = await pruneForwarded(ctx.db, before);
        ctx.log[pruned > 0 ? 'info' : 'debug'](
          { pruned, before },
          `agent_forwarded: ${pruned} keys of parts read before ${before.toISOString()} pruned`,
        );
      } catch (error) {
        ctx.log.error({ err: error }, 'pruning agent_forwarded failed');
      }
    },
  );
  return async () => (await registered)();
}
