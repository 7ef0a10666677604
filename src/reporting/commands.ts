import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { listGuidance, recordGuidance } from './guidance.js';
import type { GuidanceMetric } from './guidance-model.js';
import { METRIC_NAMES } from './guidance-model.js';
import { REPORT_FORMATS, renderQuarterlyReport } from './render.js';
import { GuidanceFilter, NewGuidance, ReportParams, ReportQuery } from './schemas.js';

export function registerReportingCommands(program: Command): void {
  defineAction(
    program
      .command('report')
      .argument('<quarter>', 'quarter, e.g. 2020Q4')
      .description('The quarterly report, computed from the books')
      .option('--format <format>', REPORT_FORMATS.join(' | '), 'md')
      .option('--output <file>', 'write to this file instead of standard output'),
    { role: 'viewer' },
    async (app, opts, [quarterText]) => {
      const { quarter } = parseInput(ReportParams, { quarter: quarterText });
      const { format } = parseInput(ReportQuery, { format: opts.format });
      const rendered = await renderQuarterlyReport(app, quarter, format);
      const output = opts.output as string | undefined;
      if (output) {
        writeFileSync(output, rendered.body);
        const size =
          typeof rendered.body === 'string' ? Buffer.byteLength(rendered.body) : rendered.body.length;
        return {
          json: { quarter, format, output, bytes: size },
          text: `wrote the ${quarter} report (${format}, ${size} bytes) to ${output}`,
        };
      }
      if (typeof rendered.body !== 'string') {
        // Binary output goes out as it is; the text after it is empty.
        app.write(rendered.body);
        return { json: { quarter, format, bytes: rendered.body.length }, text: '' };
      }
      return { json: rendered.report, text: rendered.body.replace(/\n$/, '') };
    },
  );

  const guidance = program.command('guidance').description('Guidance given with quarterly results');
  defineAction(
    guidance.command('list').description('List guidance').option('--given-with <quarter>'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const rows = await listGuidance(app, parseInput(GuidanceFilter, pickOptions(opts, ['givenWith'])));
      return {
        json: rows,
        text: table(
          rows.map((g) => ({
            id: g.id,
            given: g.givenWith,
            metric: g.metric,
            period: g.period,
            low: g.low ?? '',
            high: g.high ?? '',
            statement: g.statement,
          })),
          ['id', 'given', 'metric', 'period', 'low', 'high', 'statement'],
        ),
      };
    },
  );
  defineAction(
    guidance
      .command('add')
      .description('Record guidance given with a quarter’s results')
      .requiredOption('--given-with <quarter>')
      .requiredOption('--metric <metric>', METRIC_NAMES.join(' | '))
      .requiredOption('--period <period>', 'a quarter (2021Q1) or a year (2021)')
      .requiredOption('--statement <text>')
      .option('--family <family>')
      .option('--low <n>')
      .option('--high <n>'),
    { role: 'finance' },
    async (app, opts) => {
      const input = parseInput(
        NewGuidance,
        pickOptions(opts, ['givenWith', 'metric', 'period', 'statement', 'family', 'low', 'high']),
      );
      const g = await recordGuidance(
        app,
        app.actor,
        { ...input, metric: input.metric as GuidanceMetric },
        app.idempotencyKey,
      );
      return { json: g, text: `recorded guidance ${g.id}: ${g.statement}` };
    },
  );
}
