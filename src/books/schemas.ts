import { z } from 'zod';
import { zText } from '../kernel/fields.js';

const period = zText
  .trim()
  .regex(/^\d{4}(-\d{2}|Q[1-4])$/, 'must be a month (2020-12) or a quarter (2020Q4)')
  .describe('A month, 2020-12, or a quarter, 2020Q4');

export const PeriodParams = z.object({ period }).strict();
export const CloseBody = z
  .object({ note: zText.trim().max(500).optional().describe('What was reported, or why closed now') })
  .strict();
export const ReopenBody = z
  .object({ reason: zText.trim().min(1, 'must say why the period is reopened').max(500) })
  .strict();
