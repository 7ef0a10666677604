import { z } from 'zod';
import { SITE_CODE } from '../fleet/model.js';
import { INT32_MAX, zCode, zDecimal, zFlag, zId, zText, zWhole } from '../kernel/fields.js';
import { ALERT_STATES, RULE_KINDS } from './model.js';

const cursor = zWhole({
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  tooSmall: 'must be the nextCursor of the previous page',
});

export const AlertQuery = z
  .object({
    state: z
      .enum([...ALERT_STATES, 'open'])
      .optional()
      .describe('firing, acknowledged, resolved, or open (not resolved)'),
    machineId: zId({ tooSmall: 'must be a machine id (1 or more)' }).optional(),
    site: zCode(SITE_CODE, 'must be a site code, e.g. SG1').optional(),
    rule: z.enum(RULE_KINDS).optional(),
    cursor: cursor.optional().describe('The nextCursor of the previous page'),
    limit: zWhole({ min: 1, max: 1000 }).default(100).describe('Alerts per page (1-1000)'),
  })
  .strict();

export const AlertId = z.object({ id: zId({ tooSmall: 'must be an alert id (1 or more)' }) }).strict();
export const AcknowledgeBody = z
  .object({ note: zText.trim().max(500).optional().describe('What is being done about it') })
  .strict();

export const RuleKindParam = z.object({ kind: z.enum(RULE_KINDS).describe('The rule') }).strict();

/** Negative values reach the model's check, which names the field; the schema only checks the form. */
const figure = zDecimal({ max: 1e9 });
const seconds = zWhole({ min: -INT32_MAX, max: 30 * 86_400 });

export const RuleChange = z
  .object({
    enabled: zFlag.optional(),
    threshold: figure.optional().describe('What the condition compares with (see the rule’s meaning)'),
    sustainSeconds: seconds.optional().describe('How long the condition holds before it fires'),
    cooldownSeconds: seconds.optional().describe('After a resolution, how long before it may fire again'),
    flapLimit: zWhole({ min: -1000, max: 1000 })
      .optional()
      .describe('Changes in the window that make it flapping (0: off)'),
    flapWindowSeconds: seconds.optional(),
  })
  .strict();

export const WebhookBody = z
  .object({
    url: zText
      .trim()
      .min(1, 'must be an http(s) address')
      .max(2000)
      .describe('Where to POST alerts (http or https)'),
    secret: zText
      .min(16, 'must be at least 16 characters')
      .max(200)
      .optional()
      .describe('HMAC secret (default: generated)'),
  })
  .strict();

export const WebhookId = z.object({ id: zId({ tooSmall: 'must be a webhook id (1 or more)' }) }).strict();

export type AlertQueryInput = z.output<typeof AlertQuery>;
export type RuleChangeInput = z.output<typeof RuleChange>;
