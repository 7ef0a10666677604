/**
 * The alerts module's SQL: the tables its events keep (rules, alerts, webhooks) and the ones the
 * evaluator and the deliverer write directly (tracking between evaluations, the delivery outbox,
 * which sweeps were evaluated).
 */
import { type ColumnType, type Selectable, sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { FiredFact, ResolvedFact, WebhookAdded } from './events.js';
import {
  type AlertState,
  DEFAULT_RULES,
  RULE_KINDS,
  type Rule,
  type RuleKind,
  type Tracking,
} from './model.js';

export type AlertsTables = {
  alert_rules: {
    kind: string;
    enabled: boolean;
    threshold: number;
    sustain_seconds: number;
    cooldown_seconds: number;
    flap_limit: number;
    flap_window_seconds: number;
    changed_at: Date;
    changed_by: string;
  };
  alerts: {
    id: bigint;
    rule: string;
    subject: string;
    machine_id: bigint | null;
    site: string | null;
    state: string;
    summary: string;
    flapping: boolean;
    fired_at: Date;
    acknowledged_at: Date | null;
    acknowledged_by: string | null;
    acknowledged_note: string | null;
    resolved_at: Date | null;
    resolved_by: string | null;
    resolution: string | null;
  };
  alert_webhooks: {
    id: bigint;
    url: string;
    secret: string;
    added_at: Date;
    added_by: string;
    removed_at: Date | null;
    removed_by: string | null;
  };
  alert_tracking: { rule: string; subject: string; tracking: ColumnType<unknown, string, string> };
  alert_deliveries: {
    id: ColumnType<bigint, never, never>;
    webhook_id: bigint;
    alert_id: bigint;
    transition: string;
    body: string;
    created_at: Date;
    attempts: ColumnType<number, number | undefined, number>;
    next_attempt_at: Date;
    delivered_at: Date | null;
    given_up_at: Date | null;
    last_error: string | null;
  };
  alert_evaluations: { sweep: bigint; evaluated_at: Date };
};

export const alertsDb = (db: Db) => db.withTables<AlertsTables>();

// ---------------------------------------------------------------- rules

/** Every rule as in force: the operator's settings where changed, the shipped defaults elsewhere. */
export async function rulesInForce(db: Db): Promise<Record<RuleKind, Rule>> {
  const rows = await alertsDb(db).selectFrom('alert_rules').selectAll().execute();
  const rules = { ...DEFAULT_RULES };
  for (const r of rows) {
    if (!(RULE_KINDS as readonly string[]).includes(r.kind)) continue;
    const kind = r.kind as RuleKind;
    rules[kind] = {
      kind,
      enabled: r.enabled,
      threshold: r.threshold,
      sustainSeconds: r.sustain_seconds,
      cooldownSeconds: r.cooldown_seconds,
      flapLimit: r.flap_limit,
      flapWindowSeconds: r.flap_window_seconds,
    };
  }
  return rules;
}

export async function upsertRule(db: Db, r: Rule, at: Date, by: string): Promise<void> {
  const row = {
    kind: r.kind,
    enabled: r.enabled,
    threshold: r.threshold,
    sustain_seconds: r.sustainSeconds,
    cooldown_seconds: r.cooldownSeconds,
    flap_limit: r.flapLimit,
    flap_window_seconds: r.flapWindowSeconds,
    changed_at: at,
    changed_by: by,
  };
  await alertsDb(db)
    .insertInto('alert_rules')
    .values(row)
    .onConflict((oc) => oc.column('kind').doUpdateSet(row))
    .execute();
}

// ---------------------------------------------------------------- alerts

export async function insertAlerts(db: Db, fired: FiredFact[], at: Date): Promise<void> {
  if (fired.length === 0) return;
  await alertsDb(db)
    .insertInto('alerts')
    .values(
      fired.map((f) => ({
        id: BigInt(f.alertId),
        rule: f.rule,
        subject: f.subject,
        machine_id: f.machineId === undefined ? null : BigInt(f.machineId),
        site: f.site ?? null,
        state: 'firing',
        summary: f.summary,
        flapping: f.flapping,
        fired_at: at,
      })),
    )
    .execute();
}

export async function resolveAlerts(db: Db, resolved: ResolvedFact[], at: Date, by: string): Promise<void> {
  for (const r of resolved) {
    await alertsDb(db)
      .updateTable('alerts')
      .set({ state: 'resolved', resolved_at: at, resolved_by: by, resolution: r.resolution })
      .where('id', '=', BigInt(r.alertId))
      .execute();
  }
}

export async function acknowledgeAlert(
  db: Db,
  id: number,
  at: Date,
  by: string,
  note: string | undefined,
): Promise<void> {
  await alertsDb(db)
    .updateTable('alerts')
    .set({ state: 'acknowledged', acknowledged_at: at, acknowledged_by: by, acknowledged_note: note ?? null })
    .where('id', '=', BigInt(id))
    .execute();
}

export type AlertRow = Selectable<AlertsTables['alerts']>;

export interface AlertView {
  id: number;
  rule: RuleKind;
  subject: string;
  machineId: number | null;
  serial: string | null;
  site: string | null;
  state: AlertState;
  summary: string;
  flapping: boolean;
  firedAt: Date;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedNote: string | null;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  resolution: string | null;
  /** The service ticket that took the alert up (a hardware fault's RMA, a site's network ticket). */
  ticketId: number | null;
}

export interface AlertFilter {
  state?: AlertState | 'open' | undefined;
  machineId?: number | undefined;
  site?: string | undefined;
  rule?: RuleKind | undefined;
  /** Keyset paging, newest first: alerts with an id below this. */
  before?: number | undefined;
  limit: number;
}

export async function selectAlerts(db: Db, f: AlertFilter): Promise<AlertView[]> {
  let q = alertsDb(db)
    .selectFrom('alerts as a')
    .leftJoin(sql<{ id: bigint; serial: string }>`fleet_machines`.as('m'), 'm.id', 'a.machine_id')
    // The service module keeps which ticket took an alert up (src/service/faults.ts).
    .leftJoin(
      sql<{ alert_id: bigint; ticket_id: bigint }>`service_ticket_alerts`.as('l'),
      'l.alert_id',
      'a.id',
    )
    .selectAll('a')
    .select(['m.serial', 'l.ticket_id'])
    .orderBy('a.id', 'desc')
    .limit(f.limit);
  if (f.state === 'open') q = q.where('a.state', '<>', 'resolved');
  else if (f.state) q = q.where('a.state', '=', f.state);
  if (f.machineId !== undefined) q = q.where('a.machine_id', '=', BigInt(f.machineId));
  if (f.site !== undefined) q = q.where('a.site', '=', f.site);
  if (f.rule !== undefined) q = q.where('a.rule', '=', f.rule);
  if (f.before !== undefined) q = q.where('a.id', '<', BigInt(f.before));
  return (await q.execute()).map(toView);
}

export async function findAlert(db: Db, id: number): Promise<AlertView | undefined> {
  return (await selectAlerts(db, { limit: 1, before: id + 1 })).find((a) => a.id === id);
}

function toView(r: AlertRow & { serial: string | null; ticket_id: bigint | null }): AlertView {
  return {
    id: Number(r.id),
    rule: r.rule as RuleKind,
    subject: r.subject,
    machineId: r.machine_id === null ? null : Number(r.machine_id),
    serial: r.serial,
    site: r.site,
    state: r.state as AlertState,
    summary: r.summary,
    flapping: r.flapping,
    firedAt: r.fired_at,
    acknowledgedAt: r.acknowledged_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedNote: r.acknowledged_note,
    resolvedAt: r.resolved_at,
    resolvedBy: r.resolved_by,
    resolution: r.resolution,
    ticketId: r.ticket_id === null ? null : Number(r.ticket_id),
  };
}

/** Open alerts counted by rule and site: what /metrics shows (bounded: rules × sites). */
export async function openAlertCounts(db: Db): Promise<{ rule: string; site: string; n: number }[]> {
  const rows = await alertsDb(db)
    .selectFrom('alerts')
    .select(['rule', sql<string>`coalesce(site, '')`.as('site'), (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('state', '<>', 'resolved')
    .groupBy(['rule', sql`coalesce(site, '')`])
    .execute();
  return rows.map((r) => ({ rule: r.rule, site: r.site, n: Number(r.n) }));
}

// ---------------------------------------------------------------- webhooks

export async function insertWebhook(db: Db, w: WebhookAdded, at: Date, by: string): Promise<void> {
  await alertsDb(db)
    .insertInto('alert_webhooks')
    .values({ id: BigInt(w.webhookId), url: w.url, secret: w.secret, added_at: at, added_by: by })
    .execute();
}

export async function removeWebhook(db: Db, id: number, at: Date, by: string): Promise<void> {
  await alertsDb(db)
    .updateTable('alert_webhooks')
    .set({ removed_at: at, removed_by: by })
    .where('id', '=', BigInt(id))
    .execute();
}

export interface WebhookView {
  id: number;
  url: string;
  addedAt: Date;
  addedBy: string;
  removedAt: Date | null;
}

export async function selectWebhooks(db: Db, opts: { current: boolean }): Promise<WebhookView[]> {
  let q = alertsDb(db).selectFrom('alert_webhooks').selectAll().orderBy('id');
  if (opts.current) q = q.where('removed_at', 'is', null);
  return (await q.execute()).map((w) => ({
    id: Number(w.id),
    url: w.url,
    addedAt: w.added_at,
    addedBy: w.added_by,
    removedAt: w.removed_at,
  }));
}

export async function findWebhook(db: Db, id: number) {
  return alertsDb(db)
    .selectFrom('alert_webhooks')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
}

// ---------------------------------------------------------------- tracking

export async function loadTracking(db: Db): Promise<Map<string, Tracking>> {
  const rows = await alertsDb(db).selectFrom('alert_tracking').selectAll().execute();
  return new Map(rows.map((r) => [`${r.rule} ${r.subject}`, r.tracking as Tracking]));
}

/** Saves what changed; a tracking with nothing to remember is deleted. */
export async function saveTracking(
  db: Db,
  changes: { rule: string; subject: string; tracking: Tracking | undefined }[],
): Promise<void> {
  const keep = changes.filter((c) => c.tracking !== undefined);
  const drop = changes.filter((c) => c.tracking === undefined);
  for (let i = 0; i < keep.length; i += 1000) {
    const rows = keep.slice(i, i + 1000).map((c) => ({
      rule: c.rule,
      subject: c.subject,
      tracking: JSON.stringify(c.tracking),
    }));
    await alertsDb(db)
      .insertInto('alert_tracking')
      .values(rows)
      .onConflict((oc) => oc.columns(['rule', 'subject']).doUpdateSet({ tracking: sql`excluded.tracking` }))
      .execute();
  }
  for (const d of drop) {
    await alertsDb(db)
      .deleteFrom('alert_tracking')
      .where('rule', '=', d.rule)
      .where('subject', '=', d.subject)
      .execute();
  }
}

// ---------------------------------------------------------------- evaluations

/** Claims a sweep's evaluation; false when another process has evaluated it already. */
export async function claimEvaluation(db: Db, sweep: number, at: Date): Promise<boolean> {
  const row = await alertsDb(db)
    .insertInto('alert_evaluations')
    .values({ sweep: BigInt(sweep), evaluated_at: at })
    .onConflict((oc) => oc.column('sweep').doNothing())
    .returning('sweep')
    .executeTakeFirst();
  return row !== undefined;
}

/** Finished sweeps not yet evaluated, oldest first (only the newest is worth evaluating). */
export async function latestUnevaluatedSweep(db: Db): Promise<{ id: number; finishedAt: Date } | undefined> {
  const row = await sql<{ id: bigint; finished_at: Date }>`
    select s.id, s.finished_at from fleet_sweeps s
    where not s.running and s.finished_at is not null and s.outcome = 'done'
      and not exists (select 1 from alert_evaluations e where e.sweep = s.id)
    order by s.id desc limit 1`.execute(db);
  const r = row.rows[0];
  return r && { id: Number(r.id), finishedAt: r.finished_at };
}

// ---------------------------------------------------------------- deliveries

export interface NewDelivery {
  webhookId: number;
  alertId: number;
  transition: string;
  body: string;
}

export async function enqueueDeliveries(db: Db, deliveries: NewDelivery[], at: Date): Promise<void> {
  for (let i = 0; i < deliveries.length; i += 1000) {
    await alertsDb(db)
      .insertInto('alert_deliveries')
      .values(
        deliveries.slice(i, i + 1000).map((d) => ({
          webhook_id: BigInt(d.webhookId),
          alert_id: BigInt(d.alertId),
          transition: d.transition,
          body: d.body,
          created_at: at,
          next_attempt_at: at,
        })),
      )
      .execute();
  }
}

export interface DueDelivery {
  id: number;
  url: string;
  secret: string;
  transition: string;
  body: string;
  attempts: number;
}

export async function dueDeliveries(db: Db, now: Date, limit: number): Promise<DueDelivery[]> {
  const rows = await alertsDb(db)
    .selectFrom('alert_deliveries as d')
    .innerJoin('alert_webhooks as w', 'w.id', 'd.webhook_id')
    .select(['d.id', 'w.url', 'w.secret', 'd.transition', 'd.body', 'd.attempts'])
    .where('d.delivered_at', 'is', null)
    .where('d.given_up_at', 'is', null)
    .where('w.removed_at', 'is', null)
    .where('d.next_attempt_at', '<=', now)
    .orderBy('d.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function markDelivery(
  db: Db,
  id: number,
  outcome:
    | { delivered: Date; attempts: number }
    | { failed: string; attempts: number; nextAttemptAt: Date | undefined; at: Date },
): Promise<void> {
  const q = alertsDb(db).updateTable('alert_deliveries').where('id', '=', BigInt(id));
  if ('delivered' in outcome) {
    await q.set({ delivered_at: outcome.delivered, attempts: outcome.attempts, last_error: null }).execute();
  } else {
    await q
      .set({
        attempts: outcome.attempts,
        last_error: outcome.failed.slice(0, 500),
        ...(outcome.nextAttemptAt ? { next_attempt_at: outcome.nextAttemptAt } : { given_up_at: outcome.at }),
      })
      .execute();
  }
}

export async function deliveryCounts(
  db: Db,
): Promise<{ delivered: number; pending: number; givenUp: number }> {
  const r = await sql<{ delivered: bigint; pending: bigint; given_up: bigint }>`
    select count(*) filter (where delivered_at is not null) as delivered,
           count(*) filter (where delivered_at is null and given_up_at is null) as pending,
           count(*) filter (where given_up_at is not null) as given_up
    from alert_deliveries`.execute(db);
  const row = r.rows[0]!;
  return { delivered: Number(row.delivered), pending: Number(row.pending), givenUp: Number(row.given_up) };
}
