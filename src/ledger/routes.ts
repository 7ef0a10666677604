import type { AppContext } from '../app/context.js';
import type { HttpApp } from '../http/app.js';
import { listEvents } from './audit.js';
import { AuditEvents } from './responses.js';
import { AuditQuery } from './schemas.js';

export function registerLedgerRoutes(app: HttpApp, ctx: AppContext): void {
  app.get(
    '/api/audit',
    {
      config: { role: ['admin', 'finance'] },
      schema: {
        tags: ['audit'],
        summary: 'The append-only history: who did what and when',
        querystring: AuditQuery,
        response: { 200: AuditEvents },
      },
    },
    async (req) => listEvents(ctx, req.query),
  );
}
