/** What the alerts' routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { zInstant } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import { ALERT_STATES, RULE_KINDS } from './model.js';
import type {
  DeliveryReport,
  EvaluationReport,
  evaluateLatest,
  listAlerts,
  listRules,
  RuleView as RuleViewType,
  WebhookView as WebhookViewType,
} from './service.js';
import type { AlertView as AlertViewType } from './store.js';

export const AlertView = z.object({
  id: z.number(),
  rule: z.enum(RULE_KINDS),
  subject: z.string().describe('machine:<id>, site:<code> or poller'),
  machineId: z.number().nullable(),
  serial: z.string().nullable(),
  site: z.string().nullable(),
  state: z.enum(ALERT_STATES),
  summary: z.string(),
  flapping: z.boolean().describe('Raised for a condition that kept changing (one alert for all its changes)'),
  firedAt: zInstant,
  acknowledgedAt: zInstant.nullable(),
  acknowledgedBy: z.string().nullable(),
  acknowledgedNote: z.string().nullable(),
  resolvedAt: zInstant.nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.string().nullable(),
  ticketId: z
    .number()
    .nullable()
    .describe('The service ticket that took this alert up (GET /api/service/tickets/{id})'),
});

export const AlertPage = z.object({ alerts: z.array(AlertView), nextCursor: z.number().nullable() });

export const RuleView = z.object({
  kind: z.enum(RULE_KINDS),
  enabled: z.boolean(),
  threshold: z.number(),
  sustainSeconds: z.number(),
  cooldownSeconds: z.number(),
  flapLimit: z.number(),
  flapWindowSeconds: z.number(),
  meaning: z.string().describe('What the threshold means for this rule'),
});
export const RuleList = z.array(RuleView);

export const WebhookView = z.object({
  id: z.number(),
  url: z.string(),
  addedAt: zInstant,
  addedBy: z.string(),
  removedAt: zInstant.nullable(),
});
export const NewWebhook = WebhookView.extend({
  secret: z.string().describe('The HMAC-SHA256 secret of the x-hashforge-signature header, shown this once'),
});
export const WebhookList = z.array(WebhookView);

export const EvaluationReply = z.object({
  evaluation: z.object({
    sweep: z.number().nullable(),
    machines: z.number(),
    fired: z.number(),
    resolved: z.number(),
    evaluated: z.boolean(),
  }),
  deliveries: z.object({
    attempted: z.number(),
    delivered: z.number(),
    failed: z.number(),
    gaveUp: z.number(),
  }),
  tickets: z
    .object({ opened: z.number(), added: z.number() })
    .nullable()
    .describe("Service tickets the sweep's faults opened or added to (null when no sweep was evaluated)"),
});

type Out<T extends z.ZodType> = z.output<T>;
type Reply<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type _Agree = [
  Agrees<Same<Out<typeof AlertView>, AlertViewType>>,
  Agrees<Same<Out<typeof AlertPage>, Reply<typeof listAlerts>>>,
  Agrees<Same<Out<typeof RuleView>, RuleViewType>>,
  Agrees<Same<Out<typeof RuleList>, Reply<typeof listRules>>>,
  Agrees<Same<Out<typeof WebhookView>, WebhookViewType>>,
  Agrees<Same<Out<typeof EvaluationReply>['evaluation'], EvaluationReport>>,
  Agrees<Same<Out<typeof EvaluationReply>['deliveries'], DeliveryReport>>,
  Agrees<Same<Out<typeof EvaluationReply>, Reply<typeof evaluateLatest>>>,
];
