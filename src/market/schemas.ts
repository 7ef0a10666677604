import { z } from 'zod';

export const isoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2021-01-15')
  .refine(
    (d) =>
      !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    'is not a real calendar day',
  );

export const DayParam = z.object({ day: isoDay.describe('UTC day') });
export const RangeQuery = z.object({ from: isoDay, to: isoDay }).strict();
export const ImportBody = z
  .object({
    csv: z
      .string()
      .min(1, 'must hold the CSV text')
      .describe('date,btc_usd,difficulty,fees_per_block_btc[,spot_usd_per_th]'),
    source: z.string().trim().min(1).max(200).default('upload').describe('Where the figures come from'),
  })
  .strict();
