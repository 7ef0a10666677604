/** What the market's routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { zCents, zDayText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { MarketDay } from './model.js';
import type { ImportResult, MarketView as MarketViewType } from './service.js';

export const MarketDayReply = z.object({
  day: zDayText,
  btcUsd: zCents.describe('Price of one BTC in cents'),
  difficulty: z.number().describe('Network difficulty (mean of the day’s blocks)'),
  feesPerBlockSats: zSats.describe('Average transaction fees per block, in sats'),
  spotUsdPerTh: zCents.optional().describe('What a new machine sells for per TH/s, in cents, when known'),
});

/** A market day with the figures derived from it. */
export const MarketView = MarketDayReply.extend({
  networkHashrateThs: z.number(),
  blockSubsidySats: zSats,
  expectedBtcPerThPerDay: z.number(),
  hashpriceUsdPerThDay: z.number().describe('USD earned per TH/s per day'),
});
export const MarketViews = z.array(MarketView);

export const MarketCoverage = z.object({
  first: zDayText.nullable(),
  last: zDayText.nullable(),
  days: z.number().int(),
});

export const MarketImported = z.object({
  imported: z.number().int().describe('Days imported'),
  first: zDayText.nullable(),
  last: zDayText.nullable(),
});

type _DayAgrees = Agrees<Same<z.output<typeof MarketDayReply>, MarketDay>>;
type _ViewAgrees = Agrees<Same<z.output<typeof MarketView>, MarketViewType>>;
type _ImportAgrees = Agrees<Same<z.output<typeof MarketImported>, ImportResult>>;
