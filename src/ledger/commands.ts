import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { toWireJson } from '../kernel/json.js';
import { listEvents } from './audit.js';
import { AuditQuery } from './schemas.js';

export function registerLedgerCommands(program: Command): void {
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
        app.notice(`(${query.limit} events shown; there may be more: add --after ${events.at(-1)!.id})`);
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
}
