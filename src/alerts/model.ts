/**
 * The alert rules as pure functions: what each rule sees in a machine's latest reading, and how a
 * rule's condition, held or cleared over time, moves an alert (sustain, cool-down, flap
 * suppression), with readings that are stale or machines meant to be idle leaving it where it is.
 * No IO: the evaluator (evaluate.ts) loads the readings, calls these, and writes what they decide.
 */
import type { MachineStatus } from '../fleet/model.js';
import { DEFAULT_THRESHOLDS } from '../fleet/protocol/health.js';
import type { NormalisedTelemetry } from '../fleet/protocol/telemetry.js';
import { invalid } from '../kernel/errors.js';

export const RULE_KINDS = [
  'machine-offline',
  'hashrate-low-nominal',
  'hashrate-low-median',
  'board-down',
  'over-temperature',
  'fan-failure',
  'psu-fault',
  'pool-dead',
  'pool-switched',
  'site-incident',
  'poller-stale',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
/** The rules that look at one machine's reading; the site incident and the poller look wider. */
export type MachineRuleKind = Exclude<RuleKind, 'site-incident' | 'poller-stale'>;
export const MACHINE_RULES = RULE_KINDS.filter(
  (k): k is MachineRuleKind => k !== 'site-incident' && k !== 'poller-stale',
);

export interface Rule {
  kind: RuleKind;
  enabled: boolean;
  /** What the condition compares against; its unit is the rule's (RULE_MEANING). */
  threshold: number;
  /** How long the condition must hold before the alert fires, and stay clear before it resolves. */
  sustainSeconds: number;
  /** After an alert resolves, the same rule on the same subject does not fire again for this long. */
  cooldownSeconds: number;
  /** This many changes of the condition within the flap window make the subject flapping (0: never). */
  flapLimit: number;
  flapWindowSeconds: number;
}

/** What each rule's threshold means, for the API's documentation and the dashboard. */
export const RULE_MEANING: Record<RuleKind, string> = {
  'machine-offline': 'failed polls in a row (the fleet also marks a machine offline on its own count)',
  'hashrate-low-nominal': 'per cent of the nominal hashrate the machine states, below which it is low',
  'hashrate-low-median': 'per cent of its own median over the last 24 hours, below which it is low',
  'board-down': 'per cent of the best board’s hashrate at or below which a board is down',
  'over-temperature': 'hottest chip in °C at or above which the machine is too hot',
  'fan-failure': 'fan speed in RPM below which a fan has failed',
  'psu-fault': 'PSU error code above which the PSU is at fault (0: any error code)',
  'pool-dead': 'unused (0): fires when no configured pool is alive',
  'pool-switched': 'unused (0): fires when the active pool is not the first by priority (failover)',
  'site-incident': 'per cent of a site’s machines with a fault at once that make one site incident',
  'poller-stale': 'seconds since the last finished sweep after which the poller is stale',
};

const minutes = (n: number) => n * 60;

/**
 * The rules as shipped; an operator changes them (PUT /api/alerts/rules/:kind). The hardware rules
 * start at the limits the machine's status is judged by (`DEFAULT_THRESHOLDS`, which the service's
 * fault catalogue reads too), so that by default an alert fires where the status and the ticket say
 * the same: an over-temperature alert at 95 °C on a machine whose status, overheating from
 * "limit 100 °C", was still ok said two things.
 */
export const DEFAULT_RULES: Record<RuleKind, Rule> = {
  'machine-offline': rule('machine-offline', 3, minutes(2), minutes(10)),
  'hashrate-low-nominal': rule('hashrate-low-nominal', 80, minutes(10), minutes(30)),
  'hashrate-low-median': rule('hashrate-low-median', 70, minutes(10), minutes(30)),
  'board-down': rule('board-down', DEFAULT_THRESHOLDS.boardShare * 100, minutes(2), minutes(30)),
  'over-temperature': rule('over-temperature', DEFAULT_THRESHOLDS.chipC, minutes(1), minutes(15)),
  'fan-failure': rule('fan-failure', DEFAULT_THRESHOLDS.minFanRpm, 30, minutes(10)),
  'psu-fault': rule('psu-fault', 0, 30, minutes(10)),
  'pool-dead': rule('pool-dead', 0, minutes(2), minutes(10)),
  'pool-switched': rule('pool-switched', 0, minutes(5), minutes(30)),
  'site-incident': rule('site-incident', 20, minutes(1), minutes(10)),
  'poller-stale': rule('poller-stale', 300, 0, minutes(5)),
};

function rule(kind: RuleKind, threshold: number, sustainSeconds: number, cooldownSeconds: number): Rule {
  return {
    kind,
    enabled: true,
    threshold,
    sustainSeconds,
    cooldownSeconds,
    flapLimit: 4,
    flapWindowSeconds: 900,
  };
}

/** A rule's settings after a change, refused naming the field when one is out of range. */
export function changedRule(current: Rule, change: Partial<Omit<Rule, 'kind'>>): Rule {
  const next = { ...current, ...change };
  const numeric = [
    'threshold',
    'sustainSeconds',
    'cooldownSeconds',
    'flapLimit',
    'flapWindowSeconds',
  ] as const;
  for (const field of numeric) {
    const value = next[field];
    if (!Number.isFinite(value) || value < 0) {
      throw invalid(field, `${field} must be 0 or more, got ${value}.`);
    }
  }
  if (next.flapLimit > 0 && next.flapWindowSeconds === 0) {
    throw invalid('flapWindowSeconds', 'flapWindowSeconds must be above 0 when flapLimit is set.');
  }
  return next;
}

// ---------------------------------------------------------------- what a rule sees

/** One rule's verdict on one subject now: the condition holds, is clear, or cannot be told. */
export type Verdict = { holds: true; detail: string } | { holds: false } | { holds: 'unknown'; why: string };

const HOLDS = (detail: string): Verdict => ({ holds: true, detail });
const CLEAR: Verdict = { holds: false };
const UNKNOWN = (why: string): Verdict => ({ holds: 'unknown', why });

/** A machine's latest reading as the evaluator loads it. */
export interface MachineReading {
  machineId: number;
  serial: string;
  site: string;
  model: string | null;
  status: MachineStatus;
  consecutiveFailures: number;
  /** Why its last poll failed (a time-out, a reset, an answer that could not be used), if it did. */
  lastFailure: string | undefined;
  /** When it last answered; undefined if it never has. */
  lastSeenAt: Date | undefined;
  telemetry: NormalisedTelemetry | undefined;
  /** Its median hashrate over the last day of 5-minute buckets, when there are enough of them. */
  medianThs: number | undefined;
  /** It was told to stop hashing (soft off) or to restart (reboot, work mode) and is meant to be idle. */
  meantIdle: string | undefined;
}

export interface Freshness {
  now: Date;
  /** Readings older than this are stale: no rule on them may fire or resolve. */
  maxAgeSeconds: number;
}

/**
 * Every machine rule's verdict on one reading. A machine meant to be idle (curtailed, rebooting)
 * gets `unknown` from every rule: nothing fires and nothing resolves until it is meant to hash again.
 */
export function machineVerdicts(
  m: MachineReading,
  rules: Record<RuleKind, Rule>,
  fresh: Freshness,
): Record<MachineRuleKind, Verdict> {
  const out = {} as Record<MachineRuleKind, Verdict>;
  if (m.meantIdle !== undefined || m.status === 'idle') {
    const why = m.meantIdle ?? 'idle (soft off)';
    for (const kind of MACHINE_RULES) out[kind] = UNKNOWN(`meant to be idle: ${why}`);
    return out;
  }
  const offlineRule = rules['machine-offline'];
  out['machine-offline'] =
    m.status === 'offline' || m.consecutiveFailures >= Math.max(1, offlineRule.threshold)
      ? HOLDS(
          m.status === 'protocol-error'
            ? // It answers, but with nothing usable: "no answer" would send someone to check its cable.
              `no usable answer to ${m.consecutiveFailures} polls in a row: ${m.lastFailure ?? 'protocol error'}`
            : `no answer to ${m.consecutiveFailures} polls in a row`,
        )
      : m.status === 'new'
        ? UNKNOWN('not polled yet')
        : CLEAR;
  const age = m.lastSeenAt ? (fresh.now.getTime() - m.lastSeenAt.getTime()) / 1000 : undefined;
  const t = m.telemetry;
  const stale =
    t === undefined || age === undefined
      ? 'no reading yet'
      : age > fresh.maxAgeSeconds || m.consecutiveFailures > 0
        ? `last reading ${Math.round(age)} s old`
        : undefined;
  for (const kind of MACHINE_RULES) {
    if (kind === 'machine-offline') continue;
    out[kind] =
      stale !== undefined || t === undefined
        ? UNKNOWN(stale ?? 'no reading')
        : readingVerdict(kind, t, m, rules[kind]);
  }
  return out;
}

const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

function readingVerdict(kind: MachineRuleKind, t: NormalisedTelemetry, m: MachineReading, r: Rule): Verdict {
  const ths = t.hashrateThs?.recent ?? t.hashrateThs?.average;
  switch (kind) {
    case 'machine-offline':
      return CLEAR;
    case 'hashrate-low-nominal': {
      const nominal = t.hashrateThs?.nominal;
      if (ths === undefined || nominal === undefined || nominal <= 0)
        return UNKNOWN('no hashrate or nominal');
      // Averages start low after a restart: the fleet's health rules wait 15 minutes too.
      if ((t.uptimeSeconds ?? 0) < 900) return UNKNOWN('warming up');
      const share = (ths / nominal) * 100;
      return share < r.threshold
        ? HOLDS(`hashing ${fmt(ths)} TH/s, ${Math.round(share)}% of nominal ${fmt(nominal)} TH/s`)
        : CLEAR;
    }
    case 'hashrate-low-median': {
      if (ths === undefined || m.medianThs === undefined || m.medianThs <= 0) {
        return UNKNOWN('no hashrate or no recent median');
      }
      const share = (ths / m.medianThs) * 100;
      return share < r.threshold
        ? HOLDS(`hashing ${fmt(ths)} TH/s, ${Math.round(share)}% of its 24 h median ${fmt(m.medianThs)} TH/s`)
        : CLEAR;
    }
    case 'board-down': {
      const boards = (t.boards ?? []).filter((b) => b.hashrateThs !== undefined);
      if (boards.length === 0) return UNKNOWN('no per-board figures');
      const best = Math.max(...boards.map((b) => b.hashrateThs!));
      if (best <= 0) return UNKNOWN('no board is hashing');
      const down = boards.filter((b) => (b.hashrateThs! / best) * 100 <= r.threshold);
      return down.length > 0
        ? HOLDS(
            `board ${down.map((b) => b.index).join(', ')} at ${down.map((b) => fmt(b.hashrateThs!)).join(', ')} TH/s against ${fmt(best)} on the best`,
          )
        : CLEAR;
    }
    case 'over-temperature': {
      const chip = t.temperatures?.hottestChipC;
      if (chip === undefined) return UNKNOWN('no chip temperature');
      return chip >= r.threshold
        ? HOLDS(`hottest chip ${chip} °C (alert rule’s threshold ${r.threshold} °C)`)
        : CLEAR;
    }
    case 'fan-failure': {
      const fans = t.fansRpm ?? [];
      if (fans.length === 0) return UNKNOWN('no fan figures');
      const failed = fans.flatMap((rpm, i) => (rpm < r.threshold ? [`fan ${i + 1} at ${rpm} RPM`] : []));
      return failed.length > 0
        ? HOLDS(`${failed.join(', ')} (alert rule’s threshold ${r.threshold} RPM)`)
        : CLEAR;
    }
    case 'psu-fault': {
      const code = t.psu?.errorCode;
      if (code === undefined) return UNKNOWN('no PSU figures');
      return code > r.threshold ? HOLDS(`PSU error code ${code}`) : CLEAR;
    }
    case 'pool-dead': {
      const pools = t.pools ?? [];
      if (pools.length === 0) return UNKNOWN('no pool list');
      return pools.some((p) => p.status === 'Alive')
        ? CLEAR
        : HOLDS(`none of ${pools.length} pools is alive`);
    }
    case 'pool-switched': {
      const first = firstByPriority(t.pools ?? []);
      const active = (t.pools ?? []).find((p) => p.active === true);
      if (!first || !active) return UNKNOWN('no active pool or priorities');
      return active.url === first.url
        ? CLEAR
        : HOLDS(`mining on ${active.url}, not on the first pool ${first.url} (failover)`);
    }
  }
}

function firstByPriority<P extends { priority?: number }>(pools: readonly P[]): P | undefined {
  return pools
    .filter((p) => p.priority !== undefined)
    .reduce<P | undefined>(
      (best, p) => (best === undefined || p.priority! < best.priority! ? p : best),
      undefined,
    );
}

/** A site's share of machines with a fault now; machines with nothing to tell are not counted. */
export function siteVerdict(
  counts: { machines: number; faulty: number },
  r: Rule,
  minimumMachines = SITE_INCIDENT_MINIMUM,
): Verdict {
  if (counts.machines === 0) return UNKNOWN('no machines');
  const share = (counts.faulty / counts.machines) * 100;
  return counts.faulty >= minimumMachines && share >= r.threshold
    ? HOLDS(`${counts.faulty} of ${counts.machines} machines (${Math.round(share)}%) have a fault at once`)
    : CLEAR;
}

/** Fewer machines than this at fault are never a site incident, whatever their share of a small site. */
export const SITE_INCIDENT_MINIMUM = 3;

export interface PollerState {
  /** When the last sweep finished; undefined if none ever has. */
  finishedAt: Date | undefined;
  machines: number;
  /** When the first machine was registered: the poller has owed a sweep since. */
  firstRegisteredAt: Date | undefined;
}

export function pollerVerdict(last: PollerState, now: Date, r: Rule): Verdict {
  if (last.machines === 0) return UNKNOWN('no machines registered');
  const seconds = (since: Date) => (now.getTime() - since.getTime()) / 1000;
  if (last.finishedAt === undefined) {
    // The first sweep of a fleet just registered is under way: not stale until it has had as long
    // as any other (a first start raised this alert and cleared it seconds later).
    const waited = last.firstRegisteredAt ? seconds(last.firstRegisteredAt) : Number.POSITIVE_INFINITY;
    return waited > r.threshold
      ? HOLDS(`no sweep has finished since the first machine was registered`)
      : UNKNOWN('the first sweep is under way');
  }
  const age = seconds(last.finishedAt);
  return age > r.threshold ? HOLDS(`the last sweep finished ${Math.round(age)} s ago`) : CLEAR;
}

// ---------------------------------------------------------------- how a condition moves an alert

/** What the evaluator remembers of one rule on one subject between evaluations (JSON-safe). */
export interface Tracking {
  /** The condition as last seen (unknowns are skipped). */
  holds: boolean;
  /** When the condition began to hold (pending), kept through flapping. */
  heldSince?: string;
  /** When the condition was last seen to clear. */
  clearSince?: string;
  /** When the condition changed, within the flap window. */
  flips: string[];
  /** The open alert, once fired. */
  alertId?: number;
  lastResolvedAt?: string;
}

export const NEW_TRACKING: Tracking = { holds: false, flips: [] };

export type Transition =
  | { to: 'fire'; detail: string; flapping: boolean }
  | { to: 'resolve'; detail: string }
  | undefined;

const seconds = (from: string | undefined, now: Date) =>
  from === undefined ? 0 : (now.getTime() - Date.parse(from)) / 1000;

/**
 * One evaluation of one rule on one subject. The alert fires once the condition has held for the
 * rule's sustain time (and the cool-down after the last one has passed), and resolves once it has
 * stayed clear as long. A subject whose condition keeps changing (flapLimit changes within the
 * window) is flapping: it counts as holding, so it raises one alert that stays open while it flaps
 * instead of one alert per flap. An unknown verdict (stale reading, machine meant to be idle)
 * changes nothing. `mayFire` false holds a firing back (the site's incident speaks for it).
 */
export function step(
  before: Tracking,
  verdict: Verdict,
  r: Rule,
  now: Date,
  mayFire = true,
): { tracking: Tracking; transition: Transition } {
  if (verdict.holds === 'unknown') return { tracking: before, transition: undefined };
  const at = now.toISOString();
  const t: Tracking = {
    ...before,
    flips: before.flips.filter((f) => seconds(f, now) <= r.flapWindowSeconds),
  };
  if (verdict.holds !== before.holds) t.flips.push(at);
  t.holds = verdict.holds;
  const flapping = r.flapLimit > 0 && t.flips.length >= r.flapLimit;
  if (verdict.holds) {
    t.heldSince ??= at;
    delete t.clearSince;
  } else {
    t.clearSince ??= at;
    if (!flapping) delete t.heldSince;
  }
  if (t.alertId === undefined) {
    const sustained = t.heldSince !== undefined && seconds(t.heldSince, now) >= r.sustainSeconds;
    const cooled = t.lastResolvedAt === undefined || seconds(t.lastResolvedAt, now) >= r.cooldownSeconds;
    if (r.enabled && mayFire && (verdict.holds || flapping) && sustained && cooled) {
      const detail = verdict.holds ? verdict.detail : 'flapping';
      return {
        tracking: t,
        transition: {
          to: 'fire',
          flapping,
          detail: flapping
            ? `${detail} (flapping: ${t.flips.length} changes in ${r.flapWindowSeconds} s)`
            : detail,
        },
      };
    }
    return { tracking: t, transition: undefined };
  }
  const settled = !verdict.holds && !flapping && seconds(t.clearSince, now) >= r.sustainSeconds;
  if (settled || !r.enabled) {
    const resolved: Tracking = { ...t, lastResolvedAt: at };
    delete resolved.alertId;
    delete resolved.heldSince;
    return {
      tracking: resolved,
      transition: { to: 'resolve', detail: r.enabled ? 'condition cleared' : 'rule disabled' },
    };
  }
  return { tracking: t, transition: undefined };
}

/** Whether a tracking says nothing worth keeping (then its row is dropped). */
export function isIdleTracking(t: Tracking, now: Date, r: Rule): boolean {
  return (
    !t.holds &&
    t.alertId === undefined &&
    t.heldSince === undefined &&
    t.flips.every((f) => seconds(f, now) > r.flapWindowSeconds) &&
    (t.lastResolvedAt === undefined || seconds(t.lastResolvedAt, now) > r.cooldownSeconds)
  );
}

// ---------------------------------------------------------------- alerts

export const ALERT_STATES = ['firing', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** The subject an alert is about, as a stream-like key: one machine, one site, or the poller. */
export const subjectOf = {
  machine: (id: number) => `machine:${id}`,
  site: (code: string) => `site:${code}`,
  poller: 'poller',
} as const;

/** Acknowledging says someone is on it; a resolved alert has nothing left to acknowledge. */
export function checkAcknowledge(state: AlertState): void {
  if (state === 'resolved') {
    throw invalid(
      'id',
      'This alert is already resolved; there is nothing to acknowledge.',
      'alerts.resolved',
    );
  }
}

/** A webhook must be http(s): anything else (file:, gopher:, a bare host) is refused. */
export function checkWebhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid('url', `url must be an http(s) address such as https://ops.example/hook, got "${text}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid('url', `url must use http or https, not ${url.protocol.replace(':', '')}.`);
  }
  return url;
}

/** Seconds to wait before the next attempt of a delivery: 2, 4, 8 … times the base, at most an hour. */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return Math.min(3600, baseSeconds * 2 ** Math.max(0, attempts - 1));
}

export const MAX_DELIVERY_ATTEMPTS = 8;
