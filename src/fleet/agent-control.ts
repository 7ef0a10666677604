/**
 * A control at a site an agent serves goes through that agent: the site's miners are on a network
 * only a machine on site reaches. The API sends the agent one job (its queue `agent-control-<name>`)
 * with the site's machines and the action; the agent acts on each with the same code as a direct
 * control (`actOn`, control.ts) and writes what each did to `agent_control_results`; the API reads
 * those back as they come, so its streamed answer and the completed event are as for a direct one.
 */
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import type { ControlOptions, MachineControlResult, Target } from './control.js';
import { BROKEN_READ_PAUSE_MS, BROKEN_READ_RETRIES, type ControlAction, confirmWithinMs } from './model.js';
import { Action } from './schemas.js';

export const agentControlQueue = (agent: string): string => `agent-control-${agent}`;

/** What the agent is sent; read back through zod, as anything arriving from another process. */
export const AgentControlJob = z.object({
  controlId: z.number().int().positive(),
  action: Action,
  targets: z.array(
    z.object({
      id: z.number().int().positive(),
      serial: z.string(),
      address: z.string(),
      port: z.number().int().positive(),
      site: z.string(),
    }),
  ),
  confirmWithinMs: z.number().int().positive().optional(),
  confirmEveryMs: z.number().int().positive().optional(),
  /**
   * How long the API waits from sending: a job that waited longer in the queue is dropped, not
   * acted on. A span, not an instant of the API's clock: the agent's clock may not agree with it,
   * and the wait is measured by the database's (`Taken.waitedMs`).
   */
  waitMs: z.number().int().positive(),
});
export type AgentControlJob = z.infer<typeof AgentControlJob>;

/** How often the API looks for the agent's results. */
const RESULTS_EVERY_MS = 250;
/** Time for the agent to take the job up: its worker asks for one every 0.5 s. */
const PICK_UP_MS = 3_000;

/**
 * How long the API waits for an agent's result of one machine: the read-back's own time-out, plus
 * what a direct control spends before it (a read and the commands, each a connect and a reply), and
 * the broken read-backs read again after it.
 */
export function agentWaitMs(ctx: AppContext, action: ControlAction, opts: ControlOptions): number {
  const f = ctx.config.fleet;
  const exchange = (f.connectTimeoutMs + f.readTimeoutMs) * (f.retries + 1);
  const rereads = BROKEN_READ_RETRIES * (exchange + BROKEN_READ_PAUSE_MS);
  return (opts.confirmWithinMs ?? confirmWithinMs(action)) + 3 * exchange + rereads + PICK_UP_MS;
}

/**
 * Sends each agent its machines and passes on each machine's result as the agent writes it. A
 * machine with no result by the time-out (the agent died, or its link broke mid-way) is reported
 * unreachable, naming the agent: nothing is known of what it did.
 */
export async function controlThroughAgents(
  ctx: AppContext,
  controlId: number,
  action: ControlAction,
  byAgent: Map<string, Target[]>,
  opts: ControlOptions,
  onResult: (r: MachineControlResult) => void,
): Promise<MachineControlResult[]> {
  const jobs = ctx.jobs;
  if (!jobs) throw new Error('a control through an agent needs the job engine (PostgreSQL server)');
  const waitMs = agentWaitMs(ctx, action, opts);
  /** The machines sent, with their agent, until each one's result is in. */
  const waiting = new Map<number, { t: Target; agent: string }>();
  const results: MachineControlResult[] = [];
  const give = (r: MachineControlResult) => {
    waiting.delete(r.machineId);
    results.push(r);
    onResult(r);
  };
  for (const [agent, targets] of byAgent) {
    const job: AgentControlJob = {
      controlId,
      action,
      targets,
      waitMs,
      ...(opts.confirmWithinMs ? { confirmWithinMs: opts.confirmWithinMs } : {}),
      ...(opts.confirmEveryMs ? { confirmEveryMs: opts.confirmEveryMs } : {}),
    };
    try {
      await jobs.send(agentControlQueue(agent), job, { expireInSeconds: Math.ceil(waitMs / 1000) });
      for (const t of targets) waiting.set(t.id, { t, agent });
    } catch (error) {
      const said = error instanceof Error ? error.message : String(error);
      for (const t of targets)
        give(unreachable(t, `the control could not be sent to agent ${agent}: ${said}`));
    }
  }
  const deadline = Date.now() + waitMs;
  while (waiting.size > 0 && Date.now() < deadline) {
    for (const r of await resultsOf(ctx.db, controlId, [...waiting.keys()])) give(r);
    if (waiting.size > 0) await sleep(RESULTS_EVERY_MS);
  }
  for (const { t, agent } of [...waiting.values()])
    give(unreachable(t, `agent ${agent} gave no result within ${Math.round(waitMs / 1000)} s`));
  return results;
}

const unreachable = (t: Target, detail: string): MachineControlResult => ({
  machineId: t.id,
  serial: t.serial,
  address: t.address,
  outcome: 'unreachable',
  detail,
});

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function resultsOf(db: Db, controlId: number, machineIds: number[]): Promise<MachineControlResult[]> {
  if (machineIds.length === 0) return [];
  const r = await sql<{ result: MachineControlResult }>`
    select result from agent_control_results
    where control_id = ${controlId} and machine_id = any(${machineIds}::int8[])
    order by at, machine_id`.execute(db);
  return r.rows.map((row) => row.result);
}

/** The agent's side: a batch of machines' results, in one statement (one transaction). */
export async function recordAgentResults(
  db: Db,
  controlId: number,
  agent: string,
  results: MachineControlResult[],
): Promise<void> {
  if (results.length === 0) return;
  await sql`
    insert into agent_control_results (control_id, machine_id, agent, result)
    select ${controlId}, (r ->> 'machineId')::int8, ${agent}, r
    from jsonb_array_elements(${JSON.stringify(results)}::jsonb) as r
    on conflict (control_id, machine_id) do nothing`.execute(db);
}
