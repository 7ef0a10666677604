/**
 * The agent's end of a control at its sites (src/fleet/agent-control.ts): it works its own queue,
 * `agent-control-<name>`, acts on each machine with the code a direct control runs, and writes the
 * results as they come, a batch per statement (those that finished while the last batch was being
 * written), so the API streams them on without waiting for the slowest machine.
 */
import type { Logger } from 'pino';
import type { AppContext } from '../app/context.js';
import { AgentControlJob, agentControlQueue, recordAgentResults } from '../fleet/agent-control.js';
import { actOn, type MachineControlResult } from '../fleet/control.js';
import { describeAction } from '../fleet/model.js';
import type { Periodic } from '../jobs/boss.js';

/**
 * A job's longest life: a work mode's read-back (3 min) and the commands before it. Up to eight
 * controls run together: one sent while a work mode waits for its machines to come back from the
 * reboot that applies it is acted on and answered at once, not queued behind it (each control
 * already talks to all its machines at once, hence a bound).
 */
const JOBS = { expireInSeconds: 240, atOnce: 8 };

export function workControls(
  ctx: AppContext,
  agent: string,
  jobs: Periodic,
  log: Logger,
): Promise<() => Promise<void>> {
  return jobs.work(agentControlQueue(agent), JOBS, async (data, { waitedMs }) => {
    const parsed = AgentControlJob.safeParse(data);
    if (!parsed.success) {
      log.error({ issues: parsed.error.issues }, 'a control job that is not one: dropped');
      return;
    }
    const job = parsed.data;
    const what = `control ${job.controlId} (${describeAction(job.action)})`;
    if (waitedMs > job.waitMs) {
      log.warn(
        `${what}: taken up ${waitedMs} ms after it was sent, when the API had stopped waiting: not sent`,
      );
      return;
    }
    log.info(`${what}: sending to ${job.targets.length} machines of ${sitesOf(job)}`);
    const pending: MachineControlResult[] = [];
    let writing: Promise<void> = Promise.resolve();
    const write = () => {
      writing = writing.then(() =>
        recordAgentResults(ctx.db, job.controlId, agent, pending.splice(0)).catch((error: unknown) =>
          // The API, hearing nothing of these machines, reports them unreachable at its time-out.
          log.error({ err: error }, `${what}: results not written`),
        ),
      );
      return writing;
    };
    await Promise.all(
      job.targets.map(async (t) => {
        pending.push(await actOn(ctx.miners, t, job.action, job));
        void write();
      }),
    );
    await write();
    log.info(`${what}: done`);
  });
}

const sitesOf = (job: AgentControlJob) => [...new Set(job.targets.map((t) => t.site))].join(', ');
