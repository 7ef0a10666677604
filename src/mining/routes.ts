import { z } from 'zod';
import type { AppContext } from '../app/context.js';
import { FLEET_ACCESS } from '../fleet/access.js';
import type { HttpApp } from '../http/app.js';
import { parseQuarter, todayUtc } from '../kernel/calendar.js';
import { MINING_ACCESS } from './access.js';
import { adviseCurtailment, applyAdvice, economicsOn, listCurtailments } from './advice.js';
import { allocationStatus } from './allocation.js';
import { energyByDay } from './costs.js';
import { deployMachines, installMachines, listDeployments, listMachines } from './deployments.js';
import { earningsByMonth, expectedByDay } from './earnings.js';
import { hashrateByDay } from './hashrate.js';
import { miningQuarter, miningQuarters } from './quarter.js';
import {
  AdviceApplied,
  ComplianceChanged,
  Curtailments,
  Deployed,
  Deployments,
  Installed,
  Machines,
  SiteDetail,
  SiteView,
  SiteViews,
  Target,
  Targets,
} from './responses.js';
import {
  Advice,
  AllocationStatus,
  DayExpectations,
  Economics,
  EnergyDays,
  HashrateDays,
  MiningQuarter,
  MiningQuarters,
  MiningStatus,
  MonthEarnings,
} from './responses-figures.js';
import {
  ApplyAdvice,
  ComplianceChange,
  CurtailmentQuery,
  Deployment,
  DeploymentQuery,
  Installation,
  MachineQuery,
  MonthRangeQuery,
  NewSite,
  NewTarget,
  OnQuery,
  PriceChange,
  QuarterQuery,
  RangeQuery,
  SiteChanges,
  SiteCode,
} from './schemas.js';
import { addSite, changeCompliance, changeSite, getSite, listSites, setPrice } from './sites.js';
import { listTargets, miningStatus, setTarget } from './targets.js';

const tags = ['mining'];
const ByCode = z.object({ code: SiteCode });

export function registerMiningRoutes(app: HttpApp, ctx: AppContext): void {
  const today = () => todayUtc(ctx.clock.now());

  // ---------------------------------------------------------------------------------- sites
  app.get(
    '/api/mining/sites',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Self-mining sites with capacity, price and status',
        response: { 200: SiteViews },
      },
    },
    async () => listSites(ctx),
  );
  app.get(
    '/api/mining/sites/:code',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'One site, its price history, compliance history and flagged machines',
        params: ByCode,
        response: { 200: SiteDetail },
      },
    },
    async (req) => getSite(ctx, req.params.code),
  );
  app.post(
    '/api/mining/sites',
    {
      config: { role: 'ops' },
      schema: { tags, summary: 'Add a site', body: NewSite, response: { 201: SiteView } },
    },
    async (req, reply) => {
      reply.code(201);
      return addSite(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.patch(
    '/api/mining/sites/:code',
    {
      config: { role: 'ops' },
      schema: {
        tags,
        summary: 'Rename a site or change its power capacity',
        params: ByCode,
        body: SiteChanges,
        response: { 200: SiteView },
      },
    },
    async (req) => changeSite(ctx, req.actor, req.params.code, req.body, req.idempotencyKey),
  );
  app.post(
    '/api/mining/sites/:code/prices',
    {
      config: { role: MINING_ACCESS.prices },
      schema: {
        tags,
        summary: 'Set the electricity price from a day on',
        params: ByCode,
        body: PriceChange,
        response: { 201: SiteView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return setPrice(ctx, req.actor, req.params.code, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/mining/sites/:code/compliance',
    {
      config: { role: MINING_ACCESS.sites },
      schema: {
        tags,
        summary: 'Change the compliance status; suspending flags every machine there for curtailment',
        params: ByCode,
        body: ComplianceChange,
        response: { 201: ComplianceChanged },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return changeCompliance(ctx, req.actor, req.params.code, req.body, req.idempotencyKey);
    },
  );

  // ---------------------------------------------------------------------------- deployments
  app.post(
    '/api/mining/deployments',
    {
      config: { role: 'ops' },
      schema: {
        tags,
        summary: 'Ship machines to an approved site within its power capacity',
        body: Deployment,
        response: { 201: Deployed },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return deployMachines(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/mining/deployments',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Deployments, oldest first, a page at a time',
        querystring: DeploymentQuery,
        response: { 200: Deployments },
      },
    },
    async (req) => listDeployments(ctx, req.query),
  );
  app.post(
    '/api/mining/installations',
    {
      config: { role: 'ops' },
      schema: { tags, summary: 'Mark machines installed', body: Installation, response: { 201: Installed } },
    },
    async (req, reply) => {
      reply.code(201);
      return installMachines(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/mining/machines',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Deployed machines: in transit, installed or hashing, a page at a time',
        querystring: MachineQuery,
        response: { 200: Machines },
      },
    },
    async (req) => listMachines(ctx, req.query),
  );

  // ------------------------------------------------------------------- hashrate, money, advice
  app.get(
    '/api/mining/hashrate',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Installed and measured TH/s per site and in total, by day',
        querystring: RangeQuery,
        response: { 200: HashrateDays },
      },
    },
    async (req) => hashrateByDay(ctx, req.query),
  );
  app.get(
    '/api/mining/energy',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Energy and its cost per site per day',
        querystring: RangeQuery,
        response: { 200: EnergyDays },
      },
    },
    async (req) => energyByDay(ctx, req.query),
  );
  app.get(
    '/api/mining/earnings',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'By month: expected and actual BTC, luck, energy and cost per BTC mined',
        querystring: MonthRangeQuery,
        response: { 200: MonthEarnings },
      },
    },
    async (req) => earningsByMonth(ctx, req.query),
  );
  app.get(
    '/api/mining/earnings/days',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'By day: the hashrate used, expected and actual BTC',
        querystring: RangeQuery,
        response: { 200: DayExpectations },
      },
    },
    async (req) => expectedByDay(ctx, req.query),
  );
  app.get(
    '/api/mining/economics',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Per site and model on a day: energy, revenue, breakeven BTC price, curtailment hashprice',
        querystring: OnQuery,
        response: { 200: Economics },
      },
    },
    async (req) => economicsOn(ctx, req.query.on ?? today()),
  );
  app.get(
    '/api/mining/advice',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'What to switch off on a day and the USD a day it saves',
        querystring: OnQuery,
        response: { 200: Advice },
      },
    },
    async (req) => adviseCurtailment(ctx, req.query.on ?? today()),
  );
  app.post(
    '/api/mining/advice/apply',
    {
      // Applying the advice switches machines off: the fleet's control, with its role.
      config: { role: FLEET_ACCESS.operate },
      schema: {
        tags,
        summary: "Soft off every machine the day's advice switches off (audited)",
        body: ApplyAdvice,
        response: { 201: AdviceApplied },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return applyAdvice(ctx, req.actor, req.body.on, req.idempotencyKey);
    },
  );
  app.get(
    '/api/mining/curtailments',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Advice applied so far, oldest first, a page at a time',
        querystring: CurtailmentQuery,
        response: { 200: Curtailments },
      },
    },
    async (req) => listCurtailments(ctx, req.query),
  );

  // ---------------------------------------------------------------------------------- targets
  app.post(
    '/api/mining/targets',
    {
      config: { role: ['ops', 'finance'] },
      schema: { tags, summary: 'Set a hashrate target', body: NewTarget, response: { 201: Target } },
    },
    async (req, reply) => {
      reply.code(201);
      return setTarget(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/mining/targets',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Hashrate targets, latest set first', response: { 200: Targets } },
    },
    async () => listTargets(ctx),
  );
  app.get(
    '/api/mining/allocation',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          "By month and model: machines built, supply's self-mining allocation, deployed against it and shipped",
        querystring: MonthRangeQuery,
        response: { 200: AllocationStatus },
      },
    },
    async (req) => allocationStatus(ctx, req.query.from, req.query.to),
  );
  app.get(
    '/api/mining/quarters',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'The quarters self-mining has figures in: shipments, installations or telemetry',
        response: { 200: MiningQuarters },
      },
    },
    async () => miningQuarters(ctx),
  );
  app.get(
    '/api/mining/quarters/:quarter',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The quarter's self-mining figures for the report, each naming where its records are listed",
        params: QuarterQuery,
        response: { 200: MiningQuarter },
      },
    },
    async (req) => miningQuarter(ctx, parseQuarter(req.params.quarter, 'quarter')),
  );
  app.get(
    '/api/mining/status',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Hashrate installed and measured against the target',
        querystring: OnQuery,
        response: { 200: MiningStatus },
      },
    },
    async (req) => miningStatus(ctx, req.query.on),
  );
}
