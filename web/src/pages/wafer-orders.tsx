/**
 * The wafer orders behind the plan: what was ordered where, when it comes out, and what arrived.
 * Supply can cancel an order the fab has not run; the plan then stops expecting its chips.
 */
import { useState } from 'react';
import { SUPPLY_ACCESS } from '../../../src/supply/access.js';
import { Allowed } from '../access.js';
import { api } from '../api.js';
import { count } from '../format.js';
import type { WaferOrder } from '../replies.js';
import { DataTable, ErrorText, Field, Section, useApi, useSubmit } from '../ui.js';

export function WaferOrders({ onChange }: { onChange: () => void }) {
  const orders = useApi<WaferOrder[]>('/api/supply/wafer-orders', { pages: true });
  const changed = () => {
    orders.reload();
    onChange();
  };
  return (
    <Section title="Wafer orders" loaded={orders}>
      {(list) => (
        <DataTable
          rows={[...list].reverse()}
          keyOf={(o) => o.id}
          empty="No wafer orders yet."
          columns={[
            { label: 'Order', render: (o) => `#${o.id}` },
            { label: 'Design', render: (o) => o.design.name },
            {
              label: 'Foundry',
              render: (o) => <span title={`agreement #${o.agreementId}`}>{o.foundry.name}</span>,
            },
            { label: 'Wafers', num: true, render: (o) => count(o.wafers) },
            { label: 'Placed', render: (o) => o.placedMonth },
            { label: 'Out', render: (o) => o.outMonth },
            { label: 'Status', render: (o) => <span className={`badge ${o.status}`}>{o.status}</span> },
            {
              label: 'Good dies expected',
              num: true,
              render: (o) => (o.status === 'cancelled' ? '—' : count(o.expectedDies)),
            },
            {
              label: 'Chips received',
              num: true,
              render: (o) => (o.chipsReceived === null ? '—' : count(o.chipsReceived)),
            },
            {
              label: '',
              wrap: true,
              render: (o) =>
                o.cancelled ? (
                  `cancelled ${o.cancelled.month}: ${o.cancelled.reason}`
                ) : o.status === 'placed' ? (
                  <Allowed need={SUPPLY_ACCESS.write} doing="cancel an order" quiet>
                    <CancelOrder order={o} onDone={changed} />
                  </Allowed>
                ) : null,
            },
          ]}
        />
      )}
    </Section>
  );
}

function CancelOrder({ order, onDone }: { order: WaferOrder; onDone: () => void }) {
  const [open, setOpen] = useState(false);
  const [month, setMonth] = useState(order.placedMonth);
  const [reason, setReason] = useState('');
  const form = useSubmit(
    (key) =>
      api<WaferOrder>(`/api/supply/wafer-orders/${order.id}/cancellation`, {
        method: 'POST',
        body: { month, reason },
        idempotencyKey: key,
      }),
    onDone,
  );
  if (!open)
    return (
      <button type="button" className="secondary" onClick={() => setOpen(true)}>
        Cancel #{order.id}
      </button>
    );
  return (
    <form onSubmit={form.submit} aria-label={`Cancel wafer order ${order.id}`}>
      <div className="row">
        <Field
          label="Cancelled in"
          type="month"
          value={month}
          onChange={(e) => setMonth(e.target.value)}
          error={form.fieldError('month')}
        />
        <Field
          label="Why"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={form.fieldError('reason')}
        />
      </div>
      <ErrorText error={form.formError(['month', 'reason'])} />
      <button type="submit" className="danger" disabled={form.busy}>
        {form.busy ? 'Cancelling…' : `Yes, cancel #${order.id}`}
      </button>{' '}
      <button type="button" className="secondary" onClick={() => setOpen(false)}>
        Keep it
      </button>
    </form>
  );
}
