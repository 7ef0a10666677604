import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { type Progress, progress as progressBar } from '../cli/progress.js';
import { AppError } from '../kernel/errors.js';
import { toWireJson } from '../kernel/json.js';
import { listEvents } from './audit.js';
import { rebuildLedger } from './rebuild.js';
import { AuditQuery, RebuildOptions, VerifyOptions } from './schemas.js';
import { openRebuildTarget, openScratch } from './scratch.js';
import { type Difference, type VerifyReport, verifyLedger } from './verify.js';

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
      .option(
        '--after <id>',
        'only events after this one, the last id given: the next page, or what is new since',
      )
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

  const ledger = program
    .command('ledger')
    .description('Check the tables against the events, or rebuild a database from them');

  defineAction(
    ledger
      .command('verify')
      .description(
        'Rebuild every derived table from the events into a scratch database and list each difference (exit 3 when any)',
      )
      .option('--limit <n>', 'list at most this many differences (all are counted)', '1000'),
    { role: 'admin' },
    async (app, opts) => {
      const { limit } = parseInput(VerifyOptions, { limit: opts.limit });
      const scratch = await openScratch(app.config.database);
      let report: VerifyReport;
      try {
        report = await verifyLedger(app, { db: scratch.db, projections: app.projections }, app.tables, {
          limit,
          progress: phases({ replaying: 'replaying events', comparing: 'comparing rows' }),
        });
      } finally {
        await scratch.close();
      }
      const output = { json: { ...report, scratch: scratch.where }, text: verifyText(report, scratch.where) };
      if (report.differenceCount === 0 && report.undeclared.length === 0) return output;
      // The report is the output either way; the exit code tells a script it found something.
      app.write(new TextEncoder().encode(opts.json ? `${toWireJson(output.json, 2)}\n` : `${output.text}\n`));
      throw new AppError(
        'conflict',
        'ledger.tables-differ',
        report.differenceCount > 0
          ? `${report.differenceCount} difference(s) between the stored tables and their rebuild from the events.`
          : `Table(s) ${report.undeclared.join(', ')} are not declared derived or not by any module.`,
        undefined,
        { differences: report.differenceCount, undeclared: report.undeclared },
      );
    },
  );

  defineAction(
    ledger
      .command('rebuild')
      .description('Build a new database from the events, ready to take writes')
      .requiredOption('--into <dir or URL>', 'a new directory, or the postgres:// URL of an empty database'),
    { role: 'admin' },
    async (app, opts) => {
      const { into } = parseInput(RebuildOptions, { into: opts.into });
      const target = await openRebuildTarget(into);
      try {
        const report = await rebuildLedger(app, { db: target.db, projections: app.projections }, app.tables, {
          progress: phases({ replaying: 'replaying events', copying: 'copying tables' }),
        });
        const copied = report.tables.filter((t) => t.filled === 'copied');
        const text = [
          `rebuilt ${target.where} from ${report.events.toLocaleString('en-US')} events (through event ${report.throughEventId ?? 'none'})`,
          `${report.tables.length - copied.length} tables replayed; copied as stored: ${copied.map((t) => `${t.table} (${t.rows.toLocaleString('en-US')} rows)`).join(', ')}`,
        ].join('\n');
        return { json: { into: target.where, ...report }, text };
      } finally {
        await target.close();
      }
    },
  );
}

/** A progress bar per phase of a long ledger job, named for the person watching. */
function phases<P extends string>(labels: Record<P, string>) {
  let bar: Progress | undefined;
  return {
    start(phase: P, total: number) {
      bar = progressBar(total, labels[phase]);
    },
    tick: (by: number) => bar?.tick(by),
    stop: () => bar?.stop(),
  };
}

function verifyText(r: VerifyReport, where: string): string {
  const rows = r.tables.reduce((s, t) => s + t.rows, 0);
  const head = `replayed ${r.events.toLocaleString('en-US')} events (through event ${r.throughEventId ?? 'none'}) into ${where}; compared ${r.tables.length} derived tables, ${rows.toLocaleString('en-US')} rows`;
  const lines = [head];
  if (r.differenceCount === 0)
    lines.push('no differences: every derived table matches its rebuild from the events');
  else {
    lines.push(`${r.differenceCount.toLocaleString('en-US')} difference(s):`);
    for (const d of r.differences) lines.push(differenceLine(d));
    if (r.differences.length < r.differenceCount)
      lines.push(`… ${r.differenceCount - r.differences.length} more (raise --limit)`);
  }
  if (r.undeclared.length > 0)
    lines.push(`not declared derived or not by any module: ${r.undeclared.join(', ')}`);
  return lines.join('\n');
}

function differenceLine(d: Difference): string {
  const key = Object.entries(d.key)
    .map(([k, v]) => `${k}=${toWireJson(v)}`)
    .join(' ');
  switch (d.kind) {
    case 'changed':
      return `${d.table} ${key}: ${d.column} stored ${toWireJson(d.stored)}, rebuilt ${toWireJson(d.rebuilt)}`;
    case 'missing':
      return `${d.table} ${key}: missing (the events make this row; it is not stored)`;
    case 'extra':
      return `${d.table} ${key}: extra (stored; no event makes it)`;
  }
}
