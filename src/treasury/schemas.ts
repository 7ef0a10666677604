import { z } from 'zod';
import { isoDay } from '../market/schemas.js';
import { CURRENCIES, MOVEMENT_SOURCES } from './model.js';

export const AccountCode = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be a short lower-case code such as btc-cold')
  .describe('Account code, e.g. btc or usd');

/** BTC as text ("1.25") or a number; parsed exactly to sats by the service (parseBtc). */
const btcAmount = z.union([z.string(), z.number()]).describe('Amount of BTC, up to 8 decimals, e.g. "1.25"');
const usdAmount = z
  .union([z.string(), z.number()])
  .describe('Amount of USD, e.g. "46306.45" or "$46,306.45"');

export const NewAccount = z
  .object({
    code: AccountCode,
    name: z.string().trim().min(1).max(120).describe('What the account is for'),
    currency: z.enum(CURRENCIES).describe('BTC (kept in sats) or USD (kept in cents)'),
  })
  .strict();

export const OnQuery = z.object({ on: isoDay.describe('UTC day; balances at its end') }).strict();

const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((v) => v === true || v === 'true');

export const MovementQuery = z
  .object({
    from: isoDay.optional(),
    to: isoDay.optional(),
    account: AccountCode.optional(),
    source: z.enum(MOVEMENT_SOURCES).optional().describe('payout | sale | transfer'),
    flagged: booleanText.optional().describe('true: only sales made against the hold policy'),
    limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
  })
  .strict();

const PayoutItem = z
  .object({
    date: z.string().describe('UTC day the pool paid, e.g. 2021-03-01'),
    pool: z.string().describe('The pool that paid'),
    btc: btcAmount,
    reference: z.string().optional().describe('The payout or transaction id'),
  })
  .strict();

export const PayoutImport = z
  .object({
    csv: z
      .string()
      .min(1, 'must hold the CSV text')
      .optional()
      .describe('CSV text: date,pool,btc[,reference]'),
    payouts: z.array(PayoutItem).min(1, 'must hold at least one payout').optional(),
    account: AccountCode.default('btc').describe('The BTC account the payouts land in'),
  })
  .strict()
  .refine((b) => (b.csv === undefined) !== (b.payouts === undefined), {
    message: 'give the payouts either as csv text or as a payouts array, not both',
    path: ['csv'],
  });

export const Sale = z
  .object({
    day: isoDay.describe('UTC day of the sale'),
    btc: btcAmount,
    usd: usdAmount.optional().describe('Proceeds; default: the BTC price of the day (market) × BTC sold'),
    fromAccount: AccountCode.default('btc'),
    toAccount: AccountCode.default('usd'),
    override: z.boolean().default(false).describe('Overrides the hold policy; admins only, with a reason'),
    reason: z.string().max(500).optional().describe('Why the hold policy is overridden'),
  })
  .strict();

export const Transfer = z
  .object({
    day: isoDay,
    fromAccount: AccountCode,
    toAccount: AccountCode,
    amount: z.union([z.string(), z.number()]).describe('In the accounts\' currency: BTC (e.g. "0.5") or USD'),
    reference: z.string().trim().max(120).optional(),
  })
  .strict();

export type NewAccountInput = z.output<typeof NewAccount>;
export type MovementQueryInput = z.output<typeof MovementQuery>;
export type PayoutImportInput = z.output<typeof PayoutImport>;
export type SaleInput = z.output<typeof Sale>;
export type TransferInput = z.output<typeof Transfer>;
