/**
 * `evaluateAlerts`: every rule on every machine, site and the poller, after a sweep. Loads the
 * readings a page at a time, keeps in memory only the machines with something to say (a condition
 * holding, or something remembered from before), lets the pure rules decide, and writes the
 * transitions as one ledger event with the tracking and the webhook deliveries in one transaction.
 */
import type { Actor, AppContext } from '../app/context.js';
import { inTransaction, reserveNumbers } from '../ledger/ledger.js';
import type { AlertsEvaluated, FiredFact, ResolvedFact } from './events.js';
import {
  isIdleTracking,
  MACHINE_RULES,
  type MachineRuleKind,
  machineVerdicts,
  NEW_TRACKING,
  pollerVerdict,
  type Rule,
  type RuleKind,
  siteVerdict,
  step,
  subjectOf,
  type Tracking,
  type Verdict,
} from './model.js';
import { recordAlerts } from './projections.js';
import { idleIntent, pollerState, readingsPage } from './readings.js';
import type { AlertSettings } from './settings.js';
import {
  type AlertView,
  claimEvaluation,
  enqueueDeliveries,
  loadTracking,
  rulesInForce,
  saveTracking,
  selectAlerts,
  selectWebhooks,
} from './store.js';
import { deliveryBody } from './webhooks.js';

export const EVALUATOR: Actor = { id: 'system:alerts', role: 'ops' };

export interface EvaluationReport {
  sweep: number | null;
  machines: number;
  fired: number;
  resolved: number;
  /** False when another process had evaluated this sweep already. */
  evaluated: boolean;
}

interface Subject {
  subject: string;
  machineId?: number;
  serial?: string;
  site?: string;
  verdicts: Partial<Record<RuleKind, Verdict>>;
}

const key = (rule: string, subject: string) => `${rule} ${subject}`;

/** Which readings an evaluation looks at, and as of when. */
export interface EvaluationScope {
  /** A finished sweep: the machine and site rules run on its readings, once per sweep across processes. */
  sweep?: number;
  /** Only this site's machines and incident (a site agent's sweep); the poller's rule is left out. */
  site?: string;
  /** The time the rules see (default: the clock's now): a replayed sweep is judged at its own time. */
  at?: Date;
}

/**
 * Evaluates every rule once. With `sweep`, the machine and site rules run on that sweep's readings;
 * without, only the poller's own rule runs (between sweeps, so that a poller that stopped is noticed
 * even though no sweep comes to say so).
 */
export async function evaluateAlerts(
  ctx: AppContext,
  settings: Pick<AlertSettings, 'freshSeconds'>,
  opts: EvaluationScope = {},
): Promise<EvaluationReport> {
  const now = opts.at ?? ctx.clock.now();
  const rules = await rulesInForce(ctx.db);
  const tracking = await loadTracking(ctx.db);
  const subjects: Subject[] = [];
  let machines = 0;
  if (opts.sweep !== undefined) {
    const scope = { freshSeconds: settings.freshSeconds, now, site: opts.site };
    machines = await machineSubjects(ctx, rules, tracking, scope, subjects);
  }
  if (opts.site === undefined) {
    const poller = await pollerState(ctx.db);
    subjects.push({
      subject: subjectOf.poller,
      verdicts: { 'poller-stale': pollerVerdict(poller, now, rules['poller-stale']) },
    });
  }

  const incidentSites = new Set(
    subjects.filter((s) => s.site && s.verdicts['site-incident']?.holds === true).map((s) => s.site!),
  );
  for (const [k, t] of tracking) {
    if (k.startsWith('site-incident ') && t.alertId !== undefined)
      incidentSites.add(k.slice('site-incident site:'.length));
  }

  const changes: { rule: string; subject: string; tracking: Tracking | undefined }[] = [];
  const toFire: {
    subject: Subject;
    rule: RuleKind;
    detail: string;
    flapping: boolean;
    tracking: Tracking;
  }[] = [];
  const resolved: ResolvedFact[] = [];
  for (const s of subjects) {
    for (const [kind, verdict] of Object.entries(s.verdicts) as [RuleKind, Verdict][]) {
      const r = rules[kind];
      const before = tracking.get(key(kind, s.subject)) ?? NEW_TRACKING;
      // A site's incident speaks for its machines: one alert, not one per machine.
      const mayFire = s.machineId === undefined || !incidentSites.has(s.site ?? '');
      const { tracking: after, transition } = step(before, verdict, r, now, mayFire);
      if (transition?.to === 'fire') {
        toFire.push({
          subject: s,
          rule: kind,
          detail: transition.detail,
          flapping: transition.flapping,
          tracking: after,
        });
        continue;
      }
      if (transition?.to === 'resolve')
        resolved.push({ alertId: before.alertId!, resolution: transition.detail });
      if (after !== before)
        changes.push({
          rule: kind,
          subject: s.subject,
          tracking: isIdleTracking(after, now, r) ? undefined : after,
        });
    }
  }

  return inTransaction(ctx.db, async (tx) => {
    if (opts.sweep !== undefined && !(await claimEvaluation(tx, opts.sweep, now))) {
      return { sweep: opts.sweep, machines, fired: 0, resolved: 0, evaluated: false };
    }
    const first = toFire.length > 0 ? await reserveNumbers(tx, 'alert', toFire.length) : 0;
    const fired: FiredFact[] = toFire.map((f, i) => {
      const alertId = first + i;
      changes.push({ rule: f.rule, subject: f.subject.subject, tracking: { ...f.tracking, alertId } });
      return {
        alertId,
        rule: f.rule,
        subject: f.subject.subject,
        ...(f.subject.machineId === undefined ? {} : { machineId: f.subject.machineId }),
        ...(f.subject.site === undefined ? {} : { site: f.subject.site }),
        summary: summaryOf(f.rule, f.subject, f.detail),
        flapping: f.flapping,
      };
    });
    await saveTracking(tx, changes);
    if (fired.length > 0 || resolved.length > 0) {
      const payload: AlertsEvaluated = {
        sweep: opts.sweep ?? null,
        observedAt: now.toISOString(),
        fired,
        resolved,
      };
      await recordAlerts(
        { ...ctx, db: tx },
        {
          actor: EVALUATOR,
          kind: 'alerts.evaluated',
          stream: opts.sweep === undefined ? 'alerts:poller' : `alerts:sweep:${opts.sweep}`,
          request: payload,
        },
        async () => payload,
        async (db) => {
          const ids = [...fired.map((f) => f.alertId), ...resolved.map((r) => r.alertId)];
          const alerts = await alertsByIds(db, ids);
          await queueDeliveries(db, alerts, now);
        },
      );
    }
    return {
      sweep: opts.sweep ?? null,
      machines,
      fired: fired.length,
      resolved: resolved.length,
      evaluated: true,
    };
  });
}

/** Machine verdicts, page by page, and the sites' incident verdicts from them. */
async function machineSubjects(
  ctx: AppContext,
  rules: Record<RuleKind, Rule>,
  tracking: Map<string, Tracking>,
  { freshSeconds, now, site }: { freshSeconds: number; now: Date; site: string | undefined },
  out: Subject[],
): Promise<number> {
  const tracked = new Set<string>();
  for (const k of tracking.keys()) tracked.add(k.slice(k.indexOf(' ') + 1));
  const idle = await idleIntent(ctx.db, now);
  const sites = new Map<string, { machines: number; faulty: number }>();
  const fresh = { now, maxAgeSeconds: freshSeconds };
  let afterId = 0;
  let machines = 0;
  for (;;) {
    const page = await readingsPage(ctx.db, { afterId, limit: 2000, now, idle, site });
    if (page.length === 0) break;
    afterId = page.at(-1)!.machineId;
    for (const m of page) {
      machines++;
      const verdicts = machineVerdicts(m, rules, fresh);
      const holding = MACHINE_RULES.filter((k) => rules[k].enabled && verdicts[k].holds === true);
      const site = sites.get(m.site) ?? { machines: 0, faulty: 0 };
      sites.set(m.site, site);
      // A machine meant to be idle is not at fault, nor counted among the site's.
      if (m.meantIdle === undefined && m.status !== 'idle') {
        site.machines++;
        if (holding.length > 0) site.faulty++;
      }
      const subject = subjectOf.machine(m.machineId);
      if (holding.length === 0 && !tracked.has(subject)) continue;
      const kept: Partial<Record<MachineRuleKind, Verdict>> = {};
      for (const k of MACHINE_RULES) {
        if (verdicts[k].holds === true || tracking.has(key(k, subject))) kept[k] = verdicts[k];
      }
      out.push({ subject, machineId: m.machineId, serial: m.serial, site: m.site, verdicts: kept });
    }
  }
  for (const [code, counts] of sites) {
    out.push({
      subject: subjectOf.site(code),
      site: code,
      verdicts: { 'site-incident': siteVerdict(counts, rules['site-incident']) },
    });
  }
  return machines;
}

const RULE_TITLE: Record<RuleKind, string> = {
  'machine-offline': 'Machine offline',
  'hashrate-low-nominal': 'Hashrate low against nominal',
  'hashrate-low-median': 'Hashrate low against its own median',
  'board-down': 'Hash board down',
  'over-temperature': 'Over temperature',
  'fan-failure': 'Fan failure',
  'psu-fault': 'PSU fault',
  'pool-dead': 'No pool alive',
  'pool-switched': 'Pool switched',
  'site-incident': 'Site incident',
  'poller-stale': 'Poller stale',
};

function summaryOf(rule: RuleKind, s: Subject, detail: string): string {
  const where = s.serial ? `${s.serial} at ${s.site}` : s.site ? `site ${s.site}` : 'the fleet poller';
  return `${RULE_TITLE[rule]}: ${where}: ${detail}`;
}

async function alertsByIds(db: AppContext['db'], ids: number[]): Promise<AlertView[]> {
  if (ids.length === 0) return [];
  const max = Math.max(...ids);
  const wanted = new Set(ids);
  const out: AlertView[] = [];
  // Newest first from the highest id: the transitions of one evaluation are recent alerts.
  let before = max + 1;
  while (out.length < wanted.size) {
    const page = await selectAlerts(db, { before, limit: 1000 });
    if (page.length === 0) break;
    out.push(...page.filter((a) => wanted.has(a.id)));
    before = page.at(-1)!.id;
  }
  return out;
}

/** One delivery per current webhook and alert transition, queued in the transition's transaction. */
export async function queueDeliveries(db: AppContext['db'], alerts: AlertView[], at: Date): Promise<void> {
  const hooks = await selectWebhooks(db, { current: true });
  if (hooks.length === 0 || alerts.length === 0) return;
  await enqueueDeliveries(
    db,
    hooks.flatMap((h) =>
      alerts.map((a) => ({ webhookId: h.id, alertId: a.id, transition: a.state, body: deliveryBody(a, at) })),
    ),
    at,
  );
}
