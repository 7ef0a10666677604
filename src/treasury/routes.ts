import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { dayOf } from '../kernel/calendar.js';
import { cashOn, cashRoll, recordCash } from './cash.js';
import { fleetDepreciation } from './depreciation.js';
import { machineLifeOn, setMachineLife } from './machine-life.js';
import {
  Account,
  Accounts,
  Balances,
  CashPeriod,
  CashPosition,
  CashRecorded,
  FleetDepreciation,
  MachineLifePolicy,
  MachineLifeSetting,
  Movements,
  PayoutsImported,
  Sold,
  Transferred,
  TreasuryQuarter,
  Valuation,
} from './responses.js';
import {
  Cash,
  CashRollQuery,
  DepreciationQuery,
  MachineLife,
  MachineLifeQuery,
  MovementQuery,
  NewAccount,
  OnQuery,
  PayoutImport,
  QuarterParam,
  Sale,
  Transfer,
} from './schemas.js';
import {
  addAccount,
  balancesOn,
  importPayouts,
  listAccounts,
  listMovements,
  sellBtc,
  transfer,
} from './service.js';
import { treasuryQuarter, valueTreasury } from './valuation.js';

const tags = ['treasury'];

export function registerTreasuryRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/treasury/accounts',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'BTC and USD accounts', response: { 200: Accounts } },
    },
    async () => listAccounts(ctx),
  );
  app.post(
    '/api/treasury/accounts',
    {
      config: { role: 'finance' },
      schema: { tags, summary: 'Open an account', body: NewAccount, response: { 201: Account } },
    },
    async (req, reply) => {
      reply.code(201);
      return addAccount(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/treasury/balances',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Every account at the end of a day',
        querystring: OnQuery,
        response: { 200: Balances },
      },
    },
    async (req) => balancesOn(ctx, req.query.on),
  );
  app.get(
    '/api/treasury/movements',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Movements with their source (payout, sale, transfer)',
        querystring: MovementQuery,
        response: { 200: Movements },
      },
    },
    async (req) => listMovements(ctx, req.query),
  );
  app.post(
    '/api/treasury/payouts',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary: 'Import pool payouts (CSV text or a JSON array), all or nothing',
        body: PayoutImport,
        response: { 201: PayoutsImported },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return importPayouts(ctx, req.actor, req.body, { source: 'api', idempotencyKey: req.idempotencyKey });
    },
  );
  app.post(
    '/api/treasury/sales',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary: 'Sell BTC: refused by the hold policy unless an admin overrides it with a reason (flagged)',
        body: Sale,
        response: { 201: Sold },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return sellBtc(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/treasury/transfers',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary: 'Move funds between two accounts of one currency',
        body: Transfer,
        response: { 201: Transferred },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return transfer(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.post(
    '/api/treasury/cash',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary:
          'Record cash no other module records (opening balance, production, capex, opex, ...), with its category',
        body: Cash,
        response: { 201: CashRecorded },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return recordCash(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/treasury/cash',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The company's USD cash at the end of a day: customers, energy, BTC sold and recorded cash",
        querystring: OnQuery,
        response: { 200: CashPosition },
      },
    },
    async (req) => cashOn(ctx, req.query.on),
  );
  app.get(
    '/api/treasury/cash/roll',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'USD cash at the start of a period, what moved it, and where it ended',
        querystring: CashRollQuery,
        response: { 200: CashPeriod },
      },
    },
    async (req) => cashRoll(ctx, req.query.from, req.query.to),
  );
  app.get(
    '/api/treasury/depreciation',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The self-mining machines' depreciation, and the cost per BTC mined with and without it",
        querystring: DepreciationQuery,
        response: { 200: FleetDepreciation },
      },
    },
    async (req) => fleetDepreciation(ctx, req.query),
  );
  app.post(
    '/api/treasury/machine-life',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary:
          "Set the machines' life for depreciation from a day on: figures as of earlier days keep the life before it",
        body: MachineLife,
        response: { 201: MachineLifeSetting },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return setMachineLife(ctx, req.actor, req.body, req.idempotencyKey);
    },
  );
  app.get(
    '/api/treasury/machine-life',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The machines' life in force on a day, the default and every setting",
        querystring: MachineLifeQuery,
        response: { 200: MachineLifePolicy },
      },
    },
    async (req) => machineLifeOn(ctx, req.query.on ?? dayOf(ctx.clock.now())),
  );
  app.get(
    '/api/treasury/valuation',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'BTC held at the day price, against what it cost to mine',
        querystring: OnQuery,
        response: { 200: Valuation },
      },
    },
    async (req) => valueTreasury(ctx, req.query.on),
  );
  app.get(
    '/api/treasury/quarters/:quarter',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: "The quarter's treasury figures for the report, each naming where its records are listed",
        params: QuarterParam,
        response: { 200: TreasuryQuarter },
      },
    },
    async (req) => treasuryQuarter(ctx, req.params.quarter),
  );
}
