import { defineProjections, recorder } from '../ledger/events.js';
import type { AlertsEvent } from './events.js';
import {
  acknowledgeAlert,
  insertAlerts,
  insertWebhook,
  removeWebhook,
  resolveAlerts,
  upsertRule,
} from './store.js';

/** Writes one of the module's events, its payload checked against its kind. */
export const recordAlerts = recorder<AlertsEvent>();

export const alertsProjections = defineProjections<AlertsEvent>({
  'alerts.rule-changed': async (tx, e) => upsertRule(tx, e.payload, e.recordedAt, e.actor),
  'alerts.evaluated': async (tx, e) => {
    const at = new Date(e.payload.observedAt);
    await insertAlerts(tx, e.payload.fired, at);
    await resolveAlerts(tx, e.payload.resolved, at, e.actor);
  },
  'alerts.acknowledged': async (tx, e) =>
    acknowledgeAlert(tx, e.payload.alertId, e.recordedAt, e.actor, e.payload.note),
  'alerts.webhook-added': async (tx, e) => insertWebhook(tx, e.payload, e.recordedAt, e.actor),
  'alerts.webhook-removed': async (tx, e) => removeWebhook(tx, e.payload.webhookId, e.recordedAt, e.actor),
});
