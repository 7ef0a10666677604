/**
 * Closing the books: the months and quarters finance has closed (writes dated inside them are
 * refused), closing the next, and — an admin's decision, with the reason kept — reopening one.
 */
import { useState } from 'react';
import { BOOKS_ACCESS } from '../../../src/books/access.js';
import { Allowed } from '../access.js';
import { ActionForm } from '../actions/action-form.js';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import type { Period } from '../replies.js';
import { DataTable, Field, Section, useApi, useSubmit } from '../ui.js';

export function PeriodsPage() {
  const periods = useApi<Period[]>('/api/books/periods');
  return (
    <>
      <div className="page-head">
        <h1>Closing the books</h1>
      </div>
      <Section title="Periods closed or reopened" loaded={periods} primary>
        {(list) => (
          <DataTable
            rows={[...list].reverse()}
            keyOf={(p) => p.period}
            empty="No period has been closed yet."
            columns={[
              { label: 'Period', render: (p) => p.period },
              { label: 'Days', render: (p) => `${p.firstDay} to ${p.lastDay}` },
              {
                label: 'Status',
                render: (p) => (
                  <span className={`badge ${p.closed ? 'cancelled' : 'open'}`}>
                    {p.closed ? 'closed' : 'reopened'}
                  </span>
                ),
              },
              { label: 'Changed', render: (p) => `${dateTime(p.changedAt)} by ${p.changedBy}` },
              { label: 'Note or reason', wrap: true, render: (p) => p.note ?? '' },
            ]}
          />
        )}
      </Section>
      <section className="card" aria-label="Close or reopen">
        <div className="actions-grid">
          <Allowed need={BOOKS_ACCESS.close} doing="close a period">
            <ClosePeriod onDone={periods.reload} />
          </Allowed>
          <Allowed need={BOOKS_ACCESS.reopen} doing="reopen a closed period">
            <ReopenPeriod closed={(periods.data ?? []).filter((p) => p.closed)} onDone={periods.reload} />
          </Allowed>
        </div>
      </section>
    </>
  );
}

const path = (period: string, what: 'close' | 'reopen') =>
  `/api/books/periods/${encodeURIComponent(period.trim())}/${what}`;

function ClosePeriod({ onDone }: { onDone: () => void }) {
  const [period, setPeriod] = useState('');
  const [note, setNote] = useState('');
  const action = useSubmit(
    (key) =>
      api<Period>(path(period, 'close'), {
        method: 'POST',
        body: note.trim() ? { note: note.trim() } : {},
        idempotencyKey: key,
      }),
    () => {
      setPeriod('');
      setNote('');
      onDone();
    },
  );
  return (
    <ActionForm
      title="Close a period"
      action={action}
      fields={['period', 'note']}
      submit="Close period"
      busy="Closing…"
      intro="Once its figures are reported: from then on, anything dated inside it is refused."
      done={(p) => `${p.period} closed: nothing dated ${p.firstDay} to ${p.lastDay} can be recorded now.`}
    >
      <div className="row">
        <Field
          label="Period"
          hint="a month, 2020-12, or a quarter, 2020Q4"
          value={period}
          onChange={(e) => setPeriod(e.target.value)}
          error={action.fieldError('period')}
        />
        <Field
          label="Note"
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={action.fieldError('note')}
        />
      </div>
    </ActionForm>
  );
}

function ReopenPeriod({ closed, onDone }: { closed: Period[]; onDone: () => void }) {
  // The period closed last, unless another is picked.
  const [picked, setPicked] = useState<string>();
  const [reason, setReason] = useState('');
  const chosen = closed.find((p) => p.period === picked) ?? closed.at(-1);
  const action = useSubmit(
    (key) =>
      api<Period>(path(chosen?.period ?? '', 'reopen'), {
        method: 'POST',
        body: { reason },
        idempotencyKey: key,
      }),
    () => {
      setPicked(undefined);
      setReason('');
      onDone();
    },
  );
  return (
    <ActionForm
      title="Reopen a closed period"
      action={action}
      fields={['period', 'reason']}
      submit="Reopen…"
      busy="Reopening…"
      unavailable={!chosen && 'No period is closed, so there is none to reopen.'}
      intro="Reopening lets writes dated inside the period through again, and can change figures already reported."
      confirm={
        chosen && {
          title: `Reopen ${chosen.period}?`,
          body: (
            <p>
              Anything dated {chosen.firstDay} to {chosen.lastDay} can be recorded again, and the figures
              reported for {chosen.period} may change. The reason is kept in the period's history.
            </p>
          ),
          yes: `Yes, reopen ${chosen.period}`,
          busy: 'Reopening…',
        }
      }
      done={(p) => `${p.period} reopened: ${p.note}`}
    >
      <div className="row">
        <Field
          as="select"
          label="Closed period"
          value={chosen?.period ?? ''}
          onChange={(e) => setPicked(e.target.value)}
          error={action.fieldError('period')}
        >
          {closed.map((p) => (
            <option key={p.period}>{p.period}</option>
          ))}
        </Field>
        <Field
          label="Reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={action.fieldError('reason')}
        />
      </div>
    </ActionForm>
  );
}
