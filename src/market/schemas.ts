import { z } from 'zod';
import { zDay, zText } from '../kernel/fields.js';

export const isoDay = zDay;

export const DayParam = z.object({ day: isoDay.describe('UTC day') });
export const RangeQuery = z.object({ from: isoDay, to: isoDay }).strict();
export const ImportBody = z
  .object({
    csv: zText
      .min(1, 'must hold the CSV text')
      .describe('date,btc_usd,difficulty,fees_per_block_btc[,spot_usd_per_th]'),
    source: zText.trim().min(1).max(200).default('upload').describe('Where the figures come from'),
  })
  .strict();
