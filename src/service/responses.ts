/** What the service routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { zCents, zDayText, zInstant, zMonthText } from '../kernel/reply-schemas.js';
import { PARTS, STEPS, TICKET_CLASSES, WAIT_REASONS, WARRANTY_STARTS } from './model.js';
import { SLA_STAGES } from './sla.js';

const range = { productId: z.string(), month: zMonthText, first: z.number().int(), last: z.number().int() };

export const LotView = z.object({
  ...range,
  batch: z.string(),
  foundryLot: z.string(),
  firstSerial: z.string(),
  units: z.number().int(),
});
export const DeliveredView = z.object({
  contractId: z.number().int(),
  customerId: z.number().int(),
  dispatchedOn: zDayText,
  deliveredOn: zDayText,
  ranges: z.array(z.object(range)),
});
export const LinkView = z.object({ machineId: z.number().int(), serial: z.string() });
export const SerialsSynced = z.object({
  serialised: z.number().int().describe('Machines given serials now'),
});

export const SerialView = z.object({
  serial: z.string(),
  productId: z.string(),
  buildMonth: zMonthText,
  batch: z.string(),
  foundryLot: z.string().nullable(),
  customerId: z.number().int().nullable(),
  contractId: z.number().int().nullable(),
  dispatchedOn: zDayText.nullable(),
  deliveredOn: zDayText.nullable(),
  fleetMachineId: z.number().int().nullable(),
  tickets: z.array(
    z.object({
      id: z.number().int(),
      ticketClass: z.enum(TICKET_CLASSES),
      step: z.enum(STEPS),
      openedOn: zDayText,
    }),
  ),
});

export const PolicyView = z.object({
  productId: z.string(),
  batch: z.string().nullable(),
  termDays: z.number().int(),
  startsAt: z.enum(WARRANTY_STARTS),
  doaDays: z.number().int(),
  repairedDays: z.number().int(),
});
export const Policies = z.array(PolicyView);

export const WarrantyView = z.object({
  serial: z.string(),
  known: z.boolean().describe('False for a serial that is not ours or was never built'),
  productId: z.string().nullable(),
  batch: z.string().nullable(),
  customerId: z.number().int().nullable(),
  inWarranty: z.boolean(),
  until: zDayText.nullable().describe('Last day covered'),
  basis: z.enum(['sale', 'repair', 'none']),
  deadOnArrival: z.boolean(),
});
export const Warranties = z.array(WarrantyView);

const hours = z.object({ weekday: z.number().int(), from: z.string(), to: z.string() });
export const CentreView = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  country: z.string(),
  technicians: z.number().int(),
  repairsPerDay: z.record(z.string(), z.number()),
  burnInPositions: z.number().int(),
  calendar: z.object({
    utcOffsetMinutes: z.number().int(),
    hours: z.array(hours),
    holidays: z.array(zDayText),
  }),
});
export const CentreListed = CentreView.extend({
  backlog: z.number().int().describe('RMAs received and not yet shipped back'),
  stock: z.record(z.string(), z.number().int()),
});
export const Centres = z.array(CentreListed);
export const Stock = z.array(
  z.object({ centreId: z.string(), part: z.enum(PARTS), onHand: z.number().int() }),
);

export const TicketView = z.object({
  id: z.number().int(),
  origin: z.enum(['customer', 'fleet']),
  ticketClass: z.enum(TICKET_CLASSES),
  route: z.enum(['rma', 'site-ops']).describe('site-ops: environment and network faults, fixed on site'),
  serial: z.string().nullable(),
  productId: z.string().nullable(),
  customerId: z.number().int().nullable(),
  machineId: z.number().int().nullable(),
  site: z.string().nullable(),
  centreId: z.string().nullable(),
  step: z.enum(STEPS),
  open: z.boolean(),
  waitingFor: z.enum(WAIT_REASONS).nullable(),
  summary: z.string(),
  openedAt: zInstant,
  openedBy: z.string(),
  evidence: z.number().int().describe('Polls attached as evidence'),
  warranty: z.boolean().nullable().describe('In warranty when diagnosed'),
  replacementSerial: z.string().nullable(),
  costCents: zCents,
  receivedAt: zInstant.nullable(),
  shippedAt: zInstant.nullable(),
});
export const Tickets = z.array(TicketView);

const partUse = z.object({
  part: z.enum(PARTS),
  qty: z.number().int(),
  removedSerial: z.string().optional(),
  fittedSerial: z.string().optional(),
});
export const TicketDetail = TicketView.extend({
  steps: z.array(
    z.object({
      seq: z.number().int(),
      step: z.enum([...STEPS, 'waiting', 'resumed']),
      at: zInstant,
      actor: z.string(),
      detail: z.object({
        note: z.string().optional(),
        warranty: z.boolean().optional(),
        partsUsed: z.array(partUse).optional(),
        replacementSerial: z.string().optional(),
        costCents: zCents.optional(),
      }),
    }),
  ),
  evidence: z.number().int(),
});
export const TicketWithEvidence = TicketDetail.extend({
  evidenceReplies: z.array(
    z.object({ seq: z.number().int(), at: zInstant, fault: z.string(), reply: z.unknown() }),
  ),
  alerts: z
    .array(z.object({ alertId: z.number().int(), rule: z.string() }))
    .describe('The alerts that fired on the same fault (GET /api/alerts/{id})'),
});

export const SlaReport = z.array(
  z.object({
    centreId: z.string(),
    name: z.string(),
    technicians: z.number().int(),
    tickets: z.number().int(),
    slaMetPct: z.number().nullable().describe('Finished stages within target, %'),
    stagesMeasured: z.number().int(),
    breachedOpen: z.number().int().describe('Open stages already past target'),
    turnaroundDays: z.object({
      median: z.number().nullable(),
      p90: z.number().nullable(),
      shipped: z.number().int(),
    }),
    backlog: z.number().int(),
    technicianLoad: z.number().describe('RMAs on the bench per technician'),
  }),
);
export const SlaTargets = z.record(z.enum(SLA_STAGES), z.number());

export const FailureRates = z.object({
  from: zMonthText.describe('First month counted'),
  to: zMonthText.describe('Last month counted'),
  rates: z.array(
    z.object({
      productId: z.string(),
      batch: z.string(),
      foundryLot: z.string().nullable(),
      ticketClass: z.string(),
      month: zMonthText,
      tickets: z.number().int(),
      machines: z.number().int().describe('Machines of the batch and lot built'),
      ratePct: z.number().describe('Tickets per 100 machines'),
    }),
  ),
});

export const CustomerRecord = z.object({
  customer: z.object({ id: z.number().int(), name: z.string(), country: z.string(), region: z.string() }),
  offset: z.number().int(),
  limit: z.number().int(),
  totals: z.object({
    delivered: z.number().int().describe('Delivery ranges in all'),
    replacements: z.number().int(),
    tickets: z.number().int(),
  }),
  delivered: z.array(
    z.object({
      ...range,
      customerId: z.number().int(),
      contractId: z.number().int(),
      dispatchedOn: zDayText,
      deliveredOn: zDayText,
    }),
  ),
  replacements: z.array(
    z.object({
      ticketId: z.number().int(),
      serial: z.string(),
      replaces: z.string().nullable(),
      shippedOn: zDayText.nullable(),
    }),
  ),
  tickets: Tickets,
});
