import { z } from 'zod';
import { monthsBetween } from '../kernel/calendar.js';
import { zCode, zCountry, zDay, zFlag, zId, zMonth, zText, zWhole } from '../kernel/fields.js';
import { pageAfter } from '../kernel/paging.js';
import { REGIONS } from '../sales/model.js';
import { MAX_SEQ, PARTS, STEPS, TICKET_CLASSES, WAIT_REASONS, WARRANTY_STARTS } from './model.js';

const productId = zCode(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be a model code such as A1246').describe(
  'Model code, e.g. A1246',
);
const seq = (what: string) => zWhole({ min: 1, max: MAX_SEQ, tooSmall: 'must be 1 or more' }).describe(what);
const label = zText.trim().min(1).max(60);
export const zSerial = zText.trim().min(3).max(60).describe('Machine serial, e.g. A1246-202101-000123');
const centreId = zCode(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, 'must be a short code such as SG1').describe(
  'Centre code',
);

export const Lot = z
  .object({
    productId,
    month: zMonth.describe('Build month'),
    first: seq('First number of the range'),
    last: seq('Last number of the range'),
    batch: label.describe('Batch name, e.g. A1246-B1'),
    foundryLot: label.describe('Foundry lot the chips came from'),
  })
  .strict();

export const DeliverySerials = z
  .object({
    contractId: zId(),
    productId,
    ranges: z
      .array(z.object({ month: zMonth, first: seq('First number'), last: seq('Last number') }).strict())
      .min(1)
      .max(1000)
      .optional()
      .describe('Serial ranges delivered; without them the oldest built serials not yet delivered'),
    dispatchedOn: zDay.optional().describe('Day the machines left the factory (default: the delivery day)'),
  })
  .strict();

export const MachineLink = z.object({ machineId: zId(), serial: zSerial }).strict();

export const Policy = z
  .object({
    productId,
    batch: label.nullable().default(null).describe('Batch it applies to; null for every batch'),
    termDays: zWhole({ min: 1, max: 3650 }),
    startsAt: z.enum(WARRANTY_STARTS),
    doaDays: zWhole({ min: 0, max: 365 }),
    repairedDays: zWhole({ min: 0, max: 3650 }),
  })
  .strict();

export const WarrantyQuery = z
  .object({
    serials: z.array(zSerial).min(1).max(50_000),
    on: zDay.optional().describe('The day to answer for (default today)'),
  })
  .strict();

const hhmm = zText.regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time HH:MM such as 09:00');

export const Calendar = z
  .object({
    utcOffsetMinutes: zWhole({ min: -720, max: 840 }),
    hours: z
      .array(z.object({ weekday: zWhole({ min: 1, max: 7 }), from: hhmm, to: hhmm }).strict())
      .min(1)
      .max(70),
    holidays: z.array(zDay).max(400).default([]),
  })
  .strict();

export const CentreInput = z
  .object({
    id: centreId,
    name: zText.trim().min(1).max(120),
    region: z.enum(REGIONS),
    country: zCountry,
    technicians: zWhole({ min: 0, max: 10_000 }),
    repairsPerDay: z
      .record(zText.max(40), zWhole({ min: 1, max: 1000 }))
      .default({ '*': 4 })
      .describe('Repairs a technician does a day, per model; * for any other'),
    burnInPositions: zWhole({ min: 0, max: 100_000 }),
    calendar: Calendar,
  })
  .strict();

export const PartsTransfer = z
  .object({
    centreId,
    part: z.enum(PARTS),
    qty: zWhole({ min: 1, max: 1_000_000, tooSmall: 'must be 1 or more (a count of parts)' }),
    fromCentreId: centreId.optional().describe('Centre the parts come from; none for new stock'),
  })
  .strict();

export const NewTicket = z
  .object({
    serial: zSerial,
    ticketClass: z.enum(TICKET_CLASSES).default('board-rma'),
    summary: zText.trim().min(1).max(2000),
    customerId: zId().optional().describe('The customer it is opened for (sales opens on their behalf)'),
  })
  .strict();

const partUse = z
  .object({
    part: z.enum(PARTS),
    qty: zWhole({ min: 1, max: 100, tooSmall: 'must be 1 or more' }),
    removedSerial: zText.trim().min(1).max(60).optional(),
    fittedSerial: zText.trim().min(1).max(60).optional(),
  })
  .strict();

export const TicketStep = z
  .object({
    step: z
      .enum(STEPS)
      .refine((s) => s !== 'requested', { message: 'a ticket is requested when it is opened' }),
    note: zText.trim().max(2000).optional(),
    partsUsed: z.array(partUse).max(20).optional(),
    replacementSerial: zSerial.optional(),
    costCents: zWhole({ min: 0 }).optional().describe('What the repair cost, in US cents'),
  })
  .strict();

export const TicketWait = z
  .object({ reason: z.enum(WAIT_REASONS).nullable().describe('null resumes') })
  .strict();
export const TicketMove = z.object({ centreId, reason: zText.trim().min(1).max(500) }).strict();

export const TicketFilter = z
  .object({
    centreId: centreId.optional(),
    customerId: zId().optional(),
    origin: z.enum(['customer', 'fleet']).optional(),
    open: zFlag.optional(),
    serial: zSerial.optional(),
    ...pageAfter('tickets'),
  })
  .strict();

export const ById = z.object({ id: zId() }).strict();

/** Months a failure-rates answer may span: what a request costs grows with the tickets they hold. */
export const MAX_FAILURE_MONTHS = 36;
/** Months counted when the query names at most one end. */
export const DEFAULT_FAILURE_MONTHS = 12;

export const FailureRatesQuery = z
  .object({
    productId: productId.optional(),
    from: zMonth
      .optional()
      .describe(
        `First month a ticket was opened in (default: ${DEFAULT_FAILURE_MONTHS - 1} months before to)`,
      ),
    to: zMonth
      .optional()
      .describe(
        `Last month a ticket was opened in (default: ${DEFAULT_FAILURE_MONTHS - 1} months after from, or the latest month with a hardware ticket)`,
      ),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'must not be after to',
    path: ['from'],
  })
  .refine(
    (q) => q.from === undefined || q.to === undefined || monthsBetween(q.from, q.to) < MAX_FAILURE_MONTHS,
    { message: `must be at most ${MAX_FAILURE_MONTHS} months after from`, path: ['to'] },
  );

/** A page of a customer's record: each of its lists (machines, replacements, tickets) from `offset`. */
export const CustomerRecordPage = z
  .object({
    offset: zWhole({ min: 0 }).default(0).describe('Rows of each list to skip: the previous pages'),
    limit: zWhole({ min: 1, max: 1000 }).default(100).describe('Rows of each list per page (1-1000)'),
  })
  .strict();
export const BySerial = z.object({ serial: zSerial }).strict();
export const ByCentre = z.object({ id: centreId }).strict();

export type LotInput = z.output<typeof Lot>;
export type DeliverySerialsInput = z.output<typeof DeliverySerials>;
export type PolicyInput = z.output<typeof Policy>;
export type CentreInputT = z.output<typeof CentreInput>;
export type PartsTransferInput = z.output<typeof PartsTransfer>;
export type NewTicketInput = z.output<typeof NewTicket>;
export type TicketStepInput = z.output<typeof TicketStep>;
export type TicketFilterInput = z.output<typeof TicketFilter>;
export type CustomerRecordPageInput = z.output<typeof CustomerRecordPage>;
export type FailureRatesQueryInput = z.output<typeof FailureRatesQuery>;
