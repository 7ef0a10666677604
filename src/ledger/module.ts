import { z } from 'zod';
import type { HashforgeModule } from '../app/module.js';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { zDay } from '../kernel/calendar-schemas.js';
import { toWireJson } from '../kernel/json.js';
import { listEvents } from './audit.js';
import { AuditEvents } from './responses.js';

const isoDay = zDay;
const AuditQuery = z
  .object({
    since: isoDay.optional().describe('first day (UTC) to list'),
    until: isoDay.optional().describe('day (UTC) to stop before'),
    kind: z.string().optional().describe('event kind or its prefix, e.g. sales.'),
    stream: z.string().optional().describe('one stream, e.g. contract:42'),
    actor: z.string().optional().describe('who acted, e.g. token:alice'),
    after: z.coerce.number().int().min(0).optional().describe('only events after this id (the next page)'),
    limit: z.coerce.number().int().min(1).max(10_000).default(1000),
  })
  .strict();

export const ledgerModule: HashforgeModule = {
  name: 'ledger',
  registerRoutes(app, ctx) {
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
  },
  registerCommands(program) {
    defineAction(
      program
        .command('audit')
        .description('List the history of writes: who did what and when')
        .option('--since <day>', 'first day, e.g. 2021-01-01')
        .option('--until <day>', 'day to stop before')
        .option('--kind <kind>', 'event kind or prefix')
        .option('--stream <stream>', 'one stream, e.g. contract:42')
        .option('--actor <actor>', 'who acted')
        .option('--after <id>', 'only events after this id: the next page')
        .option('--limit <n>', 'at most this many', '1000'),
      { role: ['admin', 'finance'] },
      async (app, opts) => {
        const { json: _j, token: _t, idempotencyKey: _k, ...filters } = opts;
        const query = parseInput(AuditQuery, filters);
        const events = await listEvents(app, query);
        if (events.length === query.limit) {
          // A full page: say so, on stderr so that piped output stays the events alone.
          process.stderr.write(
            `(${query.limit} events shown; there may be more: add --after ${events.at(-1)!.id})\n`,
          );
        }
        const text = events
          .map(
            (e) =>
              `${e.id}\t${e.recordedAt.toISOString()}\t${e.actor}\t${e.kind}\t${e.stream}\t${toWireJson(e.payload)}`,
          )
          .join('\n');
        return { json: events, text: text || 'no events' };
      },
    );
  },
};
