import { useState } from 'react';
import { download } from '../api.js';
import { QuarterPicker, type QuarterProps, quarterPage } from '../quarter.js';
import { saveFile } from '../table/csv.js';
import { ErrorText, useSubmit } from '../ui.js';

const FORMATS = [
  { format: 'pdf', label: 'PDF', ext: 'pdf' },
  { format: 'html', label: 'HTML', ext: 'html' },
  { format: 'md', label: 'Markdown', ext: 'md' },
  { format: 'json', label: 'JSON', ext: 'json' },
] as const;

function DownloadButton({
  quarter,
  format,
  label,
  ext,
}: {
  quarter: string;
  format: string;
  label: string;
  ext: string;
}) {
  const form = useSubmit(async () => {
    const blob = await download(`/api/reports/quarterly/${quarter}?format=${format}`);
    saveFile(`hashforge-${quarter}.${ext}`, blob);
    return blob.size;
  });
  return (
    <span>
      <button
        type="button"
        className={format === 'pdf' ? undefined : 'secondary'}
        disabled={form.busy}
        onClick={() => form.submit()}
      >
        {form.busy ? `Preparing ${label}…` : `Download ${label}`}
      </button>
      <ErrorText error={form.error} />
    </span>
  );
}

export const ReportsPage = quarterPage(Reports);

function Reports({ quarter, setQuarter }: QuarterProps) {
  const [html, setHtml] = useState<{ quarter: string; text: string }>();
  const preview = useSubmit(
    async () => {
      const blob = await download(`/api/reports/quarterly/${quarter}?format=html`);
      return { quarter, text: await blob.text() };
    },
    (r) => setHtml(r),
  );
  return (
    <>
      <div className="page-head">
        <h1>Quarterly report</h1>
      </div>
      <section className="card" aria-labelledby="report-pick">
        <h2 id="report-pick">Formats</h2>
        <p className="muted">
          The report is computed from the books when you ask for it: machines, order book, AI chips, supply,
          self-mining, treasury and guidance against actuals, each figure naming the records behind it.
        </p>
        <div className="toolbar">
          <QuarterPicker quarter={quarter} onChange={setQuarter} />
          {FORMATS.map((f) => (
            <DownloadButton key={f.format} quarter={quarter} {...f} />
          ))}
          <button
            type="button"
            className="secondary"
            disabled={preview.busy}
            onClick={() => preview.submit()}
          >
            {preview.busy ? 'Preparing…' : 'Show here'}
          </button>
        </div>
        <ErrorText error={preview.error} />
      </section>
      {html && html.quarter === quarter ? (
        <section className="card" aria-label={`Report for ${quarter}`}>
          <iframe
            title={`Quarterly report ${quarter}`}
            className="report-frame"
            srcDoc={html.text}
            sandbox=""
          />
        </section>
      ) : null}
    </>
  );
}
