import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { sendCsv } from '../http/csv-reply.js';
import { CsvReply } from '../kernel/reply-schemas.js';
import { SALES_ACCESS } from './access.js';
import { adjustPayment, getPaymentAdjustments } from './adjustments.js';
import { contractsCsv } from './export.js';
import {
  ContractDetail,
  ContractPage,
  ContractView,
  Customer,
  Customers,
  EntryPage,
  EventRecorded,
  OpenTranches,
  PaymentAdjustments,
} from './responses.js';
import { OpportunityCost, SalesQuarter, SalesYear } from './responses-figures.js';
import {
  ById,
  ByPayment,
  Cancellation,
  ContractFilter,
  ContractQuery,
  CustomerPage,
  Delivery,
  EntryFilter,
  NewContract,
  NewCustomer,
  OpenTrancheFilter,
  OpportunityQuery,
  Payment,
  PaymentAdjustment,
  QuarterParam,
  Refund,
  Reschedule,
  YearParam,
} from './schemas.js';
import {
  addCustomer,
  bookContract,
  cancelContract,
  getContract,
  listContracts,
  listCustomers,
  listEntries,
  listOpenTranches,
  opportunityCost,
  recordDelivery,
  recordPayment,
  recordRefund,
  rescheduleTranches,
  salesQuarter,
  salesYear,
} from './service.js';

const tags = ['sales'];
// Any signed-in user reads the book (management, the dashboard); writes are the owners' jobs.
const read = { role: SALES_ACCESS.read };
const write = { role: SALES_ACCESS.write };
const money = { role: SALES_ACCESS.money };
const shipping = { role: SALES_ACCESS.shipping };

export function registerSalesRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/sales/customers',
    {
      config: read,
      schema: {
        tags,
        summary: 'List customers, a page at a time',
        querystring: CustomerPage,
        response: { 200: Customers },
      },
    },
    async (req) => listCustomers(ctx, req.query),
  );
  app.post(
    '/api/sales/customers',
    {
      config: write,
      schema: { tags, summary: 'Add a customer', body: NewCustomer, response: { 201: Customer } },
    },
    async (req, reply) => {
      reply.code(201);
      return addCustomer(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/sales/contracts',
    {
      config: read,
      schema: {
        tags,
        summary: 'List contracts; the filters are what each figure links to',
        querystring: ContractFilter,
        response: { 200: ContractPage },
      },
    },
    async (req) => listContracts(ctx, req.query),
  );
  app.get(
    '/api/sales/contracts.csv',
    {
      config: read,
      schema: {
        tags,
        summary: 'Every contract the filters match, as CSV for a spreadsheet, streamed',
        querystring: ContractQuery,
        response: { 200: CsvReply },
      },
    },
    async (req, reply) => sendCsv(reply, 'contracts.csv', contractsCsv(ctx, req.query)),
  );
  app.post(
    '/api/sales/contracts',
    {
      config: write,
      schema: {
        tags,
        summary: 'Book a spot, futures or pre-order contract',
        body: NewContract,
        response: { 201: ContractView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return bookContract(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/sales/contracts/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'A contract rebuilt from its events: figures and whole history',
        params: ById,
        response: { 200: ContractDetail },
      },
    },
    async (req) => getContract(ctx, req.params.id),
  );
  app.post(
    '/api/sales/contracts/:id/payments',
    {
      config: money,
      schema: {
        tags,
        summary: 'Record a payment received',
        params: ById,
        body: Payment,
        response: { 200: EventRecorded },
      },
    },
    async (req) => recordPayment(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/sales/contracts/:id/refunds',
    {
      config: money,
      schema: {
        tags,
        summary: 'Record a refund paid back',
        params: ById,
        body: Refund,
        response: { 200: EventRecorded },
      },
    },
    async (req) => recordRefund(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/sales/contracts/:id/deliveries',
    {
      config: shipping,
      schema: {
        tags,
        summary: 'Record a delivery; it consumes the earliest open tranches',
        params: ById,
        body: Delivery,
        response: { 200: EventRecorded },
      },
    },
    async (req) => recordDelivery(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/sales/contracts/:id/cancellation',
    {
      config: write,
      schema: {
        tags,
        summary: 'Cancel what is not yet delivered',
        params: ById,
        body: Cancellation,
        response: { 200: EventRecorded },
      },
    },
    async (req) => cancelContract(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/sales/contracts/:id/reschedule',
    {
      config: write,
      schema: {
        tags,
        summary: 'Move open tranches to other months',
        params: ById,
        body: Reschedule,
        response: { 200: EventRecorded },
      },
    },
    async (req) => rescheduleTranches(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/sales/payments/:eventId/adjustments',
    {
      config: money,
      schema: {
        tags,
        summary:
          'Correct a payment recorded wrong: a new event dated in an open period that names the payment; the period of the payment keeps its figures',
        params: ByPayment,
        body: PaymentAdjustment,
        response: { 200: EventRecorded },
      },
    },
    async (req) => adjustPayment(ctx, req.actor, req.params.eventId, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/sales/payments/:eventId/adjustments',
    {
      config: read,
      schema: {
        tags,
        summary: 'A payment as recorded and as it stands, with the adjustments that correct it',
        params: ByPayment,
        response: { 200: PaymentAdjustments },
      },
    },
    async (req) => getPaymentAdjustments(ctx, req.params.eventId),
  );

  app.get(
    '/api/sales/entries',
    {
      config: read,
      schema: {
        tags,
        summary: 'The entries behind the figures: one per contract event',
        querystring: EntryFilter,
        response: { 200: EntryPage },
      },
    },
    async (req) => listEntries(ctx, req.query),
  );
  app.get(
    '/api/sales/quarters/:quarter',
    {
      config: read,
      schema: {
        tags,
        summary: "A quarter's bookings, deliveries, liabilities and backlog",
        params: QuarterParam,
        response: { 200: SalesQuarter },
      },
    },
    async (req) => salesQuarter(ctx, req.params.quarter),
  );
  app.get(
    '/api/sales/years/:year',
    {
      config: read,
      schema: {
        tags,
        summary: "A year's figures, with the year-over-year multiple of AI-chip revenue",
        params: YearParam,
        response: { 200: SalesYear },
      },
    },
    async (req) => salesYear(ctx, req.params.year),
  );
  app.get(
    '/api/sales/opportunity-cost',
    {
      config: read,
      schema: {
        tags,
        summary: "Undelivered futures TH/s × (today's spot − locked price)",
        querystring: OpportunityQuery,
        response: { 200: OpportunityCost },
      },
    },
    async (req) => opportunityCost(ctx, req.query.day),
  );
  app.get(
    '/api/sales/open-tranches',
    {
      config: read,
      schema: {
        tags,
        summary: 'Tranches still to deliver, earliest month first',
        querystring: OpenTrancheFilter,
        response: { 200: OpenTranches },
      },
    },
    async (req) => listOpenTranches(ctx, req.query),
  );
}
