/** What the treasury's routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { bigintAsText, zCents, zDayText, zInstant, zQuarterText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type {
  CashPeriod as CashPeriodType,
  CashPosition as CashPositionType,
  CashRecorded as CashRecordedType,
} from './cash.js';
import { CASH_CATEGORIES, CASH_FLOWS } from './cash-model.js';
import type { FleetDepreciation as FleetDepreciationType } from './depreciation.js';
import type { MachineLifePolicy as MachineLifePolicyType } from './machine-life.js';
import { CURRENCIES, MOVEMENT_SOURCES } from './model.js';
import type { Balances as BalancesType, PayoutImportResult, SaleResult, transfer } from './service.js';
import type {
  Account as AccountType,
  MachineLifeSetting as MachineLifeSettingType,
  Movement as MovementType,
} from './store.js';
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
  usdCents: zCents.describe(
    "The company's USD cash: every USD account, the operating one with customers' cash and energy",
  ),
  operating: z
    .object({
      receivedCents: zCents.describe('Customers paid, up to the day'),
      refundedCents: zCents.describe('Paid back to customers (refunds, cancellations), up to the day'),
      energyCents: zCents.describe("The sites' energy, up to the day"),
      account: z.string().describe('The account that holds them'),
    })
    .describe('Cash the operating account holds beside its recorded movements'),
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
  category: z.enum(CASH_CATEGORIES).optional().describe('Recorded cash: what it was for'),
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

export const CashRecorded = z.object({
  id: z.number().describe('The movement recorded'),
  day: zDayText,
  account: z.string(),
  category: z.enum(CASH_CATEGORIES),
  amountCents: zCents.describe('Signed: negative left the account'),
  note: z.string().nullable(),
});

const cashLine = z.object({
  flow: z.enum(CASH_FLOWS).describe('What moved it; recorded cash shows as cash:<category>'),
  cents: zCents.describe('Signed: what it added to or took from the USD cash'),
  source: z.string().describe('The API path listing the records behind it'),
});

export const CashPosition = z.object({
  on: zDayText,
  usdCents: zCents.describe("The company's USD cash at the end of the day"),
  lines: z.array(cashLine),
});

export const CashPeriod = z.object({
  from: zDayText,
  to: zDayText,
  openingCents: zCents.describe('At the end of the day before from'),
  lines: z.array(cashLine),
  closingCents: zCents.describe('Opening plus every line'),
});

const depreciationFigures = {
  machines: z.number().describe('Installed by the end of on'),
  uncostedMachines: z
    .number()
    .describe('Installed, but no build of their model up to their month has a cost'),
  grossCostCents: zCents,
  periodCents: zCents.describe('Charged from from to on'),
  accumulatedCents: zCents.describe('Charged from installation to the end of on'),
};

export const FleetDepreciation = z.object({
  from: zDayText,
  on: zDayText,
  lifeMonths: z
    .number()
    .describe(
      'The life in force at the end of on, in months (see /api/treasury/machine-life); each earlier day was charged at the life in force that day, a change spreading what was left over the days the new life leaves',
    ),
  lifeDays: z.number().describe('The life in days (a month is 365.25/12 days)'),
  ...depreciationFigures,
  netBookValueCents: zCents,
  byModel: z.array(z.object({ productId: z.string(), ...depreciationFigures })),
  costPerBtc: z.object({
    minedSats: zSats,
    energyCents: zCents,
    depreciationCents: zCents,
    energyPerBtcCents: zCents.nullable(),
    withDepreciationPerBtcCents: zCents.nullable(),
  }),
  source: z.object({
    machines: z.string(),
    builds: z.string(),
    mined: z.string(),
    energy: z.string(),
    life: z.string(),
  }),
});

export const MachineLifeSetting = z.object({
  effectiveFrom: zDayText,
  lifeMonths: z.number(),
  reason: z.string(),
  eventId: bigintAsText('The ledger event that set it'),
  actor: z.string(),
  recordedAt: zInstant,
});

export const MachineLifePolicy = z.object({
  defaultMonths: z
    .number()
    .describe('The life before the first setting: the configuration (HASHFORGE_MACHINE_LIFE_MONTHS)'),
  on: zDayText,
  lifeMonths: z.number().describe('The life in force at the end of on'),
  settings: z.array(MachineLifeSetting).describe('Every setting, earliest effective first'),
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
  Agrees<Same<Out<typeof CashRecorded>, CashRecordedType>>,
  Agrees<Same<Out<typeof CashPosition>, CashPositionType>>,
  Agrees<Same<Out<typeof CashPeriod>, CashPeriodType>>,
  Agrees<Same<Out<typeof FleetDepreciation>, FleetDepreciationType>>,
  Agrees<Same<Out<typeof MachineLifeSetting>, MachineLifeSettingType>>,
  Agrees<Same<Out<typeof MachineLifePolicy>, MachineLifePolicyType>>,
];
