import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { SUPPLY_ACCESS } from './access.js';
import { recommendChipOrder, selfMiningAllocation, supplyPlan } from './planning.js';
import {
  AssemblyCapacity,
  ById,
  month,
  NewAgreement,
  NewBuild,
  NewDesign,
  NewFoundry,
  NewPartnership,
  NewWaferOrder,
  PlanQuery,
  RecommendQuery,
  SelfMiningShare,
  WaferOrderCancel,
  WaferOrderFilter,
  WaferOrderOut,
  WaferOrderReceived,
} from './schemas.js';
import {
  addDesign,
  addFoundry,
  cancelWaferOrder,
  listAgreements,
  listAssemblyCapacity,
  listBuilds,
  listDesigns,
  listFoundries,
  listPartnerships,
  listSelfMiningShares,
  listWaferOrders,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  recordBuild,
  setAssemblyCapacity,
  setSelfMiningShare,
  signAgreement,
  startPartnership,
} from './service.js';

const tags = ['supply'];
const read = { role: SUPPLY_ACCESS.read };
const write = { role: SUPPLY_ACCESS.write };

export function registerSupplyRoutes(app: HttpApp, ctx: AppContext): void {
  app.get('/api/supply/foundries', { config: read, schema: { tags, summary: 'Foundries' } }, async () =>
    listFoundries(ctx),
  );
  app.post(
    '/api/supply/foundries',
    { config: write, schema: { tags, summary: 'Add a foundry', body: NewFoundry } },
    async (req, reply) => {
      reply.code(201);
      return addFoundry(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/designs',
    { config: read, schema: { tags, summary: 'ASIC designs and the machines using them' } },
    async () => listDesigns(ctx),
  );
  app.post(
    '/api/supply/designs',
    { config: write, schema: { tags, summary: 'Add an ASIC design', body: NewDesign } },
    async (req, reply) => {
      reply.code(201);
      return addDesign(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/partnerships',
    {
      config: read,
      schema: { tags, summary: 'Foundry × design partnerships and their yield curves (basis points)' },
    },
    async () => listPartnerships(ctx),
  );
  app.post(
    '/api/supply/partnerships',
    {
      config: write,
      schema: {
        tags,
        summary: 'Start a partnership: a foundry makes a design, with a yield curve',
        body: NewPartnership,
      },
    },
    async (req, reply) => {
      reply.code(201);
      return startPartnership(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/agreements',
    { config: read, schema: { tags, summary: 'Capacity agreements' } },
    async () => listAgreements(ctx),
  );
  app.post(
    '/api/supply/agreements',
    {
      config: write,
      schema: { tags, summary: 'Sign a capacity agreement with a foundry', body: NewAgreement },
    },
    async (req, reply) => {
      reply.code(201);
      return signAgreement(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/wafer-orders',
    {
      config: read,
      schema: {
        tags,
        summary: 'Wafer orders',
        querystring: WaferOrderFilter,
      },
    },
    async (req) => listWaferOrders(ctx, req.query),
  );
  app.post(
    '/api/supply/wafer-orders',
    {
      config: write,
      schema: { tags, summary: 'Place a wafer order under a capacity agreement', body: NewWaferOrder },
    },
    async (req, reply) => {
      reply.code(201);
      return placeWaferOrder(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/supply/wafer-orders/:id/out',
    {
      config: write,
      schema: { tags, summary: 'The wafers came out of the fab', params: ById, body: WaferOrderOut },
    },
    async (req) => markWaferOrderOut(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/supply/wafer-orders/:id/received',
    {
      config: write,
      schema: {
        tags,
        summary: 'The chips arrived: record how many against the expected',
        params: ById,
        body: WaferOrderReceived,
      },
    },
    async (req) => receiveWaferOrder(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/supply/wafer-orders/:id/cancellation',
    {
      config: write,
      schema: {
        tags,
        summary: 'Cancel an order not yet out of the fab; it stays on record, marked cancelled',
        params: ById,
        body: WaferOrderCancel,
      },
    },
    async (req) => cancelWaferOrder(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );

  app.get(
    '/api/supply/builds',
    { config: read, schema: { tags, summary: 'Machines built per model and month' } },
    async () => listBuilds(ctx),
  );
  app.post(
    '/api/supply/builds',
    { config: write, schema: { tags, summary: 'Record the machines built in a month', body: NewBuild } },
    async (req, reply) => {
      reply.code(201);
      return recordBuild(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/assembly-capacity',
    { config: read, schema: { tags, summary: 'Assembly capacity settings' } },
    async () => listAssemblyCapacity(ctx),
  );
  app.post(
    '/api/supply/assembly-capacity',
    {
      config: write,
      schema: { tags, summary: 'Set assembly capacity from a month', body: AssemblyCapacity },
    },
    async (req) => setAssemblyCapacity(ctx, req.actor, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/supply/self-mining-share',
    { config: read, schema: { tags, summary: 'Self-mining share settings' } },
    async () => listSelfMiningShares(ctx),
  );
  app.post(
    '/api/supply/self-mining-share',
    {
      config: write,
      schema: { tags, summary: "Set self-mining's share of production from a month", body: SelfMiningShare },
    },
    async (req) => setSelfMiningShare(ctx, req.actor, req.body, req.idempotencyKey),
  );

  app.get(
    '/api/supply/plan',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Month by month: wafers out, yield, good dies, machines buildable and built, allocation, late tranches',
        querystring: PlanQuery,
      },
    },
    async (req) => supplyPlan(ctx, req.query),
  );
  app.get(
    '/api/supply/recommendation',
    {
      config: read,
      schema: {
        tags,
        summary: 'How many wafers to order this month at a BTC price, and why',
        querystring: RecommendQuery,
      },
    },
    async (req) => recommendChipOrder(ctx, req.query),
  );
  app.get(
    '/api/supply/self-mining',
    {
      config: read,
      schema: {
        tags,
        summary: 'Machines the plan allocates to self-mining, per model and month',
        querystring: z.object({ from: month, to: month }).strict(),
      },
    },
    async (req) => selfMiningAllocation(ctx, req.query.from, req.query.to),
  );
}
