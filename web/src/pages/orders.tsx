import { SALES_ACCESS } from '../../../src/sales/access.js';
import { Allowed } from '../access.js';
import { ContractActions } from '../actions/contract-actions.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import { count, hashrate, percent, thsAxis, usd, usdExact } from '../format.js';
import { QuarterPicker, useQuarter } from '../quarter.js';
import type {
  ContractDetail,
  ContractList,
  ContractSummary,
  Customer,
  SalesQuarter,
  Scheduled,
} from '../replies.js';
import { Link, navigate, useLocation } from '../router.js';
import { type Column, DataTable, Field, Figure, Section, useApi } from '../ui.js';
import { NewContractPage } from './new-contract.js';

const PAGE = 50;

export function OrdersPage({ rest }: { rest: string }) {
  if (rest === 'new') return <NewContractPage />;
  const m = /^(\d+)$/.exec(rest);
  return m ? <ContractPage id={Number(m[1])} /> : <OrderBook />;
}

/** Undelivered units by the quarter they are due in, late ones told apart. */
export function ScheduleChart({ scheduled, asOf }: { scheduled: Scheduled[]; asOf: string }) {
  return (
    <Chart
      title={`Deliveries still scheduled at the end of ${asOf}, TH/s by quarter`}
      data={scheduled.map((s) => ({
        quarter: s.quarter,
        due: s.late ? 0 : s.th,
        late: s.late ? s.th : 0,
      }))}
      x="quarter"
      series={[
        { key: 'due', label: 'Scheduled', kind: 'bar', stack: 's' },
        {
          key: 'late',
          label: 'Late (due by then, not delivered)',
          kind: 'bar',
          stack: 's',
          color: '#b3261e',
        },
      ]}
      format={thsAxis}
      note={`${count(scheduled.reduce((n, s) => n + s.units, 0))} units (machines and AI chips), ${usd(scheduled.reduce((n, s) => n + BigInt(s.valueCents), 0n))} still to deliver; TH/s counts the machines.`}
    />
  );
}

function OrderBook() {
  const { params } = useLocation();
  const [quarter, setQuarter] = useQuarter();
  const filter = {
    kind: params.get('kind') ?? '',
    status: params.get('status') ?? '',
    customerId: params.get('customerId') ?? '',
    signedIn: params.get('signedIn') ?? '',
  };
  const offset = Number(params.get('offset') ?? 0) || 0;
  const list = useApi<ContractList>(`/api/sales/contracts${query({ ...filter, limit: PAGE, offset })}`);
  const customers = useApi<Customer[]>('/api/sales/customers', { pages: true });
  const figures = useApi<SalesQuarter>(`/api/sales/quarters/${quarter}`);
  const set = (changes: Record<string, string | number>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '' || v === 0) next.delete(k);
      else next.set(k, String(v));
    }
    if (!('offset' in changes)) next.delete('offset');
    navigate(`/orders${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  const columns: Column<ContractSummary>[] = [
    { label: 'Contract', render: (c) => <Link to={`/orders/${c.id}`}>#{c.id}</Link> },
    { label: 'Customer', render: (c) => c.customer },
    { label: 'Kind', render: (c) => c.kind },
    { label: 'Signed', render: (c) => c.signedOn },
    { label: 'Status', render: (c) => <span className={`badge ${c.status}`}>{c.status}</span> },
    { label: 'Value', num: true, render: (c) => usd(c.valueCents) },
    { label: 'Delivered', num: true, render: (c) => `${count(c.deliveredUnits)} / ${count(c.units)} units` },
    { label: 'Paid', num: true, render: (c) => usd(c.paidCents) },
    { label: 'Liability', num: true, render: (c) => usd(c.liabilityCents) },
    { label: 'Receivable', num: true, render: (c) => usd(c.receivableCents) },
    { label: 'Backlog', num: true, render: (c) => usd(c.backlogCents) },
  ];
  return (
    <>
      <div className="page-head">
        <h1>Order book</h1>
        <div className="toolbar">
          <Allowed need={SALES_ACCESS.write} doing="book a contract" quiet>
            <Link to="/orders/new">New contract</Link>
          </Allowed>
          <QuarterPicker quarter={quarter} onChange={setQuarter} />
        </div>
      </div>
      <Section title={`Delivery schedule at the end of ${quarter}`} loaded={figures}>
        {(f) =>
          f.atEnd.scheduled.length === 0 ? (
            <p className="muted">Nothing was left to deliver at the end of {quarter}.</p>
          ) : (
            <ScheduleChart scheduled={f.atEnd.scheduled} asOf={quarter} />
          )
        }
      </Section>
      <Section
        title="Contracts"
        loaded={list}
        actions={
          <form className="toolbar" aria-label="Filter contracts" onSubmit={(e) => e.preventDefault()}>
            <Field
              as="select"
              label="Kind"
              value={filter.kind}
              onChange={(e) => set({ kind: e.target.value })}
            >
              <option value="">any</option>
              <option>spot</option>
              <option>futures</option>
              <option>pre-order</option>
            </Field>
            <Field
              as="select"
              label="Status"
              value={filter.status}
              onChange={(e) => set({ status: e.target.value })}
            >
              <option value="">any</option>
              <option value="open">open (signed or delivering)</option>
              <option>signed</option>
              <option>delivering</option>
              <option>delivered</option>
              <option>cancelled</option>
            </Field>
            <Field
              as="select"
              label="Customer"
              value={filter.customerId}
              onChange={(e) => set({ customerId: e.target.value })}
            >
              <option value="">any</option>
              {(customers.data ?? []).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </Field>
            <Field
              label="Signed in"
              placeholder="2020Q4 or 2020"
              defaultValue={filter.signedIn}
              error={list.error?.field === 'signedIn' ? list.error.message : undefined}
              onBlur={(e) => set({ signedIn: e.target.value.trim() })}
              onKeyDown={(e) => {
                if (e.key === 'Enter') set({ signedIn: e.currentTarget.value.trim() });
              }}
            />
          </form>
        }
      >
        {(data) => (
          <>
            <DataTable
              rows={data.contracts}
              columns={columns}
              keyOf={(c) => c.id}
              empty="No contract matches these filters."
            />
            <nav className="pager" aria-label="Contract pages">
              <span className="muted">
                {data.total === 0
                  ? 'none'
                  : `${count(offset + 1)}–${count(offset + data.contracts.length)} of ${count(data.total)}`}
              </span>
              <button
                type="button"
                className="secondary"
                disabled={offset === 0}
                onClick={() => set({ offset: Math.max(0, offset - PAGE) })}
              >
                Previous
              </button>
              <button
                type="button"
                className="secondary"
                disabled={offset + PAGE >= data.total}
                onClick={() => set({ offset: offset + PAGE })}
              >
                Next
              </button>
            </nav>
          </>
        )}
      </Section>
    </>
  );
}

type HistoryItem = ContractDetail['history'][number];
type Line = ContractDetail['lines'][number];

function describeEvent(h: HistoryItem): string {
  const e = h.event;
  const f = h.effect;
  if (!e) return 'Signed';
  switch (e.type) {
    case 'payment-received':
      return `Payment of ${usdExact(e.amountCents)}${e.reference ? ` (${e.reference})` : ''}`;
    case 'refund':
      return `Refund of ${usdExact(e.amountCents)}`;
    case 'delivery': {
      // The effect was decided with the event and recorded beside it: it is of the same type.
      const d = f?.type === 'delivery' ? f : undefined;
      return `Delivery of ${count(d?.lines.reduce((n, l) => n + l.units, 0) ?? 0)} units, revenue ${usdExact(d?.revenueCents)}`;
    }
    case 'cancellation': {
      const c = f?.type === 'cancellation' ? f : undefined;
      return `Cancelled ${usdExact(c?.valueCents)} undelivered; deposit forfeited ${usdExact(c?.forfeitedCents)}`;
    }
    case 'reschedule':
      return `Tranches rescheduled${e.reason ? `: ${e.reason}` : ''}`;
    default: {
      // Every type is handled above; one a newer server adds still shows by its name.
      const other: { type: string } = e;
      return other.type;
    }
  }
}

const linePrice = (l: Line) =>
  l.price.per === 'th' ? `${usdExact(l.price.centsPerTh)}/TH` : `${usdExact(l.price.centsPerUnit)}/unit`;

function ContractPage({ id }: { id: number }) {
  const c = useApi<ContractDetail>(`/api/sales/contracts/${id}`);
  return (
    <>
      <p>
        <Link to="/orders">← Order book</Link>
      </p>
      <Section
        title={c.data ? `Contract #${id}: ${c.data.customer.name}, ${c.data.kind}` : `Contract #${id}`}
        loaded={c}
      >
        {(k) => (
          <>
            <div className="figures">
              <Figure
                label="Value"
                value={usdExact(k.figures.valueCents)}
                sub={`${count(k.figures.units)} units, ${hashrate(k.figures.th)}`}
                testId="contract-value"
              />
              <Figure
                label="Paid"
                value={usdExact(k.figures.netPaidCents)}
                sub={`deposit due at signing: ${usdExact(k.figures.depositCents)}`}
              />
              <Figure
                label="Revenue recognised"
                value={usd(k.figures.revenueCents)}
                sub={`${count(k.figures.deliveredUnits)} units delivered`}
              />
              <Figure
                label="Contract liability"
                value={usdExact(k.figures.liabilityCents)}
                sub="prepaid, not yet earned"
                testId="contract-liability"
              />
              <Figure label="Receivable" value={usd(k.figures.receivableCents)} sub="earned, not yet paid" />
              <Figure
                label="Backlog"
                value={usd(k.figures.backlogCents)}
                sub={`${count(k.figures.backlogUnits)} units to deliver`}
                testId="contract-backlog"
              />
            </div>
            <h3>Terms</h3>
            <dl className="facts">
              <dt>Status</dt>
              <dd>
                <span className={`badge ${k.figures.status}`}>{k.figures.status}</span>
              </dd>
              <dt>Signed</dt>
              <dd>
                {k.signedOn}
                {k.reference ? `, reference ${k.reference}` : ''}
              </dd>
              <dt>Customer</dt>
              <dd>
                {k.customer.name} ({k.customer.country}, {k.customer.region})
              </dd>
              <dt>Payment</dt>
              <dd>
                {k.terms.depositPercent} % deposit, balance{' '}
                {k.terms.balance.due === 'on-delivery'
                  ? `on delivery, ${k.terms.balance.creditDays ?? 0} days' credit`
                  : 'before shipment'}
                ; deposit {k.terms.depositForfeitedOnCancel ? 'forfeited' : 'refunded'} on cancellation
              </dd>
              {k.lockedToSpot !== null ? (
                <>
                  <dt>Locked price vs spot</dt>
                  <dd>
                    {percent(k.lockedToSpot)} of the {usdExact(k.spotCentsPerTh)}/TH spot on the signing day
                  </dd>
                </>
              ) : null}
            </dl>
            <h3>Lines and delivery schedule</h3>
            <DataTable
              rows={k.lines.flatMap((l) => l.tranches.map((t) => ({ l, t })))}
              keyOf={({ l, t }) => `${l.lineId}-${t.tranche}`}
              columns={[
                { label: 'Line', render: ({ l }) => `${l.lineId}: ${l.productId}` },
                { label: 'Price', num: true, render: ({ l }) => linePrice(l) },
                { label: 'Month', render: ({ t }) => t.month },
                { label: 'Units', num: true, render: ({ t }) => count(t.units) },
                { label: 'Delivered', num: true, render: ({ t }) => count(t.delivered) },
                { label: 'Cancelled', num: true, render: ({ t }) => count(t.cancelled) },
                { label: 'Open', num: true, render: ({ t }) => count(t.open) },
              ]}
            />
          </>
        )}
      </Section>
      {c.data ? <ContractActions contract={c.data} onDone={c.reload} /> : null}
      <Section title="History" loaded={c}>
        {(k) => (
          <DataTable
            rows={[...k.history].reverse()}
            keyOf={(h) => h.eventId}
            columns={[
              { label: 'Day', render: (h) => h.day },
              { label: 'Event', wrap: true, render: (h) => describeEvent(h) },
              { label: 'By', render: (h) => h.actor },
              { label: 'Paid after', num: true, render: (h) => usd(h.figuresAfter.netPaidCents) },
              { label: 'Revenue after', num: true, render: (h) => usd(h.figuresAfter.revenueCents) },
              { label: 'Liability after', num: true, render: (h) => usd(h.figuresAfter.liabilityCents) },
              { label: 'Backlog after', num: true, render: (h) => usd(h.figuresAfter.backlogCents) },
            ]}
          />
        )}
      </Section>
    </>
  );
}
