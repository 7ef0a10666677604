import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { ALERTS_ACCESS } from './access.js';
import {
  AlertPage,
  AlertView,
  EvaluationReply,
  NewWebhook,
  RuleList,
  RuleView,
  WebhookList,
  WebhookView,
} from './responses.js';
import {
  AcknowledgeBody,
  AlertId,
  AlertQuery,
  RuleChange,
  RuleKindParam,
  WebhookBody,
  WebhookId,
} from './schemas.js';
import {
  acknowledge,
  addWebhook,
  changeRule,
  evaluateLatest,
  getAlert,
  listAlerts,
  listRules,
  listWebhooks,
  removeWebhook,
} from './service.js';

const tags = ['alerts'];

export function registerAlertsRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/alerts',
    {
      config: { role: ALERTS_ACCESS.read },
      schema: {
        tags,
        summary: 'Alerts, newest first (state, machine, site, rule; cursor, limit)',
        querystring: AlertQuery,
        response: { 200: AlertPage },
      },
    },
    async (req) => listAlerts(ctx, req.query),
  );
  app.get(
    '/api/alerts/:id',
    {
      config: { role: ALERTS_ACCESS.read },
      schema: {
        tags,
        summary: 'One alert with who acknowledged and resolved it, and when',
        params: AlertId,
        response: { 200: AlertView },
      },
    },
    async (req) => getAlert(ctx, req.params.id),
  );
  app.post(
    '/api/alerts/:id/acknowledgement',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: {
        tags,
        summary: 'Acknowledge an alert: someone is on it',
        params: AlertId,
        body: AcknowledgeBody.optional(),
        response: { 200: AlertView },
      },
    },
    async (req) => acknowledge(ctx, req.actor, req.params.id, req.body ?? {}, req.idempotencyKey),
  );
  app.get(
    '/api/alerts/rules',
    {
      config: { role: ALERTS_ACCESS.read },
      schema: {
        tags,
        summary: 'Every rule with its threshold, sustain, cool-down and flap settings',
        response: { 200: RuleList },
      },
    },
    async () => listRules(ctx),
  );
  app.put(
    '/api/alerts/rules/:kind',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: {
        tags,
        summary: 'Change a rule (fields not given keep their value)',
        params: RuleKindParam,
        body: RuleChange,
        response: { 200: RuleView },
      },
    },
    async (req) => changeRule(ctx, req.actor, req.params.kind, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/alerts/webhooks',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: { tags, summary: 'Where alerts are delivered', response: { 200: WebhookList } },
    },
    async () => listWebhooks(ctx),
  );
  app.post(
    '/api/alerts/webhooks',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: {
        tags,
        summary: 'Deliver alerts to an http(s) address, signed with HMAC-SHA256',
        body: WebhookBody,
        response: { 201: NewWebhook },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return addWebhook(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.delete(
    '/api/alerts/webhooks/:id',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: {
        tags,
        summary: 'Stop delivering to a webhook',
        params: WebhookId,
        response: { 200: WebhookView },
      },
    },
    async (req) => removeWebhook(ctx, req.actor, req.params.id),
  );
  app.post(
    '/api/alerts/evaluations',
    {
      config: { role: ALERTS_ACCESS.operate },
      schema: {
        tags,
        summary: 'Evaluate the rules on the latest sweep now and send what is due',
        response: { 201: EvaluationReply },
      },
    },
    async (_req, reply) => {
      reply.code(201);
      return evaluateLatest(ctx);
    },
  );
}
