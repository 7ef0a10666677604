import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { BOOKS_ACCESS } from './access.js';
import { PeriodView, PeriodViews } from './responses.js';
import { CloseBody, PeriodParams, ReopenBody } from './schemas.js';
import { closePeriod, listPeriods, reopenPeriod } from './service.js';

const tags = ['books'];

export function registerBooksRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/books/periods',
    {
      config: { role: BOOKS_ACCESS.read },
      schema: { tags, summary: 'Periods closed or reopened, oldest first', response: { 200: PeriodViews } },
    },
    async () => listPeriods(ctx),
  );
  app.post(
    '/api/books/periods/:period/close',
    {
      config: { role: BOOKS_ACCESS.close },
      schema: {
        tags,
        summary: 'Close a month or a quarter: writes dated inside it are refused from now on',
        params: PeriodParams,
        body: CloseBody.optional(),
        response: { 201: PeriodView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return closePeriod(ctx, req.actor, { period: req.params.period, ...req.body }, req.idempotencyKey);
    },
  );
  app.post(
    '/api/books/periods/:period/reopen',
    {
      config: { role: BOOKS_ACCESS.reopen },
      schema: {
        tags,
        summary: 'Reopen a closed period, with the reason (kept in the history)',
        params: PeriodParams,
        body: ReopenBody,
        response: { 201: PeriodView },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return reopenPeriod(ctx, req.actor, { period: req.params.period, ...req.body }, req.idempotencyKey);
    },
  );
}
