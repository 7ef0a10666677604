/** What the books' routes answer. */
import { z } from 'zod';
import { zDayText, zInstant } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { PeriodView as PeriodViewType } from './service.js';

export const PeriodView = z.object({
  period: z.string().describe('2020-12 or 2020Q4'),
  firstDay: zDayText,
  lastDay: zDayText,
  closed: z.boolean().describe('Writes dated inside a closed period are refused'),
  changedAt: zInstant,
  changedBy: z.string(),
  note: z.string().nullable().describe('The note given when closing, or the reason for reopening'),
});
export const PeriodViews = z.array(PeriodView);

type _Agree = Agrees<Same<z.output<typeof PeriodView>, PeriodViewType>>;
