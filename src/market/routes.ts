import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { MarketCoverage, MarketImported, MarketView, MarketViews } from './responses.js';
import { DayParam, ImportBody, RangeQuery } from './schemas.js';
import { describeDay, importMarketCsv, marketCoverage, marketRange, requireMarketOn } from './service.js';

const tags = ['market'];

export function registerMarketRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/market',
    {
      config: { role: 'viewer' },
      schema: { tags, summary: 'Which days the market history covers', response: { 200: MarketCoverage } },
    },
    async () => marketCoverage(ctx),
  );
  app.get(
    '/api/market/days/:day',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'The market in force on a day, with hashprice and network hashrate',
        params: DayParam,
        response: { 200: MarketView },
      },
    },
    async (req) => describeDay(await requireMarketOn(ctx, req.params.day)),
  );
  app.get(
    '/api/market/days',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Market days in a range, with derived figures',
        querystring: RangeQuery,
        response: { 200: MarketViews },
      },
    },
    async (req) => (await marketRange(ctx, req.query.from, req.query.to)).map(describeDay),
  );
  app.post(
    '/api/market/imports',
    {
      config: { role: ['finance', 'supply'] },
      schema: {
        tags,
        summary: 'Import market days from CSV text, all or nothing',
        body: ImportBody,
        response: { 201: MarketImported },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return importMarketCsv(ctx, req.actor, req.body.csv, {
        source: req.body.source,
        idempotencyKey: req.idempotencyKey,
      });
    },
  );
}
