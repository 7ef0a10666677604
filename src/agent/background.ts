/**
 * What the agents leave for `serve` to tend, once an hour and once across every `serve` on one
 * PostgreSQL (the job engine; a timer on the embedded database):
 * - the keys of the forwarded parts (`agent_forwarded`), needed only while a spool could hand a
 *   part over again, are pruned;
 * - while agents are serving, the measurements' partitions are kept (made ahead, retention by whole
 *   partitions): `serve`'s own sweep does it after each sweep, but it stands aside while agents poll,
 *   and the agents' forwarded parts never did it — without this, their readings all went to the
 *   default partition and nothing was ever dropped. A closed day's repack is started, not awaited.
 */
import type { AppContext } from '../app/context.js';
import { keepMeasurements, repackInBackground } from '../fleet/partitions.js';
import type { Periodic } from '../jobs/boss.js';
import { FORWARDED_KEEP_HOURS } from './model.js';
import { agentsServing, pruneForwarded } from './store.js';

const PRUNE_EVERY_SECONDS = 3600;

export function startAgentUpkeep(ctx: AppContext, jobs: Periodic): () => Promise<void> {
  const registered = jobs.every(
    'agent-upkeep',
    { seconds: PRUNE_EVERY_SECONDS, leaseSeconds: 600 },
    async () => {
      try {
        const before = new Date(ctx.clock.now().getTime() - FORWARDED_KEEP_HOURS * 3600_000);
        const pruned = await pruneForwarded(ctx.db, before);
        ctx.log[pruned > 0 ? 'info' : 'debug'](
          { pruned, before },
          `agent_forwarded: ${pruned} keys of parts read before ${before.toISOString()} pruned`,
        );
        if (await agentsServing(ctx.db)) {
          await keepMeasurements(ctx.db, ctx.clock.now(), ctx.config.fleet.retention);
          repackInBackground(ctx, ctx.clock.now());
        }
      } catch (error) {
        ctx.log.error({ err: error }, "the agents' upkeep failed");
      }
    },
  );
  return async () => (await registered)();
}
