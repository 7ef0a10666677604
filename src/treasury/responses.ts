/** What the treasury's routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { bigintAsText, zCents, zDayText, zInstant, zQuarterText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import { CURRENCIES, MOVEMENT_SOURCES } from './model.js';
import type { Balances as BalancesType, PayoutImportResult, SaleResult, transfer } from './service.js';
import type { Account as AccountType, Movement as MovementType } from './store.js';
import type { TreasuryQuarter as TreasuryQuarterType, TreasuryValuation } from './valuation.js';

/** Sats in a BTC account, cents in a USD one: the account's currency says which. */
const amount = bigintAsText('Integer sats (BTC account) or cents (USD account), as a decimal string');

export const Account = z.object({ code: z.string(), name: z.string(), currency: z.enum(CURRENCIES) });
export const Accounts = z.array(Account);

export const Balances = z.object({
  on: zDayText,
  accounts: z.array(
    Account.extend({ balance: amount, shown: z.string().describe('The balance, formatted') }),
  ),
  btcSats: zSats,
  usdCents: zCents,
});

export const Movement = z.object({
  id: z.number(),
  day: zDayText,
  account: z.string(),
  amount: amount.describe('Signed: negative leaves the account'),
  source: z.enum(MOVEMENT_SOURCES),
  pool: z.string().optional(),
  reference: z.string().optional(),
  counterAccount: z.string().optional(),
  btcUsd: zCents.optional().describe('The BTC price a sale was made at, in cents'),
  flagged: z.boolean().optional(),
  reason: z.string().optional(),
  currency: z.enum(CURRENCIES),
  eventId: bigintAsText('The ledger event that recorded it'),
  actor: z.string(),
  recordedAt: zInstant,
});
export const Movements = z.array(Movement);

export const PayoutsImported = z.object({
  account: z.string(),
  imported: z.number(),
  first: zDayText.nullable(),
  last: zDayText.nullable(),
  totalSats: zSats,
});

export const Sold = z.object({
  day: zDayText,
  soldSats: zSats,
  proceedsCents: zCents,
  btcUsd: zCents,
  flagged: z.literal(true),
  reason: z.string(),
  movements: z.array(z.number()).describe('The two movements: out of BTC, into USD'),
});

export const Transferred = z.object({
  day: zDayText,
  currency: z.enum(CURRENCIES),
  amount,
  movements: z.array(z.number()),
});

export const Valuation = z.object({
  heldSats: zSats,
  btcUsd: zCents,
  valueCents: zCents,
  costBasisCents: zCents.describe('What the BTC held cost to mine (energy), at the average cost'),
  unrealisedGainCents: zCents,
  on: zDayText,
  marketDay: zDayText.describe('The market day whose price values the BTC'),
  usdCents: zCents,
  minedSats: zSats,
  miningCostCents: zCents,
  miningCostSince: zDayText.nullable(),
});

const sourced = <T extends z.ZodType>(value: T) =>
  z.object({ value, source: z.string().describe('The API path listing the records behind it') });

export const TreasuryQuarter = z.object({
  quarter: zQuarterText,
  end: zDayText,
  btcHeldSats: sourced(zSats),
  usdCents: sourced(zCents),
  valueCents: sourced(zCents.nullable()).extend({
    btcUsd: zCents.nullable(),
    marketDay: zDayText.nullable(),
  }),
  unrealisedGainCents: sourced(zCents.nullable()).extend({ costBasisCents: zCents.nullable() }),
  minedInQuarterSats: sourced(zSats),
  flaggedSales: sourced(
    z.array(
      z.object({
        day: zDayText,
        soldSats: zSats,
        proceedsCents: zCents,
        btcUsd: zCents,
        reason: z.string(),
        actor: z.string(),
      }),
    ),
  ),
});

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof Account>, AccountType>>,
  Agrees<Same<Out<typeof Balances>, BalancesType>>,
  Agrees<Same<Out<typeof Movement>, MovementType>>,
  Agrees<Same<Out<typeof PayoutsImported>, PayoutImportResult>>,
  Agrees<Same<Out<typeof Sold>, SaleResult>>,
  Agrees<Same<Out<typeof Transferred>, Awaited<ReturnType<typeof transfer>>>>,
  Agrees<Same<Out<typeof Valuation>, TreasuryValuation>>,
  Agrees<Same<Out<typeof TreasuryQuarter>, TreasuryQuarterType>>,
];
