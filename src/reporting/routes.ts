import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { quarterlyReport } from './frozen.js';
import { listGuidance, recordGuidance } from './guidance.js';
import type { GuidanceMetric } from './guidance-model.js';
import { renderQuarterlyReport } from './render.js';
import { GuidanceList, GuidanceReply, RenderedReport } from './responses.js';
import { GuidanceFilter, NewGuidance, ReportParams, ReportQuery } from './schemas.js';

const tags = ['reports'];

export function registerReportingRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/reports/quarterly/:quarter',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary:
          'The quarterly report: machines, order book, AI chips, supply, self-mining, treasury, guidance. JSON names the records behind each figure; format=md|html|pdf renders it.',
        params: ReportParams,
        querystring: ReportQuery,
        response: { 200: RenderedReport },
      },
    },
    async (req, reply) => {
      const { format, sections } = req.query;
      const opts = sections ? { sections } : {};
      // JSON is the report itself, serialised by the response schema: no rendered body to make.
      if (format === 'json') return quarterlyReport(ctx, req.params.quarter, opts);
      const rendered = await renderQuarterlyReport(ctx, req.params.quarter, format, opts);
      return reply.type(rendered.contentType).send(rendered.body);
    },
  );
  app.get(
    '/api/reports/guidance',
    {
      config: { role: 'viewer' },
      schema: {
        tags,
        summary: 'Guidance the company gave',
        querystring: GuidanceFilter,
        response: { 200: GuidanceList },
      },
    },
    async (req) => listGuidance(ctx, req.query),
  );
  app.post(
    '/api/reports/guidance',
    {
      config: { role: 'finance' },
      schema: {
        tags,
        summary: 'Record guidance given with a quarter’s results',
        body: NewGuidance,
        response: { 201: GuidanceReply },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return recordGuidance(
        ctx,
        req.actor,
        { ...req.body, metric: req.body.metric as GuidanceMetric },
        req.idempotencyKey,
      );
    },
  );
}
