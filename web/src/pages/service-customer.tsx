/**
 * A customer's record as the service desk reads it on the phone with them: the machines they
 * took (serial ranges by delivery), their tickets, and the replacement units sent to them with
 * each one's warranty — read from the books (GET /api/service/warranty/{serial}), never typed in.
 */
import { useState } from 'react';
import { SERVICE_ACCESS } from '../../../src/service/access.js';
import { formatSerial } from '../../../src/service/model.js';
import { Allowed } from '../access.js';
import { count } from '../format.js';
import type { Customer, ServiceCustomerRecord, ServiceWarranty } from '../replies.js';
import { DataTable, Field, Section, useApi, useApiAll } from '../ui.js';

export function CustomerRecordPanel() {
  return (
    <Allowed need={SERVICE_ACCESS.open} doing="read a customer's record" quiet>
      <CustomerRecord />
    </Allowed>
  );
}

/** Rows of each of the record's lists a page: a large customer's record is thousands of deliveries. */
const PAGE = 100;

function CustomerRecord() {
  const customers = useApi<Customer[]>('/api/sales/customers', { pages: true });
  const [id, setId] = useState('');
  const [offset, setOffset] = useState(0);
  const record = useApi<ServiceCustomerRecord>(
    id ? `/api/service/customers/${id}?offset=${offset}&limit=${PAGE}` : null,
  );
  return (
    <Section title="A customer's record" loaded={customers}>
      {(list) => (
        <>
          <Field
            as="select"
            label="Customer"
            value={id}
            onChange={(e) => {
              setId(e.target.value);
              setOffset(0);
            }}
          >
            <option value="">Choose…</option>
            {list.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </Field>
          {record.data ? (
            <>
              <RecordPager record={record.data} onOffset={setOffset} />
              <RecordTables record={record.data} />
            </>
          ) : null}
        </>
      )}
    </Section>
  );
}

/** Which rows of each list this page shows, and the way to the others. */
function RecordPager({
  record,
  onOffset,
}: {
  record: ServiceCustomerRecord;
  onOffset: (offset: number) => void;
}) {
  const { offset, limit, totals } = record;
  const most = Math.max(totals.delivered, totals.replacements, totals.tickets);
  if (most <= limit && offset === 0) return null;
  const of = (n: number) =>
    n <= offset
      ? `none of ${count(n)}`
      : `${count(offset + 1)}–${count(Math.min(n, offset + limit))} of ${count(n)}`;
  return (
    <p className="muted" aria-live="polite">
      Showing deliveries {of(totals.delivered)}, replacements {of(totals.replacements)}, tickets{' '}
      {of(totals.tickets)}.{' '}
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - limit))}>
        Previous page
      </button>{' '}
      <button type="button" disabled={offset + limit >= most} onClick={() => onOffset(offset + limit)}>
        Next page
      </button>
    </p>
  );
}

function RecordTables({ record }: { record: ServiceCustomerRecord }) {
  const warranties = useApiAll<ServiceWarranty>(
    record.replacements.map((r) => `/api/service/warranty/${encodeURIComponent(r.serial)}`),
  );
  const until = new Map((warranties.data ?? []).map((w) => [w.serial, w]));
  return (
    <>
      <h3>Machines delivered</h3>
      <DataTable
        rows={record.delivered}
        keyOf={(r) => `${r.productId}|${r.month}|${r.first}`}
        empty="No machines with serials delivered."
        columns={[
          {
            label: 'Serials',
            render: (r) =>
              `${formatSerial({ ...r, seq: r.first })} to ${formatSerial({ ...r, seq: r.last })}`,
          },
          { label: 'Machines', num: true, render: (r) => count(r.last - r.first + 1) },
          { label: 'Contract', render: (r) => `#${r.contractId}` },
          { label: 'Delivered', render: (r) => r.deliveredOn },
        ]}
      />
      <h3>Replacement units</h3>
      <DataTable
        rows={record.replacements}
        keyOf={(r) => r.ticketId}
        empty="No replacement units sent."
        columns={[
          { label: 'Replacement serial', render: (r) => r.serial },
          { label: 'Replaces', render: (r) => r.replaces ?? '—' },
          { label: 'Ticket', render: (r) => `#${r.ticketId}` },
          { label: 'Shipped', render: (r) => r.shippedOn ?? 'not yet' },
          {
            label: 'Warranty until',
            render: (r) => {
              const w = until.get(r.serial);
              if (!w) return warranties.error ? warranties.error.message : '…';
              return w.until ? `${w.until} (${w.basis === 'repair' ? 'repaired-item term' : w.basis})` : '—';
            },
          },
        ]}
      />
      <h3>Tickets</h3>
      <DataTable
        rows={record.tickets}
        keyOf={(t) => t.id}
        empty="No tickets."
        columns={[
          { label: 'Ticket', render: (t) => `#${t.id}` },
          { label: 'Machine', render: (t) => t.serial ?? '—' },
          { label: 'Class', render: (t) => t.ticketClass },
          { label: 'Step', render: (t) => t.step },
          { label: 'Opened', render: (t) => t.openedAt.slice(0, 10) },
        ]}
      />
    </>
  );
}
