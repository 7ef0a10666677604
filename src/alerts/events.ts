/** The alerts module's ledger events, by kind. Every payload carries the facts themselves. Pure. */
import type { EventOf } from '../ledger/events.js';
import type { Rule, RuleKind } from './model.js';

export interface FiredFact {
  alertId: number;
  rule: RuleKind;
  subject: string;
  machineId?: number;
  site?: string;
  summary: string;
  flapping: boolean;
}
export interface ResolvedFact {
  alertId: number;
  resolution: string;
}
/** One evaluation's transitions: alerts that fired and alerts that resolved, when they were seen. */
export interface AlertsEvaluated {
  /** The sweep evaluated, or null for an evaluation between sweeps (the poller's own rule). */
  sweep: number | null;
  observedAt: string;
  fired: FiredFact[];
  resolved: ResolvedFact[];
}
export interface AlertAcknowledged {
  alertId: number;
  note?: string;
}
export interface WebhookAdded {
  webhookId: number;
  url: string;
  secret: string;
}
export interface WebhookRemoved {
  webhookId: number;
}

export type AlertsEvent =
  | EventOf<'alerts.rule-changed', Rule>
  | EventOf<'alerts.evaluated', AlertsEvaluated>
  | EventOf<'alerts.acknowledged', AlertAcknowledged>
  | EventOf<'alerts.webhook-added', WebhookAdded>
  | EventOf<'alerts.webhook-removed', WebhookRemoved>;

export type { RuleKind };
