/** The finance section of the report as JSON (see books-model.ts), kept the same type as the model. */
import { z } from 'zod';
import { zCents, zDayText, zQuarterText } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { BooksSection as BooksSectionType } from './books-model.js';

const source = z.string().describe('The API path listing the records behind the figure');
const sources = z.array(source);
const amounts = { units: z.number(), th: z.number().describe('TH/s'), valueCents: zCents };
const concentrated = z.array(
  z.object({ customerId: z.number(), customer: z.string(), valueCents: zCents, sharePct: z.number() }),
);

export const BooksSection = z.object({
  day: zDayText,
  rollForward: z
    .object({
      openingCents: zCents,
      cashReceivedCents: zCents.describe('Cash received that went into liabilities'),
      revenueFromOpeningCents: zCents,
      revenueFromQuarterCashCents: zCents,
      refundsCents: zCents,
      forfeitedCents: zCents,
      closingCents: zCents,
      cashToReceivablesCents: zCents.describe('Cash received that settled receivables instead'),
      revenueBilledCents: zCents.describe('Revenue recognised beyond what was prepaid: a receivable'),
      balanceSheetCents: zCents.describe('Contract liabilities at the day, which the closing ties to'),
      ties: z.boolean(),
      forfeitedTo: z.string(),
      source: sources,
    })
    .describe('Opening + cash − revenue − refunds − forfeited = closing'),
  obligations: z.object({
    withinTwelveMonths: z.object({ ...amounts, throughQuarter: zQuarterText }),
    later: z.object(amounts),
    source,
  }),
  depositsAheadOfDelivery: z
    .object({
      contracts: z.number(),
      valueCents: zCents,
      backlogCents: zCents,
      liabilityCents: zCents,
      contractIds: z.array(z.number()),
      source,
    })
    .describe('Open contracts first paid more than twelve months before their last delivery month'),
  cancellations: z.object({
    ...amounts,
    forfeitedCents: zCents,
    contracts: z.array(
      z.object({
        contractId: z.number(),
        customer: z.string(),
        ...amounts,
        forfeitedCents: zCents,
        source,
      }),
    ),
    source,
  }),
  concentration: z.object({
    revenueCents: zCents,
    backlogCents: zCents,
    revenue: concentrated.describe('Customers with 10% or more of the quarter’s revenue'),
    backlog: concentrated.describe('Customers with 10% or more of the backlog'),
    source: sources,
  }),
  receivablesAgeing: z.object({
    bands: z.array(z.object({ band: z.string(), valueCents: zCents, contracts: z.number() })),
    source,
  }),
  backlogAgeing: z.object({
    bands: z.array(
      z.object({ band: z.string(), units: z.number(), valueCents: zCents, contracts: z.number() }),
    ),
    source,
  }),
  bookings: z.object({
    rows: z.array(
      z.object({
        productKind: z.string(),
        contractKind: z.string(),
        ...amounts,
        contracts: z.number(),
      }),
    ),
    source,
  }),
});

type _Agree = Agrees<Same<z.output<typeof BooksSection>, BooksSectionType>>;
