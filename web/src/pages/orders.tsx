import { SALES_ACCESS } from '../../../src/sales/access.js';
import { Allowed } from '../access.js';
import { ContractActions } from '../actions/contract-actions.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import { count, hashrate, percent, thsAxis, usd, usdExact } from '../format.js';
import { NotFound } from '../not-found.js';
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
import { columnKey, countColumn, textColumn, usdColumn } from '../table/columns.js';
import { useTableView } from '../table/state.js';
import { type Column, DataTable, Field, Figure, type Loaded, Section, useApi } from '../ui.js';
import { NewContractPage } from './new-contract.js';

const CONTRACTS_VIEW = { sort: '-signedOn' };

export function OrdersPage({ rest }: { rest: string }) {
  if (rest === 'new') return <NewContractPage />;
  if (rest === '') return <OrderBook />;
  const m = /^(\d+)$/.exec(rest);
  return m ? <ContractPage id={Number(m[1])} /> : <NoContract rest={rest} />;
}

const NoContract = ({ rest }: { rest: string }) => (
  <NotFound what={`There is no contract ${rest}.`} back={{ to: '/orders', label: 'the order book' }} />
);

function ContractPage({ id }: { id: number }) {
  const c = useApi<ContractDetail>(`/api/sales/contracts/${id}`);
  if (c.error?.status === 404) return <NoContract rest={`#${id}`} />;
  return <ContractView id={id} c={c} />;
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

/** The order book's columns; the keys are the API's sort keys. */
const CONTRACT_COLUMNS: Column<ContractSummary>[] = [
  {
    label: 'Contract',
    key: 'id',
    num: true,
    value: (c) => c.id,
    csv: (c) => c.id,
    render: (c) => <Link to={`/orders/${c.id}`}>#{c.id}</Link>,
  },
  textColumn('Customer', (c) => c.customer),
  textColumn('Kind', (c) => c.kind),
  textColumn('Signed', (c) => c.signedOn, { key: 'signedOn' }),
  textColumn('Status', (c) => c.status, {
    render: (c) => <span className={`badge ${c.status}`}>{c.status}</span>,
  }),
  usdColumn('Value', (c) => c.valueCents),
  countColumn('Delivered', (c) => c.deliveredUnits, {
    unit: 'units',
    render: (c) => `${count(c.deliveredUnits)} / ${count(c.units)}`,
    csv: (c) => c.deliveredUnits,
  }),
  usdColumn('Paid', (c) => c.paidCents),
  usdColumn('Liability', (c) => c.liabilityCents),
  usdColumn('Receivable', (c) => c.receivableCents, { hidden: true }),
  usdColumn('Backlog', (c) => c.backlogCents),
];
const SORTABLE = CONTRACT_COLUMNS.map(columnKey);

function OrderBook() {
  const { params } = useLocation();
  const [quarter, setQuarter] = useQuarter();
  const filter = {
    kind: params.get('kind') ?? '',
    status: params.get('status') ?? '',
    customerId: params.get('customerId') ?? '',
    signedIn: params.get('signedIn') ?? '',
  };
  // The book opens on the latest contracts; the view (sort, search, page) is in the URL.
  const [view] = useTableView('contracts', CONTRACTS_VIEW);
  const listQuery = { ...filter, sort: view.sort, search: view.search };
  const list = useApi<ContractList>(
    `/api/sales/contracts${query({ ...listQuery, limit: view.size, offset: (view.page - 1) * view.size })}`,
    { keep: true },
  );
  const customers = useApi<Customer[]>('/api/sales/customers', { pages: true });
  // The quarter's figures once it is known; the contracts need no quarter and are asked at once.
  const figures = useApi<SalesQuarter>(quarter ? `/api/sales/quarters/${quarter}` : null);
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(changes)) {
      if (v === '') next.delete(k);
      else next.set(k, v);
    }
    next.delete('contracts.page');
    navigate(`/orders${next.toString() ? `?${next}` : ''}`, { replace: true, keepScroll: true });
  };
  return (
    <>
      <div className="page-head">
        <h1>Order book</h1>
        <div className="toolbar">
          <Allowed need={SALES_ACCESS.write} doing="book a contract" quiet>
            <Link to="/orders/new">New contract</Link>
          </Allowed>
          {quarter ? <QuarterPicker quarter={quarter} onChange={setQuarter} /> : null}
        </div>
      </div>
      <Section title="Contracts" loaded={list} primary>
        {(data) => (
          <DataTable
            id="contracts"
            rows={data.contracts}
            columns={CONTRACT_COLUMNS}
            keyOf={(c) => c.id}
            defaults={CONTRACTS_VIEW}
            server={{ total: data.total, sortable: SORTABLE }}
            busy={list.loading}
            searchHint="number or name"
            exportAll={`/api/sales/contracts.csv${query(listQuery)}`}
            empty="No contract matches these filters."
            toolbar={
              <>
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
              </>
            }
          />
        )}
      </Section>
      <Section title={`Delivery schedule at the end of ${quarter ?? 'the quarter'}`} loaded={figures}>
        {(f) =>
          f.atEnd.scheduled.length === 0 ? (
            <p className="muted">Nothing was left to deliver at the end of {f.quarter}.</p>
          ) : (
            <ScheduleChart scheduled={f.atEnd.scheduled} asOf={f.quarter} />
          )
        }
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

type TrancheRow = { l: Line; t: Line['tranches'][number] };
const TRANCHE_COLUMNS: Column<TrancheRow>[] = [
  textColumn('Month', ({ t }) => t.month),
  textColumn('Line', ({ l }) => `${l.lineId}: ${l.productId}`),
  {
    label: 'Price',
    num: true,
    render: ({ l }) => linePrice(l),
    value: ({ l }) => BigInt(l.price.per === 'th' ? l.price.centsPerTh : l.price.centsPerUnit),
  },
  countColumn('Units', ({ t }) => t.units),
  countColumn('Delivered', ({ t }) => t.delivered),
  countColumn('Cancelled', ({ t }) => t.cancelled),
  countColumn('Open', ({ t }) => t.open),
];

const linePrice = (l: Line) =>
  l.price.per === 'th' ? `${usdExact(l.price.centsPerTh)}/TH` : `${usdExact(l.price.centsPerUnit)}/unit`;

function ContractView({ id, c }: { id: number; c: Loaded<ContractDetail> }) {
  return (
    <>
      <p>
        <Link to="/orders">← Order book</Link>
      </p>
      <Section
        title={c.data ? `Contract #${id}: ${c.data.customer.name}, ${c.data.kind}` : `Contract #${id}`}
        loaded={c}
        primary
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
            {/* By month, as the customer reads a schedule; lines are told apart in their column. */}
            <DataTable
              id="tranches"
              defaults={{ sort: 'month' }}
              rows={k.lines.flatMap((l) => l.tranches.map((t) => ({ l, t })))}
              keyOf={({ l, t }) => `${l.lineId}-${t.tranche}`}
              columns={TRANCHE_COLUMNS}
            />
          </>
        )}
      </Section>
      {c.data ? <ContractActions contract={c.data} onDone={c.reload} /> : null}
      <Section title="History" loaded={c}>
        {(k) => (
          <DataTable
            id="history"
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
