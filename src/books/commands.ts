import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { table } from '../cli/table.js';
import { BOOKS_ACCESS } from './access.js';
import { CloseBody, PeriodParams, ReopenBody } from './schemas.js';
import { closePeriod, listPeriods, type PeriodView, reopenPeriod } from './service.js';

const said = (p: PeriodView) =>
  `${p.period} (${p.firstDay} .. ${p.lastDay}) ${p.closed ? 'closed' : 'reopened'} by ${p.changedBy}${p.note ? `: ${p.note}` : ''}`;

export function registerBooksCommands(program: Command): void {
  const books = program.command('books').description('Closing the books: months and quarters');
  defineAction(
    books
      .command('close')
      .argument('<period>', 'a month, 2020-12, or a quarter, 2020Q4')
      .description('Close a period: writes dated inside it are refused from now on')
      .option('--note <text>', 'what was reported'),
    { role: BOOKS_ACCESS.close },
    async (app, opts, [period]) => {
      const params = parseInput(PeriodParams, { period });
      const body = parseInput(CloseBody, { note: opts.note });
      const closed = await closePeriod(app, app.actor, { ...params, ...body }, app.idempotencyKey);
      return { json: closed, text: said(closed) };
    },
  );
  defineAction(
    books
      .command('reopen')
      .argument('<period>', 'the closed month or quarter')
      .description('Reopen a closed period (admin), saying why')
      .requiredOption('--reason <text>', 'why it is reopened; kept in the history'),
    { role: BOOKS_ACCESS.reopen },
    async (app, opts, [period]) => {
      const params = parseInput(PeriodParams, { period });
      const body = parseInput(ReopenBody, { reason: opts.reason });
      const reopened = await reopenPeriod(app, app.actor, { ...params, ...body }, app.idempotencyKey);
      return { json: reopened, text: said(reopened) };
    },
  );
  defineAction(
    books.command('periods').description('Periods closed or reopened'),
    { role: BOOKS_ACCESS.read, lists: true },
    async (app) => {
      const periods = await listPeriods(app);
      return {
        json: periods,
        text: table(
          periods.map((p) => ({
            ...p,
            state: p.closed ? 'closed' : 'reopened',
            at: p.changedAt.toISOString(),
          })),
          ['period', 'firstDay', 'lastDay', 'state', 'changedBy', 'at', 'note'],
        ),
      };
    },
  );
}
