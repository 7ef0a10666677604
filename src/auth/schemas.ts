import { z } from 'zod';
import { zId, zText } from '../kernel/fields.js';
import { ROLES } from './roles.js';

export const NewToken = z
  .object({
    name: zText.trim().min(1).max(80).describe('Who or what uses the token, e.g. alice or the-pdf-job'),
    role: z.enum(ROLES).describe('What the token may do'),
    expiresAt: z.iso
      .datetime({ offset: true, message: 'must be an instant like 2027-01-15T00:00:00Z' })
      .optional()
      .describe(
        'When the token stops working (ISO 8601 instant, in the future); none: it lasts until revoked',
      ),
  })
  .strict();

const HOUR_MS = 3_600_000;
const UNIT_MS = { h: HOUR_MS, d: 24 * HOUR_MS, w: 7 * 24 * HOUR_MS } as const;

/**
 * How long a token made at the command line lasts (`--expires-in 30d`): a whole number of hours,
 * days or weeks, at most ten years. In milliseconds.
 */
export const ExpiresIn = zText
  .trim()
  .regex(/^[1-9]\d{0,5}[hdw]$/, 'must be a duration such as 12h, 30d or 52w')
  .transform((text) => Number(text.slice(0, -1)) * UNIT_MS[text.at(-1) as keyof typeof UNIT_MS])
  .refine((ms) => ms <= 3653 * 24 * HOUR_MS, 'must be at most ten years (3653d)');

export const TokenId = zId().describe('Token number');
export const ByTokenId = z.object({ id: TokenId }).strict();
