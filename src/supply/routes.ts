import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { SUPPLY_ACCESS } from './access.js';
import { recommendChipOrder, selfMiningAllocation, supplyPlan } from './planning.js';
import {
  Agreement,
  Agreements,
  AssemblyCapacities,
  AssemblyCapacitySetting,
  BuildRecorded,
  Builds,
  Design,
  Designs,
  Foundries,
  Foundry,
  Partnership,
  Partnerships,
  SelfMiningShareSetting,
  SelfMiningShares,
  WaferOrder,
  WaferOrders,
  WaferOrderWithShortfall,
} from './responses.js';
import { Plan, Recommendation, SelfMiningAllocation } from './responses-plan.js';
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
  WaferOrderOut,
  WaferOrderPage,
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
  app.get(
    '/api/supply/foundries',
    { config: read, schema: { tags, summary: 'Foundries', response: { 200: Foundries } } },
    async () => listFoundries(ctx),
  );
  app.post(
    '/api/supply/foundries',
    {
      config: write,
      schema: { tags, summary: 'Add a foundry', body: NewFoundry, response: { 201: Foundry } },
    },
    async (req, reply) => {
      reply.code(201);
      return addFoundry(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/designs',
    {
      config: read,
      schema: { tags, summary: 'ASIC designs and the machines using them', response: { 200: Designs } },
    },
    async () => listDesigns(ctx),
  );
  app.post(
    '/api/supply/designs',
    {
      config: write,
      schema: { tags, summary: 'Add an ASIC design', body: NewDesign, response: { 201: Design } },
    },
    async (req, reply) => {
      reply.code(201);
      return addDesign(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/partnerships',
    {
      config: read,
      schema: {
        tags,
        summary: 'Foundry × design partnerships and their yield curves (basis points)',
        response: { 200: Partnerships },
      },
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
        response: { 201: Partnership },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return startPartnership(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/agreements',
    { config: read, schema: { tags, summary: 'Capacity agreements', response: { 200: Agreements } } },
    async () => listAgreements(ctx),
  );
  app.post(
    '/api/supply/agreements',
    {
      config: write,
      schema: {
        tags,
        summary: 'Sign a capacity agreement with a foundry',
        body: NewAgreement,
        response: { 201: Agreement },
      },
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
        summary: 'Wafer orders, a page at a time',
        querystring: WaferOrderPage,
        response: { 200: WaferOrders },
      },
    },
    async (req) => listWaferOrders(ctx, req.query),
  );
  app.post(
    '/api/supply/wafer-orders',
    {
      config: write,
      schema: {
        tags,
        summary: 'Place a wafer order under a capacity agreement',
        body: NewWaferOrder,
        response: { 201: WaferOrder },
      },
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
      schema: {
        tags,
        summary: 'The wafers came out of the fab',
        params: ById,
        body: WaferOrderOut,
        response: { 200: WaferOrder },
      },
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
        response: { 200: WaferOrderWithShortfall },
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
        response: { 200: WaferOrder },
      },
    },
    async (req) => cancelWaferOrder(ctx, req.actor, req.params.id, req.body, req.idempotencyKey),
  );

  app.get(
    '/api/supply/builds',
    {
      config: read,
      schema: { tags, summary: 'Machines built per model and month', response: { 200: Builds } },
    },
    async () => listBuilds(ctx),
  );
  app.post(
    '/api/supply/builds',
    {
      config: write,
      schema: {
        tags,
        summary: 'Record the machines built in a month',
        body: NewBuild,
        response: { 201: BuildRecorded },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return recordBuild(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );

  app.get(
    '/api/supply/assembly-capacity',
    {
      config: read,
      schema: { tags, summary: 'Assembly capacity settings', response: { 200: AssemblyCapacities } },
    },
    async () => listAssemblyCapacity(ctx),
  );
  app.post(
    '/api/supply/assembly-capacity',
    {
      config: write,
      schema: {
        tags,
        summary: 'Set assembly capacity from a month',
        body: AssemblyCapacity,
        response: { 200: AssemblyCapacitySetting },
      },
    },
    async (req) => setAssemblyCapacity(ctx, req.actor, req.body, req.idempotencyKey),
  );
  app.get(
    '/api/supply/self-mining-share',
    {
      config: read,
      schema: { tags, summary: 'Self-mining share settings', response: { 200: SelfMiningShares } },
    },
    async () => listSelfMiningShares(ctx),
  );
  app.post(
    '/api/supply/self-mining-share',
    {
      config: write,
      schema: {
        tags,
        summary: "Set self-mining's share of production from a month",
        body: SelfMiningShare,
        response: { 200: SelfMiningShareSetting },
      },
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
        response: { 200: Plan },
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
        response: { 200: Recommendation },
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
        response: { 200: SelfMiningAllocation },
      },
    },
    async (req) => selfMiningAllocation(ctx, req.query.from, req.query.to),
  );
}
