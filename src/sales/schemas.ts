/**
 * The sales API's inputs, shared by the HTTP routes, the CLI and the bulk import so that all three
 * accept the same things and say the same thing when they don't. Text is turned into calendar
 * values and cents by the kernel's parsers, never here.
 */
import { z } from 'zod';
import { LAST_YEAR } from '../kernel/calendar.js';
import {
  zDay as day,
  zMonth as month,
  zQuarter as quarter,
  zCountry,
  zDecimal,
  zId,
  zPeriod,
  zText,
  zUsd,
  zWhole,
} from '../kernel/fields.js';
import { pageAfter } from '../kernel/paging.js';
import { CONTRACT_KINDS, REGIONS } from './model.js';

export { day, month, quarter };

const quarterOrYear = zPeriod('must be a quarter such as 2020Q4 or a year such as 2020');

const usd = zUsd;

const id = zId();
const units = zWhole({
  min: 1,
  notWhole: 'must be a whole number of units',
  tooSmall: 'must be greater than 0',
});
const note = zText.trim().min(1).max(500);
const productId = zText.trim().min(1).max(40);

export const NewCustomer = z
  .object({
    name: zText.trim().min(1, 'must not be empty').max(200).describe('Company name, unique'),
    country: zCountry,
    region: z.enum(REGIONS).describe('Sales region'),
  })
  .strict();

export const ContractLineInput = z
  .object({
    productId: productId.describe('Catalog product id, e.g. A1246 or K210'),
    units: units.describe('Units sold on this line'),
    usdPerTh: usd.optional().describe('Locked price in USD per TH/s, for mining machines, e.g. "30.00"'),
    usdPerUnit: usd.optional().describe('Price in USD per unit, for AI chips, e.g. "12.50"'),
    tranches: z
      .array(z.object({ month, units }).strict())
      .min(1)
      .optional()
      .describe(
        'Delivery schedule by month; units must add up to the line. Default: all in the signing month',
      ),
  })
  .strict();

export const NewContract = z
  .object({
    customerId: id.describe('The customer signing'),
    kind: z.enum(CONTRACT_KINDS).describe('spot ships from stock, futures deliver in monthly tranches'),
    signedOn: day.describe('Signing day'),
    reference: note.optional().describe("The customer's order reference"),
    terms: z
      .object({
        depositPercent: zDecimal({
          min: 0,
          max: 100,
          places: 4,
          tooSmall: 'must be 0 or more',
          tooBig: 'must be 100 or less',
        }).describe('Deposit due at signing, % of the contract value'),
        balance: z
          .enum(['before-shipment', 'on-delivery'])
          .describe('The rest is paid before each tranche ships, or on delivery with creditDays of credit'),
        creditDays: zWhole({ min: 0, max: 365 }).default(0).describe('Days of credit, for on-delivery'),
        depositForfeitedOnCancel: z
          .boolean()
          .describe('Whether the customer loses the deposit on cancellation'),
      })
      .strict()
      // Credit is a promise to wait for payment after delivery: with payment before shipment it
      // would be silently dropped, so it is refused instead.
      .refine((t) => t.balance === 'on-delivery' || t.creditDays === 0, {
        path: ['creditDays'],
        message: 'applies only when the balance is paid on delivery',
      }),
    lines: z.array(ContractLineInput).min(1, 'a contract needs at least one line'),
  })
  .strict();

export const Payment = z
  .object({
    day: day.describe('Day the money arrived'),
    amountUsd: usd.describe('Amount received in USD, e.g. "810000.00"'),
    reference: note.optional().describe('Bank reference'),
  })
  .strict();

export const Refund = z
  .object({
    day: day.describe('Day the money was paid back'),
    amountUsd: usd.describe('Amount refunded in USD'),
    reason: note.optional(),
  })
  .strict();

export const Delivery = z
  .object({
    day: day.describe('Day the goods shipped'),
    lines: z
      .array(
        z.object({ lineId: id.describe('Contract line'), units: units.describe('Units shipped') }).strict(),
      )
      .min(1, 'a delivery needs at least one line'),
  })
  .strict();

const CancelPart = z
  .object({
    lineId: id.optional().describe('Contract line; may be left out when the contract has one line'),
    tranche: id.optional().describe('Tranche number within the line: cancels its open units'),
    units: units
      .optional()
      .describe(
        'Units to cancel: of the tranche (default all its open units), or of the line, latest tranches first',
      ),
  })
  .strict();

export const Cancellation = z
  .object({
    day: day.describe('Day of the cancellation'),
    reason: note.optional(),
    parts: z
      .union([z.literal('remainder'), z.array(CancelPart).min(1, 'name at least one part to cancel')])
      .optional()
      .describe(
        'What to cancel: tranches or units of lines, or "remainder" (everything still open, the default). The deposit share of the cancelled goods is forfeited when the terms say so; the rest of the prepayment stays a contract liability until refunded',
      ),
  })
  .strict();

export const PaymentAdjustment = z
  .object({
    day: day.describe('Day the correction is recorded, in an open period'),
    amountUsd: usd.describe(
      'Signed difference: what the payment really was minus what was recorded, e.g. "-25000.00"',
    ),
    reason: note.describe('What was wrong'),
  })
  .strict();

/** A payment's ledger event id, in the path. */
export const ByPayment = z.object({ eventId: id.describe('The payment event corrected') }).strict();

export const Reschedule = z
  .object({
    day: day.describe('Day the customer asked'),
    moves: z
      .array(
        z
          .object({
            lineId: id,
            tranche: id.describe('Tranche number within the line'),
            month: month.describe('New delivery month'),
            units: units.optional().describe('How many open units move; all when absent'),
          })
          .strict(),
      )
      .min(1, 'a reschedule needs at least one move'),
    reason: note.optional(),
  })
  .strict();

export const CustomerFilter = z
  .object({
    region: z.enum(REGIONS).optional(),
    country: zText.trim().max(60).toUpperCase().optional(),
  })
  .strict();
export const CustomerPage = CustomerFilter.extend(pageAfter('customers')).strict();

/** The order book's columns a list can be sorted by; `-backlog` sorts the largest first. */
export const CONTRACT_SORTS = [
  'id',
  'customer',
  'kind',
  'signedOn',
  'status',
  'value',
  'delivered',
  'paid',
  'liability',
  'receivable',
  'backlog',
] as const;
export type ContractSort = (typeof CONTRACT_SORTS)[number];

/** The filters without the page: what a whole-list export (CSV) takes. */
export const ContractQuery = z
  .object({
    customerId: id.optional(),
    search: zText
      .trim()
      .max(100)
      .optional()
      .describe("Contracts whose number, customer's name or reference contain this text"),
    kind: z.enum(CONTRACT_KINDS).optional(),
    status: z
      .enum(['signed', 'delivering', 'delivered', 'cancelled', 'open'])
      .optional()
      .describe('open = signed or delivering'),
    productId: productId.optional(),
    family: zText.trim().max(40).optional(),
    productKind: z.enum(['machine', 'ai-chip']).optional(),
    signedIn: quarterOrYear.optional().describe('Signed in this quarter (2020Q4) or year (2020)'),
    deliveredIn: quarterOrYear.optional().describe('With a delivery in this quarter or year'),
    cancelledIn: quarterOrYear.optional().describe('Cancelled in this quarter or year'),
    paidIn: quarterOrYear.optional().describe('With a payment or refund in this quarter or year'),
    liabilityAt: day.optional().describe('Holding prepayments not yet earned at the end of this day'),
    receivableAt: day.optional().describe('Owing for goods delivered at the end of this day'),
    backlogAt: day.optional().describe('With goods still to deliver at the end of this day'),
    asOf: day
      .optional()
      .describe(
        'Each contract’s figures as they stood at the end of this day; by default the day of liabilityAt, receivableAt or backlogAt (the earliest), else today',
      ),
    sort: z
      .enum([...CONTRACT_SORTS, ...CONTRACT_SORTS.map((s) => `-${s}` as const)])
      .optional()
      .describe(
        'By contract number unless asked; the column to sort by, largest or latest first with a leading minus (-signedOn)',
      ),
  })
  .strict();

export const ContractFilter = ContractQuery.extend({
  limit: zWhole({ min: 1, max: 1000 }).default(100),
  offset: zWhole({ min: 0 }).default(0),
}).strict();

export const EntryFilter = z
  .object({
    quarter: quarter.optional(),
    type: z
      .enum([
        'signed',
        'payment-received',
        'refund',
        'delivery',
        'cancellation',
        'reschedule',
        'payment-adjustment',
      ])
      .optional(),
    contractId: id.optional(),
    limit: zWhole({ min: 1, max: 1000 }).default(100),
    offset: zWhole({ min: 0 }).default(0),
  })
  .strict();

/** Path parameters: a contract's number, a quarter, a year. */
export const ById = z.object({ id: id.describe('Contract number') }).strict();
export const QuarterParam = z.object({ quarter }).strict();
export const YearParam = z.object({ year: zWhole({ min: 1970, max: LAST_YEAR }) }).strict();

export const OpportunityQuery = z
  .object({ day: day.optional().describe("Value the open futures at this day's spot price; default today") })
  .strict();

export const OpenTrancheFilter = z
  .object({
    until: month.optional().describe('Only tranches scheduled up to this month'),
    productId: productId.optional(),
    asOf: day
      .optional()
      .describe(
        'The tranches still to deliver at the end of this day, as the order book stood then; today by default',
      ),
  })
  .strict();

export type NewCustomerInput = z.output<typeof NewCustomer>;
export type NewContractInput = z.output<typeof NewContract>;
export type PaymentInput = z.output<typeof Payment>;
export type RefundInput = z.output<typeof Refund>;
export type DeliveryInput = z.output<typeof Delivery>;
export type CancellationInput = z.output<typeof Cancellation>;
export type PaymentAdjustmentInput = z.output<typeof PaymentAdjustment>;
export type RescheduleInput = z.output<typeof Reschedule>;
export type ContractFilterInput = z.output<typeof ContractFilter>;
export type ContractQueryInput = z.output<typeof ContractQuery>;
export type EntryFilterInput = z.output<typeof EntryFilter>;
export type OpenTrancheFilterInput = z.output<typeof OpenTrancheFilter>;
