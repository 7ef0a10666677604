/** The alerts' use cases: what the edges and other modules import. */
import { randomBytes } from 'node:crypto';
import type { Actor, AppContext } from '../app/context.js';
import { notFound } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { requireSiteFilter } from '../mining/registry.js';
import { type FaultSweep, raiseFleetFaults } from '../service/faults.js';
import { EVALUATOR, type EvaluationReport, evaluateAlerts, queueDeliveries } from './evaluate.js';
import {
  changedRule,
  checkAcknowledge,
  checkWebhookUrl,
  RULE_MEANING,
  type Rule,
  type RuleKind,
} from './model.js';
import { recordAlerts } from './projections.js';
import { siteReadAfter } from './readings.js';
import type { AlertSettings } from './settings.js';
import {
  type AlertFilter,
  type AlertView,
  claimEvaluation,
  findAlert,
  findWebhook,
  latestUnevaluatedSweep,
  rulesInForce,
  selectAlerts,
  selectWebhooks,
  type WebhookView,
} from './store.js';
import { type DeliveryReport, deliverDue } from './webhooks.js';

export type { AlertView, WebhookView };
export { type DeliveryReport, deliverDue, type EvaluationReport, evaluateAlerts };

export interface AlertPage {
  alerts: AlertView[];
  nextCursor: number | null;
}

export async function listAlerts(
  ctx: AppContext,
  filter: Omit<AlertFilter, 'before'> & { cursor?: number },
): Promise<AlertPage> {
  await requireSiteFilter(ctx.db, filter.site);
  const alerts = await selectAlerts(ctx.db, { ...filter, before: filter.cursor });
  return { alerts, nextCursor: alerts.length === filter.limit ? alerts.at(-1)!.id : null };
}

export async function getAlert(ctx: AppContext, id: number): Promise<AlertView> {
  const alert = await findAlert(ctx.db, id);
  if (!alert) throw notFound('Alert', id, 'id');
  return alert;
}

/** Someone is on it: who and when go on the alert, and the webhooks hear of it. */
export async function acknowledge(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: { note?: string | undefined },
  idempotencyKey?: string,
): Promise<AlertView> {
  return recordAlerts(
    ctx,
    { actor, kind: 'alerts.acknowledged', stream: `alert:${id}`, idempotencyKey, request: { id, ...input } },
    async (tx) => {
      const alert = await findAlert(tx, id);
      if (!alert) throw notFound('Alert', id, 'id');
      checkAcknowledge(alert.state);
      return { alertId: id, ...(input.note ? { note: input.note } : {}) };
    },
    async (tx) => {
      const alert = (await findAlert(tx, id))!;
      await queueDeliveries(tx, [alert], ctx.clock.now());
      return alert;
    },
  );
}

export interface RuleView extends Rule {
  meaning: string;
}

export async function listRules(ctx: AppContext): Promise<RuleView[]> {
  const rules = await rulesInForce(ctx.db);
  return Object.values(rules).map((r) => ({ ...r, meaning: RULE_MEANING[r.kind] }));
}

export async function changeRule(
  ctx: AppContext,
  actor: Actor,
  kind: RuleKind,
  change: Partial<Omit<Rule, 'kind'>>,
  idempotencyKey?: string,
): Promise<RuleView> {
  return recordAlerts(
    ctx,
    {
      actor,
      kind: 'alerts.rule-changed',
      stream: `alert-rule:${kind}`,
      idempotencyKey,
      request: { kind, change },
    },
    async (tx) => changedRule((await rulesInForce(tx))[kind], change),
    async (_tx, e) => ({ ...e.payload, meaning: RULE_MEANING[kind] }),
  );
}

/** A new webhook with its signing secret, shown this once (the list never shows it). */
export async function addWebhook(
  ctx: AppContext,
  actor: Actor,
  input: { url: string; secret?: string | undefined },
  idempotencyKey?: string,
): Promise<WebhookView & { secret: string }> {
  const url = checkWebhookUrl(input.url).toString();
  const secret = input.secret ?? randomBytes(24).toString('base64url');
  return recordAlerts(
    ctx,
    {
      actor,
      kind: 'alerts.webhook-added',
      stream: 'alert-webhooks',
      idempotencyKey,
      request: { url, secret },
    },
    async (tx) => ({ webhookId: await nextNumber(tx, 'alert-webhook'), url, secret }),
    async (_tx, e) => ({
      id: e.payload.webhookId,
      url,
      secret,
      addedAt: e.recordedAt,
      addedBy: e.actor,
      removedAt: null,
    }),
  );
}

export async function removeWebhook(ctx: AppContext, actor: Actor, id: number): Promise<WebhookView> {
  return recordAlerts(
    ctx,
    { actor, kind: 'alerts.webhook-removed', stream: 'alert-webhooks', request: { id } },
    async (tx) => {
      const hook = await findWebhook(tx, id);
      if (!hook || hook.removed_at !== null) throw notFound('Webhook', id, 'id');
      return { webhookId: id };
    },
    async (tx) => (await selectWebhooks(tx, { current: false })).find((w) => w.id === id)!,
  );
}

export async function listWebhooks(ctx: AppContext): Promise<WebhookView[]> {
  return selectWebhooks(ctx.db, { current: true });
}

/**
 * One look, as the evaluator inside `serve` takes it every few seconds: the newest finished sweep
 * not yet evaluated (or the poller's own rule alone when there is none), then the deliveries due.
 *
 * A fault's one way to its ticket runs through here: once a sweep's alerts are decided (once per
 * sweep across processes, whoever made the sweep — serve's poller, `fleet poll`, a site agent),
 * the service's fault catalogue reads the same polls and opens or adds to the machines' tickets,
 * taking up the alerts just fired on the same faults, so the two name each other from the start.
 */
export async function evaluateLatest(
  ctx: AppContext,
  settings: AlertSettings = ctx.config.alerts,
): Promise<{ evaluation: EvaluationReport; deliveries: DeliveryReport; tickets: FaultSweep | null }> {
  const sweep = await latestUnevaluatedSweep(ctx.db);
  const evaluation = await evaluateAlerts(ctx, settings, sweep ? { sweep: sweep.id } : {});
  const tickets =
    evaluation.evaluated && evaluation.sweep !== null ? await raiseFleetFaults(ctx, EVALUATOR) : null;
  const deliveries = await deliverDue(ctx, settings);
  return { evaluation, deliveries, tickets };
}

/**
 * A site agent's sweep, judged as its end reaches the database (src/agent/forward.ts), inside that
 * write and at the time the sweep read: a spool replayed after the link came back is judged sweep
 * by sweep in order, each on its own readings (the machines' state is that sweep's until the next
 * one is forwarded), so an alert fires once, with the time of the sweep that sustained it. A sweep
 * whose site already has a later reading stored (another agent swept it meanwhile) is claimed
 * unjudged (`late`): its readings are stored and counted, but the state left is not its own.
 */
export async function evaluateSiteSweep(
  ctx: AppContext,
  sweep: { id: number; site: string; at: Date },
  settings: Pick<AlertSettings, 'freshSeconds'> = ctx.config.alerts,
): Promise<EvaluationReport & { late: boolean }> {
  if (await siteReadAfter(ctx.db, sweep.site, sweep.at)) {
    const claimed = await claimEvaluation(ctx.db, sweep.id, sweep.at);
    return { sweep: sweep.id, machines: 0, fired: 0, resolved: 0, evaluated: false, late: claimed };
  }
  const report = await evaluateAlerts(ctx, settings, { sweep: sweep.id, site: sweep.site, at: sweep.at });
  return { ...report, late: false };
}
