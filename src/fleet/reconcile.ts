/**
 * A machine meant to be curtailed stays curtailed. Its wanted power is its latest soft off or soft
 * on (`fleet_power_intent`, kept from the control events); a miner forgets a soft off when it loses
 * power or restarts, and then hashes as if never told. After each sweep, the machines meant off that
 * the sweep found hashing are sent the soft off again, as a control like any other (two ledger
 * events, confirmed by reading back) by a named actor, so the audit trail says why it was sent.
 * Every sweep reaches it: `serve`'s poller, `fleet poll` and `POST /api/fleet/polls` through
 * `sweepAndReconcile`, a site agent's once its sweep is home (`agent/agent.ts`), each through
 * `reconcilePower`.
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

export interface ReconcileOptions {
  /** Only these sites' machines (an agent's sweep speaks for its own site); all when absent. */
  sites?: readonly string[];
  client?: MinerClient;
}

/**
 * Sends the soft off again to every machine meant off that its last poll found hashing, unless one
 * was sent within `RESEND_AFTER_MS` or a control of it is still in flight: one control per site,
 * side by side, so a site whose agent is away (its control refused) holds up only its own machines,
 * which the next sweep tries again. Never throws: what could not be sent is logged. Answers the
 * controls sent, by site.
 */
export async function reconcilePower(
  ctx: AppContext,
  opts: ReconcileOptions = {},
): Promise<Map<string, ControlReport>> {
  const sent = new Map<string, ControlReport>();
  const now = ctx.clock.now();
  const targets = await meantOffButHashing(ctx.db, {
    now,
    sentBefore: new Date(now.getTime() - RESEND_AFTER_MS),
    inFlightSince: new Date(now.getTime() - IN_FLIGHT_MS),
    hashing: HASHING_STATUSES,
    ...(opts.sites ? { sites: opts.sites } : {}),
  }).catch((error: unknown) => {
    ctx.log.error({ err: error }, 'could not look for machines meant to be curtailed but hashing');
    return [];
  });
  const bySite = new Map<string, { id: number }[]>();
  for (const t of targets) {
    const site = bySite.get(t.site) ?? [];
    bySite.set(t.site, site);
    site.push(t);
  }
  await Promise.all(
    [...bySite].map(async ([site, machines]) => {
      try {
        sent.set(site, await resendSoftOff(ctx, site, machines, opts.client));
      } catch (error) {
        ctx.log.error(
          { err: error, site, machines: machines.length },
          `could not send the soft off again at site ${site}: tried after its next sweep`,
        );
      }
    }),
  );
  return sent;
}

async function resendSoftOff(
  ctx: AppContext,
  site: string,
  machines: { id: number }[],
  client: MinerClient | undefined,
): Promise<ControlReport> {
  const report = await controlMachines(
    ctx,
    RECONCILER,
    { selector: { machines: machines.map((t) => t.id) }, action: { kind: 'soft-off' } },
    client ? { client } : {},
  );
  ctx.log.info(
    { control: report.controlId, site, machines: report.requested, confirmed: report.succeeded },
    `soft off sent again to ${report.requested} machine(s) at ${site} meant to be curtailed but found hashing`,
  );
  return report;
}

/**
 * A sweep, then the reconciler's look at what it found: what `serve`'s poller, `fleet poll` and
 * `POST /api/fleet/polls` run. The sweep's report is returned whatever the reconciler does.
 */
export async function sweepAndReconcile(
  ctx: AppContext,
  actor: Actor,
  opts: SweepOptions = {},
): Promise<SweepReport> {
  const report = await sweepFleet(ctx, actor, opts);
  await reconcilePower(ctx, opts.client ? { client: opts.client } : {});
  return report;
}
