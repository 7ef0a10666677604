/**
 * Acting on machines: soft off/on (curtailment), reboot, work mode, pool. Each request is two ledger
 * events — what was asked, of which machines, by whom (before anything is sent), then what each
 * machine did — and every effect is confirmed by reading the machine back, because writes that
 * silently fail are among the commonest complaints of fleet operators.
 */
import { refuseIfSiteAgentAway } from '../agent/links.js';
import type { Actor, AppContext } from '../app/context.js';
import { AppError, invalid } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { requireRegisteredSite } from '../mining/registry.js';
import { controlThroughAgents } from './agent-control.js';
import type { ControlCompleted, ControlRequested } from './events.js';
import {
  BROKEN_READ_PAUSE_MS,
  BROKEN_READ_RETRIES,
  type ControlAction,
  checkWorkMode,
  commandsFor,
  confirmEffect,
  confirmWithinMs,
  describeAction,
  poolIndexOf,
} from './model.js';
import { recordFleet } from './projections.js';
import { type MinerClient, PROTOCOL_FAILURES } from './protocol/client.js';
import { isSuccess, replyStatus } from './protocol/codec.js';
import { type NormalisedTelemetry, normalise } from './protocol/telemetry.js';
import type { SelectorInput } from './schemas.js';
import { findControl, fleetDb } from './store.js';
import { POLL_COMMANDS } from './sweep.js';

export type ControlOutcome = 'done' | 'unconfirmed' | 'refused' | 'failed' | 'unreachable';

export interface MachineControlResult {
  machineId: number;
  serial: string;
  address: string;
  outcome: ControlOutcome;
  detail: string;
}

export interface ControlReport {
  controlId: number;
  action: ControlAction;
  description: string;
  requested: number;
  succeeded: number;
  failed: number;
  results: MachineControlResult[];
}

export interface ControlOptions {
  client?: MinerClient;
  idempotencyKey?: string | undefined;
  /** How long to read a machine back before its effect counts as unconfirmed, and how often. */
  confirmWithinMs?: number;
  confirmEveryMs?: number;
  /** Told once the request is recorded, before anything is sent (a stream's first line). */
  onStarted?: (started: ControlStarted) => void;
  /** Told as each machine's outcome is known, in the order they finish. */
  onResult?: (result: MachineControlResult, done: number, total: number) => void;
}

export interface ControlStarted {
  controlId: number;
  action: ControlAction;
  description: string;
  requested: number;
}

/** cgminer's MSG_ACCDENY: a privileged command from an address not allowed to write. */
const ACCESS_DENIED = 45;

export interface Target {
  id: number;
  serial: string;
  address: string;
  port: number;
  site: string;
}

/** The selected machines, and their models (what a work mode is checked against). */
async function selectTargets(
  ctx: AppContext,
  selector: SelectorInput,
): Promise<{ targets: Target[]; models: Set<string | null> }> {
  let q = fleetDb(ctx.db)
    .selectFrom('fleet_machines')
    .select(['id', 'serial', 'address', 'port', 'site', 'model'])
    .orderBy('id');
  if (selector.machines) q = q.where('id', 'in', selector.machines.map(BigInt));
  if (selector.site) q = q.where('site', '=', selector.site);
  if (selector.status) q = q.where('status', '=', selector.status);
  if (selector.model) q = q.where('model', '=', selector.model);
  const rows = await q.execute();
  if (selector.machines) {
    const found = new Set(rows.map((r) => Number(r.id)));
    const missing = selector.machines.filter((id) => !found.has(id));
    if (missing.length > 0 && !selector.site && !selector.status && !selector.model) {
      throw invalid('selector.machines', `No machine has the id ${missing.slice(0, 10).join(', ')}.`);
    }
  }
  if (rows.length === 0) {
    // Said as what it is: a site nobody registered is not a site with no machine matching.
    if (selector.site) await requireRegisteredSite(ctx.db, selector.site, 'selector.site');
    throw invalid('selector', 'No registered machine matches the selector; nothing was sent.');
  }
  const targets = rows.map((r) => ({
    id: Number(r.id),
    serial: r.serial,
    address: r.address,
    port: r.port,
    site: r.site,
  }));
  return { targets, models: new Set(rows.map((r) => r.model)) };
}

export async function controlMachines(
  ctx: AppContext,
  actor: Actor,
  req: { selector: SelectorInput; action: ControlAction },
  opts: ControlOptions = {},
): Promise<ControlReport> {
  const { targets, models } = await selectTargets(ctx, req.selector);
  checkWorkMode(req.action, models);
  // Before anything is recorded: a control at a site whose agent lost its link is not queued.
  const agentOf = await refuseIfSiteAgentAway(ctx.db, [...new Set(targets.map((t) => t.site))]);
  const requested = await recordFleet(
    ctx,
    {
      actor,
      kind: 'fleet.control-requested',
      stream: 'fleet-control',
      idempotencyKey: opts.idempotencyKey,
      request: req,
    },
    async (tx) =>
      ({
        controlId: await nextNumber(tx, 'fleet-control'),
        action: req.action,
        selector: req.selector,
        machineIds: targets.map((t) => t.id),
      }) satisfies ControlRequested,
    async (_tx, event) => event.payload,
  );
  // The same idempotency key again: report what was done the first time instead of doing it twice.
  const earlier = await findControl(ctx.db, requested.controlId);
  const started = {
    controlId: requested.controlId,
    action: req.action,
    description: describeAction(req.action),
    requested: targets.length,
  };
  opts.onStarted?.(started);
  if (earlier?.completed_at && earlier.results) {
    const results = earlier.results as MachineControlResult[];
    for (const [i, r] of results.entries()) opts.onResult?.(r, i + 1, results.length);
    return report(requested.controlId, req.action, results);
  }
  const client = opts.client ?? ctx.miners;
  let done = 0;
  const told = (result: MachineControlResult) => opts.onResult?.(result, ++done, targets.length);
  const { direct, byAgent } = routeTargets(ctx, targets, agentOf);
  const [straight, through] = await Promise.all([
    Promise.all(
      direct.map(async (t) => {
        const result = await actOn(client, t, req.action, opts);
        told(result);
        return result;
      }),
    ),
    byAgent.size > 0 ? controlThroughAgents(ctx, requested.controlId, req.action, byAgent, opts, told) : [],
  ]);
  // In the order of the targets, as a direct control reports them.
  const byId = new Map([...straight, ...through].map((r) => [r.machineId, r]));
  const results = targets.map((t) => byId.get(t.id)!);
  const succeeded = results.filter((r) => r.outcome === 'done').length;
  await recordFleet(
    ctx,
    {
      actor,
      kind: 'fleet.control-completed',
      stream: 'fleet-control',
      request: { controlId: requested.controlId },
    },
    async () =>
      ({
        controlId: requested.controlId,
        succeeded,
        failed: results.length - succeeded,
        results,
      }) satisfies ControlCompleted,
    async () => undefined,
  );
  return report(requested.controlId, req.action, results);
}

/**
 * The machines of a site an agent serves go through that agent when this process can send it a job
 * (on the PostgreSQL server); the rest, and every machine on the embedded database, directly.
 */
function routeTargets(
  ctx: AppContext,
  targets: Target[],
  agentOf: Map<string, string>,
): { direct: Target[]; byAgent: Map<string, Target[]> } {
  const direct: Target[] = [];
  const byAgent = new Map<string, Target[]>();
  for (const t of targets) {
    const agent = ctx.jobs ? agentOf.get(t.site) : undefined;
    if (!agent) direct.push(t);
    else if (byAgent.has(agent)) byAgent.get(agent)!.push(t);
    else byAgent.set(agent, [t]);
  }
  return { direct, byAgent };
}

function report(controlId: number, action: ControlAction, results: MachineControlResult[]): ControlReport {
  const succeeded = results.filter((r) => r.outcome === 'done').length;
  return {
    controlId,
    action,
    description: describeAction(action),
    requested: results.length,
    succeeded,
    failed: results.length - succeeded,
    results,
  };
}

/** The machine as it answers now, or why it did not (the client's own words). */
async function readOrWhy(
  client: MinerClient,
  t: Target,
): Promise<{ telemetry: NormalisedTelemetry } | { telemetry: undefined; why: string }> {
  const reply = await client.request({ host: t.address, port: t.port }, { command: POLL_COMMANDS });
  return reply.ok ? { telemetry: normalise(reply) } : { telemetry: undefined, why: reply.message };
}

async function read(client: MinerClient, t: Target): Promise<NormalisedTelemetry | undefined> {
  return (await readOrWhy(client, t)).telemetry;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What one machine did with `action`: a direct control's and an agent's, the same code. */
export async function actOn(
  client: MinerClient,
  t: Target,
  action: ControlAction,
  opts: Pick<ControlOptions, 'confirmWithinMs' | 'confirmEveryMs'>,
): Promise<MachineControlResult> {
  const result = (outcome: ControlOutcome, detail: string): MachineControlResult => ({
    machineId: t.id,
    serial: t.serial,
    address: t.address,
    outcome,
    detail,
  });
  // A reboot is confirmed by uptime restarting, and a pool already there is not added twice.
  const needsBefore = action.kind === 'reboot' || action.kind === 'add-pool';
  const before = needsBefore ? await read(client, t) : undefined;
  if (needsBefore && !before) return result('unreachable', `did not answer before the ${action.kind}`);
  const listed = action.kind === 'add-pool' ? poolIndexOf(before, action) : undefined;
  // The miner schedules soft off/on by its own wall clock, so this is real time, not business time.
  const commands = listed === undefined ? commandsFor(action, new Date()) : [];
  const refused = await send(client, t, action, commands);
  if (refused) return result(refused.outcome, refused.detail);
  if (action.kind === 'add-pool') {
    const index = listed ?? poolIndexOf(await read(client, t), action);
    if (index === undefined)
      return result('unconfirmed', `the miner took addpool but does not list ${action.url}`);
    const switched = await send(client, t, action, commandsFor({ kind: 'pool', pool: index }, new Date()));
    if (switched) return result(switched.outcome, switched.detail);
  }
  const deadline = performance.now() + (opts.confirmWithinMs ?? confirmWithinMs(action));
  const pause = opts.confirmEveryMs ?? 500;
  let broken = 0;
  for (;;) {
    const after = await readOrWhy(client, t);
    const effect = confirmEffect(action, before, after.telemetry);
    if (effect.confirmed) return result('done', effect.detail);
    if (performance.now() + pause > deadline) {
      if (!after.telemetry && broken++ < BROKEN_READ_RETRIES) {
        await sleep(BROKEN_READ_PAUSE_MS);
        continue;
      }
      const why = after.telemetry ? '' : ` (${after.why})`;
      return result('unconfirmed', `sent, but the read-back does not show it: ${effect.detail}${why}`);
    }
    await sleep(pause);
  }
}

/** Sends `commands` in order; the first the miner did not carry out, as an outcome, else undefined. */
async function send(
  client: MinerClient,
  t: Target,
  action: ControlAction,
  commands: { command: string; parameter: string }[],
): Promise<{ outcome: ControlOutcome; detail: string } | undefined> {
  for (const { command, parameter } of commands) {
    const sent = await client.command({ host: t.address, port: t.port }, command, parameter);
    if (!sent.ok) {
      // Soft on may close the socket without replying (asic-rs); the read-back decides.
      if (action.kind === 'soft-on' && sent.failure === 'closed') continue;
      const answered = PROTOCOL_FAILURES.has(sent.failure);
      return { outcome: answered ? 'failed' : 'unreachable', detail: sent.message };
    }
    const status = replyStatus(sent.value);
    if (!isSuccess(status)) {
      const said = status?.message ?? 'no STATUS in the reply';
      return status?.code === ACCESS_DENIED
        ? {
            outcome: 'refused',
            detail: `the miner refused ${command}: ${said} (it takes writes only from allowed addresses)`,
          }
        : {
            outcome: 'failed',
            detail: `the miner answered ${command} with ${status?.status ?? '?'}: ${said}`,
          };
    }
  }
  return undefined;
}

/** 200 when every machine did it, 207 when some did, 409 when none did. */
export function controlStatus(report: ControlReport): 200 | 207 | 409 {
  if (report.succeeded === report.requested) return 200;
  return report.succeeded > 0 ? 207 : 409;
}

/**
 * A control that no machine carried out is no success: the edges answer it as a refusal (HTTP 409,
 * CLI exit 3) with the per-machine report attached, not as a 200 with "0 of 1" inside.
 */
export function refuseIfNoneDidIt(report: ControlReport): void {
  if (controlStatus(report) !== 409) return;
  const first = report.results[0];
  throw new AppError(
    'conflict',
    'fleet.control-not-done',
    `None of the ${report.requested} machines confirmed ${report.description}${first ? ` (${first.serial}: ${first.outcome}, ${first.detail})` : ''}.`,
    'selector',
    { report },
  );
}
