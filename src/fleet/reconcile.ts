/**
 * A machine meant to be curtailed stays curtailed. Its wanted power is its latest soft off or soft
 * on (`fleet_power_intent`, kept from the control events); a miner forgets a soft off when it loses
 * power or restarts, and then hashes as if never told. After each sweep, the machines meant off that
 * the sweep found hashing are sent the soft off again, as a control like any other (two ledger
 * events, confirmed by reading back) by a named actor, so the audit trail says why it was sent.
 */
import type { Actor, AppContext } from '../app/context.js';
import { type ControlReport, controlMachines } from './control.js';
import { HASHING_STATUSES } from './model.js';
import type { MinerClient } from './protocol/client.js';
import { meantOffButHashing } from './store.js';
import { type SweepOptions, type SweepReport, sweepFleet } from './sweep.js';

export const RECONCILER: Actor = { id: 'system:reconciler', role: 'ops' };
/** At most one soft off a machine every this long, whoever sent the last (operator or reconciler). */
export const RESEND_AFTER_MS = 10 * 60_000;
/** A control not completed within this long is taken as dead (its process stopped), not in flight. */
const IN_FLIGHT_MS = 60 * 60_000;

/**
 * Sends the soft off again to every machine meant off that its last poll found hashing, unless one
 * was sent within `RESEND_AFTER_MS` or a control of it is still in flight. Undefined when none.
 */
export async function reconcilePower(
  ctx: AppContext,
  opts: { client?: MinerClient } = {},
): Promise<ControlReport | undefined> {
  const now = ctx.clock.now();
  const targets = await meantOffButHashing(ctx.db, {
    now,
    sentBefore: new Date(now.getTime() - RESEND_AFTER_MS),
    inFlightSince: new Date(now.getTime() - IN_FLIGHT_MS),
    hashing: HASHING_STATUSES,
  });
  if (targets.length === 0) return undefined;
  const report = await controlMachines(
    ctx,
    RECONCILER,
    { selector: { machines: targets.map((t) => t.id) }, action: { kind: 'soft-off' } },
    opts.client ? { client: opts.client } : {},
  );
  ctx.log.info(
    { control: report.controlId, machines: report.requested, confirmed: report.succeeded },
    `soft off sent again to ${report.requested} machine(s) meant to be curtailed but found hashing`,
  );
  return report;
}

/**
 * A sweep, then the reconciler's look at what it found: what `serve`'s poller, `fleet poll` and
 * `POST /api/fleet/polls` run. The sweep's report is returned whatever the reconciler does: a
 * soft off that could not be sent (a site's agent away) is logged and tried after the next sweep.
 */
export async function sweepAndReconcile(
  ctx: AppContext,
  actor: Actor,
  opts: SweepOptions = {},
): Promise<SweepReport> {
  const report = await sweepFleet(ctx, actor, opts);
  await reconcilePower(ctx, opts.client ? { client: opts.client } : {}).catch((error: unknown) =>
    ctx.log.error({ err: error, sweep: report.sweep }, 'could not send the soft off again'),
  );
  return report;
}
