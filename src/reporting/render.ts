/** One report in any of its formats, with the content type each is served as. */
import type { AppContext } from '../app/context.js';
import type { Quarter } from '../kernel/calendar.js';
import { toWireJson } from '../kernel/json.js';
import { reportDocument } from './document.js';
import { quarterlyReport } from './frozen.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import type { QuarterlyReport } from './model.js';
import { renderPdf } from './pdf.js';
import type { OptionalSection } from './service.js';

export const REPORT_FORMATS = ['json', 'md', 'html', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

const CONTENT_TYPE: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
};

export interface Rendered {
  report: QuarterlyReport;
  contentType: string;
  body: string | Buffer;
}

export async function renderQuarterlyReport(
  ctx: AppContext,
  quarter: Quarter,
  format: ReportFormat,
  opts: { sections?: readonly OptionalSection[] } = {},
): Promise<Rendered> {
  const report = await quarterlyReport(ctx, quarter, opts);
  const title = `HashForge quarterly report ${quarter}`;
  const body =
    format === 'json'
      ? `${toWireJson(report, 2)}\n`
      : format === 'md'
        ? renderMarkdown(reportDocument(report))
        : format === 'html'
          ? renderHtml(reportDocument(report), title)
          : await renderPdf(reportDocument(report), title, new Date(`${report.asOf}T00:00:00Z`));
  return { report, contentType: CONTENT_TYPE[format], body };
}
