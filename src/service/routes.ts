import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { zId } from '../kernel/fields.js';
import { SERVICE_ACCESS as A } from './access.js';
import { listCentres, setCentre, transferParts } from './centres.js';
import { failureRatesOver, slaReport } from './reports.js';
import * as R from './responses.js';
import * as S from './schemas.js';
import {
  assignLot,
  linkFleetMachine,
  recordDeliverySerials,
  serialiseDeliveries,
  serialRecord,
} from './serials.js';
import { SLA_TARGET_HOURS } from './sla.js';
import * as store from './store.js';
import {
  customerRecord,
  getTicket,
  listTickets,
  moveTicket,
  openTicket,
  stepTicket,
  waitTicket,
} from './tickets.js';
import { listPolicies, setPolicy, warrantyOf, warrantyOfOne } from './warranty.js';

const tags = ['service'];
const CentreQuery = z.object({ centreId: S.ByCentre.shape.id.optional() }).strict();
const ByCustomer = z.object({ id: zId() }).strict();

export function registerServiceRoutes(app: HttpApp, ctx: AppContext): void {
  // --- serials
  app.post(
    '/api/service/serials/lots',
    {
      config: { role: A.serials },
      schema: {
        tags,
        summary: 'Label a range of a build with its batch and foundry lot',
        body: S.Lot,
        response: { 201: R.LotView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return assignLot(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/service/serials/deliveries',
    {
      config: { role: A.serials },
      schema: {
        tags,
        summary: "Record the serials of a contract's delivered machines",
        body: S.DeliverySerials,
        response: { 201: R.DeliveredView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return recordDeliverySerials(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/service/serials/sync',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Serials for every delivered machine without one, oldest built first',
        response: { 200: R.SerialsSynced },
      },
    },
    async (req) => ({ serialised: await serialiseDeliveries(ctx, req.actor) }),
  );
  app.post(
    '/api/service/serials/links',
    {
      config: { role: A.fleet },
      schema: {
        tags,
        summary: 'Link a fleet machine (DNA/MAC) to its serial',
        body: S.MachineLink,
        response: { 201: R.LinkView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return linkFleetMachine(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/service/serials/:serial',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: 'One machine by serial: build, lot, sale, fleet link, tickets',
        params: S.BySerial,
        response: { 200: R.SerialView },
      },
    },
    async (req) => serialRecord(ctx, req.params.serial),
  );

  // --- warranty
  app.get(
    '/api/service/warranty/policies',
    {
      config: { role: A.read },
      schema: { tags, summary: 'Warranty policies', response: { 200: R.Policies } },
    },
    async () => listPolicies(ctx),
  );
  app.post(
    '/api/service/warranty/policies',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Set the warranty of a model, or of one batch',
        body: S.Policy,
        response: { 200: R.PolicyView },
      },
    },
    async (req) => setPolicy(ctx, req.actor, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/service/warranty/query',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: 'In warranty? for up to 50,000 serials',
        body: S.WarrantyQuery,
        response: { 200: R.Warranties },
      },
    },
    async (req) => warrantyOf(ctx, req.body.serials, req.body.on),
  );
  app.get(
    '/api/service/warranty/:serial',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: "One machine's warranty",
        params: S.BySerial,
        response: { 200: R.WarrantyView },
      },
    },
    async (req) => warrantyOfOne(ctx, req.params.serial),
  );

  // --- centres and parts
  app.get(
    '/api/service/centres',
    {
      config: { role: A.read },
      schema: { tags, summary: 'Repair centres with backlog and parts stock', response: { 200: R.Centres } },
    },
    async () => listCentres(ctx),
  );
  app.post(
    '/api/service/centres',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Add or change a repair centre',
        body: S.CentreInput,
        response: { 200: R.CentreView },
      },
    },
    async (req) => setCentre(ctx, req.actor, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/service/parts/transfers',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Parts into a centre, new or from another centre',
        body: S.PartsTransfer,
        response: { 200: R.Stock },
      },
    },
    async (req) => transferParts(ctx, req.actor, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/service/parts',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: 'Parts stock per centre',
        querystring: CentreQuery,
        response: { 200: R.Stock },
      },
    },
    async (req) => store.stockOf(ctx.db, req.query.centreId),
  );

  // --- tickets and RMAs
  app.post(
    '/api/service/tickets',
    {
      config: { role: A.open },
      schema: {
        tags,
        summary: "Open a customer's ticket; it is routed to the nearest centre with room",
        body: S.NewTicket,
        response: { 201: R.TicketWithEvidence },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return openTicket(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/service/tickets',
    {
      config: { role: A.tickets },
      schema: {
        tags,
        summary: 'Tickets (ops sees its fleet’s)',
        querystring: S.TicketFilter,
        response: { 200: R.Tickets },
      },
    },
    async (req) => listTickets(ctx, req.actor, req.query),
  );
  app.get(
    '/api/service/tickets/:id',
    {
      config: { role: A.tickets },
      schema: {
        tags,
        summary: 'One ticket with its steps and evidence',
        params: S.ById,
        response: { 200: R.TicketWithEvidence },
      },
    },
    async (req) => getTicket(ctx, req.actor, req.params.id),
  );
  app.post(
    '/api/service/tickets/:id/steps',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'The next RMA step; out of order is refused',
        params: S.ById,
        body: S.TicketStep,
        response: { 200: R.TicketWithEvidence },
      },
    },
    async (req) => stepTicket(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/service/tickets/:id/wait',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Stop the SLA clock waiting for customer, customs or parts; null resumes',
        params: S.ById,
        body: S.TicketWait,
        response: { 200: R.TicketWithEvidence },
      },
    },
    async (req) => waitTicket(ctx, req.actor, req.params.id, req.body.reason, req.idempotencyKey),
  );
  app.post(
    '/api/service/tickets/:id/move',
    {
      config: { role: A.work },
      schema: {
        tags,
        summary: 'Move a ticket to another centre',
        params: S.ById,
        body: S.TicketMove,
        response: { 200: R.TicketWithEvidence },
      },
    },
    async (req) => moveTicket(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/service/customers/:id',
    {
      config: { role: A.open },
      schema: {
        tags,
        summary: "A customer's machines, replacements and tickets, a page of each with their totals",
        params: ByCustomer,
        querystring: S.CustomerRecordPage,
        response: { 200: R.CustomerRecord },
      },
    },
    async (req) => customerRecord(ctx, req.params.id, req.query),
  );

  // --- figures
  app.get(
    '/api/service/sla',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: 'Per centre: SLA met %, turnaround median and p90, backlog, technician load',
        querystring: CentreQuery,
        response: { 200: R.SlaReport },
      },
    },
    async (req) => slaReport(ctx, req.query.centreId),
  );
  app.get(
    '/api/service/sla/targets',
    {
      config: { role: A.read },
      schema: { tags, summary: 'SLA targets per stage, in working hours', response: { 200: R.SlaTargets } },
    },
    async () => SLA_TARGET_HOURS,
  );
  app.get(
    '/api/service/failure-rates',
    {
      config: { role: A.read },
      schema: {
        tags,
        summary: `Failure rate per model, batch, foundry lot, class and month, over at most ${S.MAX_FAILURE_MONTHS} months`,
        querystring: S.FailureRatesQuery,
        response: { 200: R.FailureRates },
      },
    },
    async (req) => failureRatesOver(ctx, req.query),
  );
}
