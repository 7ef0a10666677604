/**
 * What the sales routes answer about customers and contracts, beside the request schemas in
 * schemas.ts; the period figures are in responses-figures.ts. The types stay the model's plain
 * interfaces (model code does not import zod); the checks at the end keep the two the same.
 */
import { z } from 'zod';
import {
  bigintAsText,
  zCents,
  zDayText,
  zInstant,
  zMonthText,
  zQuarterText,
} from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { PaymentWithAdjustments } from './adjustments.js';
import type { ContractView as ContractViewType, EventResult } from './contracts.js';
import { CONTRACT_KINDS, type Customer as CustomerType, REGIONS } from './model.js';
import type { ContractFigures as ContractFiguresType } from './model-events.js';
import type { ContractDetail as ContractDetailType, OpenTranche as OpenTrancheType } from './service.js';
import type { ContractSummary as ContractSummaryType, selectEntries } from './store-reads.js';

const eventId = bigintAsText('The ledger event, as a decimal string');

export const Customer = z.object({
  id: z.number(),
  name: z.string(),
  country: z.string().describe('ISO 3166-1 alpha-2'),
  region: z.enum(REGIONS),
});
export const Customers = z.array(Customer);

const ContractSummary = z.object({
  id: z.number(),
  customerId: z.number(),
  customer: z.string(),
  kind: z.string(),
  signedOn: zDayText,
  status: z.string(),
  units: z.number(),
  th: z.number(),
  valueCents: zCents,
  paidCents: zCents,
  revenueCents: zCents,
  deliveredUnits: z.number(),
  backlogUnits: z.number(),
  backlogCents: zCents,
  cancelledValueCents: zCents,
  forfeitedDepositCents: zCents,
  liabilityCents: zCents,
  receivableCents: zCents,
});
export const ContractPage = z.object({
  total: z.number().describe('Contracts matching the filter, on every page'),
  contracts: z.array(ContractSummary),
});

export const ContractFigures = z.object({
  valueCents: zCents,
  depositCents: zCents,
  paidCents: zCents,
  refundedCents: zCents,
  netPaidCents: zCents,
  units: z.number(),
  th: z.number(),
  deliveredUnits: z.number(),
  deliveredTh: z.number(),
  revenueCents: zCents,
  cancelledUnits: z.number(),
  cancelledTh: z.number(),
  cancelledValueCents: zCents,
  backlogUnits: z.number(),
  backlogTh: z.number(),
  backlogCents: zCents,
  forfeitedDepositCents: zCents,
  liabilityCents: zCents.describe('Prepaid and not yet earned (nor forfeited), in cents'),
  receivableCents: zCents.describe('Earned and not yet paid, in cents'),
  owedCents: zCents.describe('What the customer may still pay, in cents'),
  status: z.enum(['signed', 'delivering', 'delivered', 'cancelled']),
});

const Terms = z.object({
  depositPercent: z.number(),
  balance: z.discriminatedUnion('due', [
    z.object({ due: z.literal('before-shipment') }),
    z.object({ due: z.literal('on-delivery'), creditDays: z.number() }),
  ]),
  depositForfeitedOnCancel: z.boolean(),
});

const Price = z.discriminatedUnion('per', [
  z.object({ per: z.literal('th'), centsPerTh: zCents }),
  z.object({ per: z.literal('unit'), centsPerUnit: zCents }),
]);

/** A contract as the API shows it: its terms, lines with their tranches, and its figures. */
export const ContractView = z.object({
  id: z.number(),
  customer: Customer,
  kind: z.enum(CONTRACT_KINDS),
  signedOn: zDayText,
  reference: z.string().nullable(),
  terms: Terms,
  spotCentsPerTh: zCents.nullable(),
  lockedToSpot: z.number().nullable().describe('Locked ÷ spot USD/TH on the signing day (futures machines)'),
  lines: z.array(
    z.object({
      lineId: z.number(),
      productId: z.string(),
      productKind: z.enum(['machine', 'ai-chip']),
      family: z.string(),
      units: z.number(),
      thsPerUnit: z.number().nullable(),
      price: Price,
      valueCents: zCents,
      deliveredUnits: z.number(),
      cancelledUnits: z.number(),
      openUnits: z.number(),
      revenueCents: zCents,
      tranches: z.array(
        z.object({
          tranche: z.number(),
          month: zMonthText,
          units: z.number(),
          delivered: z.number(),
          cancelled: z.number(),
          open: z.number(),
        }),
      ),
    }),
  ),
  figures: ContractFigures,
});

const note = z.string().nullish();
const ContractEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('payment-received'), day: zDayText, amountCents: zCents, reference: note }),
  z.object({ type: z.literal('refund'), day: zDayText, amountCents: zCents, reason: note }),
  z.object({
    type: z.literal('delivery'),
    day: zDayText,
    lines: z.array(z.object({ lineId: z.number(), units: z.number() })),
  }),
  z.object({
    type: z.literal('cancellation'),
    day: zDayText,
    reason: note,
    parts: z
      .union([
        z.literal('remainder'),
        z.array(
          z.object({
            lineId: z.number().optional(),
            tranche: z.number().optional(),
            units: z.number().optional(),
          }),
        ),
      ])
      .optional()
      .describe('What was cancelled; absent on cancellations recorded before parts existed'),
  }),
  z.object({
    type: z.literal('reschedule'),
    day: zDayText,
    moves: z.array(
      z.object({ lineId: z.number(), tranche: z.number(), month: zMonthText, units: z.number().optional() }),
    ),
    reason: note,
  }),
  z.object({
    type: z.literal('payment-adjustment'),
    day: zDayText,
    corrects: z
      .object({
        eventId,
        day: zDayText,
        amountCents: zCents.describe('The payment as it stood before this adjustment'),
      })
      .describe('The payment corrected'),
    amountCents: zCents.describe('Signed: what the payment really was minus what was recorded'),
    reason: z.string(),
  }),
]);

/** What an event did, worked out when it was decided and recorded with it. */
const EventEffect = z.union([
  z.object({ type: z.enum(['payment-received', 'refund']), amountCents: zCents }),
  z.object({
    type: z.literal('delivery'),
    revenueCents: zCents,
    lines: z.array(
      z.object({
        lineId: z.number(),
        units: z.number(),
        th: z.number(),
        revenueCents: zCents,
        tranches: z.array(z.object({ tranche: z.number(), month: zMonthText, units: z.number() })),
      }),
    ),
  }),
  z.object({
    type: z.literal('cancellation'),
    valueCents: zCents,
    forfeitedCents: zCents,
    refundedCents: zCents,
    lines: z.array(
      z.object({
        lineId: z.number(),
        units: z.number(),
        th: z.number(),
        valueCents: zCents,
        tranches: z
          .array(z.object({ tranche: z.number(), month: zMonthText, units: z.number() }))
          .optional()
          .describe('Absent on cancellations recorded before parts existed'),
      }),
    ),
  }),
  z.object({ type: z.literal('payment-adjustment'), amountCents: zCents, correctsEventId: eventId }),
  z.object({
    type: z.literal('reschedule'),
    moves: z.array(
      z.object({
        lineId: z.number(),
        tranche: z.number(),
        fromMonth: zMonthText,
        toTranche: z.number(),
        toMonth: zMonthText,
        units: z.number(),
      }),
    ),
  }),
]);

/** A contract rebuilt from its events, with the figures after each. */
export const ContractDetail = ContractView.extend({
  history: z.array(
    z.object({
      eventId,
      recordedAt: zInstant,
      actor: z.string(),
      kind: z.string(),
      day: zDayText,
      event: ContractEvent.nullable().describe('Null for the signing'),
      effect: EventEffect.nullable(),
      figuresAfter: ContractFigures,
    }),
  ),
});

/** A recorded contract event: the contract as it now stands, the event, and what it did. */
export const EventRecorded = ContractView.extend({ event: ContractEvent, effect: EventEffect });

export const EntryPage = z.object({
  total: z.number(),
  entries: z.array(
    z.object({
      eventId,
      contractId: z.number(),
      type: z.string(),
      day: zDayText,
      quarter: zQuarterText,
      amountCents: zCents.describe(
        'The payment, refund or adjustment (signed); the revenue of a delivery; the value cancelled or booked',
      ),
      units: z.number(),
      forfeitedCents: zCents.describe('The deposit a cancellation forfeited; 0 for other events'),
      correctsEventId: eventId.nullable().describe('The payment a payment adjustment corrects'),
      after: z.object({ liabilityCents: zCents, receivableCents: zCents, backlogCents: zCents }),
    }),
  ),
});

export const OpenTranches = z.array(
  z.object({
    contractId: z.number(),
    lineId: z.number(),
    tranche: z.number(),
    productId: z.string(),
    month: zMonthText,
    unitsOpen: z.number(),
    kind: z.enum(CONTRACT_KINDS),
    customer: z.string(),
    paidForShipment: z.boolean().describe('Whether it may ship today under the payment terms'),
  }),
);

/** A payment with the adjustments recorded against it. */
export const PaymentAdjustments = z.object({
  eventId,
  contractId: z.number(),
  day: zDayText,
  recordedCents: zCents.describe('As first recorded'),
  amountCents: zCents.describe('As it stands after every adjustment'),
  adjustments: z.array(
    z.object({
      eventId,
      day: zDayText,
      quarter: zQuarterText,
      amountCents: zCents.describe('Signed difference'),
      reason: z.string(),
      recordedAt: zInstant,
      actor: z.string(),
    }),
  ),
});

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof Customer>, CustomerType>>,
  Agrees<Same<Out<typeof ContractSummary>, ContractSummaryType>>,
  Agrees<Same<Out<typeof ContractFigures>, ContractFiguresType>>,
  Agrees<Same<Out<typeof ContractView>, ContractViewType>>,
  Agrees<Same<Out<typeof ContractDetail>, ContractDetailType>>,
  Agrees<Same<Out<typeof EventRecorded>, EventResult>>,
  Agrees<Same<Out<typeof EntryPage>, Awaited<ReturnType<typeof selectEntries>>>>,
  Agrees<Same<Out<typeof OpenTranches>[number], OpenTrancheType>>,
  Agrees<Same<Out<typeof PaymentAdjustments>, PaymentWithAdjustments>>,
];
