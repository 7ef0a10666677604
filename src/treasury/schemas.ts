import { z } from 'zod';
import { zAmount, zCode, zFlag, zQuarter, zText, zWhole } from '../kernel/fields.js';
import { isoDay } from '../market/schemas.js';
import { CASH_CATEGORIES, CASH_DIRECTIONS } from './cash-model.js';
import { CURRENCIES, MOVEMENT_SOURCES } from './model.js';

export const AccountCode = zCode(
  /^[a-z0-9][a-z0-9_-]{0,39}$/,
  'must be a short lower-case code such as btc-cold',
).describe('Account code, e.g. btc or usd');

/** BTC as text ("1.25") or a number; parsed exactly to sats by the service (parseBtc). */
const btcAmount = zAmount.describe('Amount of BTC, up to 8 decimals, e.g. "1.25"');
const usdAmount = zAmount.describe('Amount of USD, e.g. "46306.45" or "$46,306.45"');

export const NewAccount = z
  .object({
    code: AccountCode,
    name: zText.trim().min(1).max(120).describe('What the account is for'),
    currency: z.enum(CURRENCIES).describe('BTC (kept in sats) or USD (kept in cents)'),
  })
  .strict();

export const OnQuery = z.object({ on: isoDay.describe('UTC day; balances at its end') }).strict();

export const MovementQuery = z
  .object({
    from: isoDay.optional(),
    to: isoDay.optional(),
    account: AccountCode.optional(),
    source: z.enum(MOVEMENT_SOURCES).optional().describe('payout | sale | transfer'),
    flagged: zFlag.optional().describe('true: only sales made against the hold policy'),
    limit: zWhole({ min: 1, max: 100_000 }).default(10_000),
  })
  .strict();

const PayoutItem = z
  .object({
    // Read row by row by parsePayouts, which reports each bad field with the payout's position.
    date: zText.describe('UTC day the pool paid, e.g. 2021-03-01'),
    pool: zText.describe('The pool that paid'),
    btc: btcAmount,
    reference: zText.optional().describe('The payout or transaction id'),
  })
  .strict();

export const PayoutImport = z
  .object({
    csv: zText.min(1, 'must hold the CSV text').optional().describe('CSV text: date,pool,btc[,reference]'),
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
    reason: zText.max(500).optional().describe('Why the hold policy is overridden'),
  })
  .strict();

export const Transfer = z
  .object({
    day: isoDay,
    fromAccount: AccountCode,
    toAccount: AccountCode,
    amount: zAmount.describe('In the accounts\' currency: BTC (e.g. "0.5") or USD'),
    reference: zText.trim().max(120).optional(),
  })
  .strict();

export const Cash = z
  .object({
    day: isoDay.describe('UTC day the cash moved'),
    category: z.enum(CASH_CATEGORIES).describe(CASH_CATEGORIES.join(' | ')),
    direction: z.enum(CASH_DIRECTIONS).describe('in: received; out: paid'),
    amount: usdAmount.describe('USD, more than 0, e.g. "2500000.00"'),
    account: AccountCode.default('usd').describe('The USD account it moved through'),
    note: zText.trim().max(120).optional().describe('What it was, e.g. an invoice number'),
  })
  .strict();

export const CashRollQuery = z
  .object({ from: isoDay.describe('First day'), to: isoDay.describe('Last day, within the books') })
  .strict();

export const DepreciationQuery = z
  .object({
    on: isoDay.describe('Accumulated to the end of this day'),
    from: isoDay
      .optional()
      .describe("First day of the period charged; default the first day of on's quarter"),
  })
  .strict();

export const MachineLife = z
  .object({
    effectiveFrom: isoDay.describe(
      'The first day the life applies to: figures as of earlier days keep the life before it',
    ),
    lifeMonths: zWhole({ min: 1, max: 240 }).describe(
      'Straight-line over this many months from installation',
    ),
    reason: zText.trim().min(1, 'must say why').max(500).describe('Why the life changes (audited)'),
  })
  .strict();

export const MachineLifeQuery = z
  .object({ on: isoDay.optional().describe('The life in force at the end of this day; today by default') })
  .strict();

export const QuarterParam = z.object({ quarter: zQuarter.describe('e.g. 2021Q4') }).strict();

export type NewAccountInput = z.output<typeof NewAccount>;
export type MovementQueryInput = z.output<typeof MovementQuery>;
export type PayoutImportInput = z.output<typeof PayoutImport>;
export type SaleInput = z.output<typeof Sale>;
export type TransferInput = z.output<typeof Transfer>;
export type CashInput = z.output<typeof Cash>;
export type DepreciationQueryInput = z.output<typeof DepreciationQuery>;
export type MachineLifeInput = z.output<typeof MachineLife>;
