/**
 * Booking a contract in the browser, as sales does it: the customer (or a new one), spot, futures
 * or pre-order, the payment terms, and lines of product × units at a locked price with their
 * delivery tranches. The API checks everything; its refusal shows beside the field it names.
 */
import { useState } from 'react';
import { SALES_ACCESS } from '../../../src/sales/access.js';
import { REGIONS } from '../../../src/sales/model.js';
import { Allowed } from '../access.js';
import { unchosen } from '../actions/action-form.js';
import { api } from '../api.js';
import { today } from '../format.js';
import type { ContractView, Customer, Product } from '../replies.js';
import { Link, navigate } from '../router.js';
import { ErrorText, Field, Section, useApi, useSubmit } from '../ui.js';

interface TrancheRow {
  /** Which row this is to React, kept while the user edits it. */
  key: number;
  month: string;
  units: string;
}
interface LineRow {
  key: number;
  productId: string;
  units: string;
  price: string;
  tranches: TrancheRow[];
}

let rows = 0;
const emptyTranche = (): TrancheRow => ({ key: ++rows, month: '', units: '' });
const emptyLine = (): LineRow => ({
  key: ++rows,
  productId: '',
  units: '',
  price: '',
  tranches: [emptyTranche()],
});

export function NewContractPage() {
  // Kept here, so that a customer added above is the one the contract is for.
  const [customerId, setCustomerId] = useState('');
  const products = useApi<Product[]>('/api/catalog/products');
  const customers = useApi<Customer[]>('/api/sales/customers', { pages: true });
  return (
    <>
      <div className="page-head">
        <h1>New contract</h1>
        <Link to="/orders">← Order book</Link>
      </div>
      <Allowed need={SALES_ACCESS.write} doing="book a contract">
        <NewCustomerForm
          onAdded={(c) => {
            customers.reload();
            setCustomerId(String(c.id));
          }}
        />
        <Section title="Contract" loaded={products} primary>
          {(p) => (
            <ContractForm
              products={p}
              customers={customers.data ?? []}
              customerId={customerId}
              setCustomerId={setCustomerId}
            />
          )}
        </Section>
      </Allowed>
    </>
  );
}

function NewCustomerForm({ onAdded }: { onAdded: (customer: Customer) => void }) {
  const [name, setName] = useState('');
  const [country, setCountry] = useState('');
  const [region, setRegion] = useState<string>(REGIONS[0]);
  const form = useSubmit(
    (key) =>
      api<Customer>('/api/sales/customers', {
        method: 'POST',
        body: { name, country, region },
        idempotencyKey: key,
      }),
    (customer) => {
      setName('');
      setCountry('');
      onAdded(customer);
    },
  );
  return (
    <Section title="A new customer">
      {() => (
        <form onSubmit={form.submit} aria-label="New customer">
          <div className="row">
            <Field
              label="Customer name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              error={form.fieldError('name')}
            />
            <Field
              label="Country"
              hint="two letters, e.g. US"
              value={country}
              onChange={(e) => setCountry(e.target.value)}
              error={form.fieldError('country')}
            />
            <Field
              as="select"
              label="Region"
              value={region}
              onChange={(e) => setRegion(e.target.value)}
              error={form.fieldError('region')}
            >
              {REGIONS.map((r) => (
                <option key={r}>{r}</option>
              ))}
            </Field>
          </div>
          <ErrorText error={form.formError(['name', 'country', 'region'])} />
          <button type="submit" className="secondary" disabled={form.busy}>
            {form.busy ? 'Adding…' : 'Add customer'}
          </button>
          {form.done ? (
            <p className="ok" role="status">
              {form.done.name} added, and chosen for the contract below.
            </p>
          ) : null}
        </form>
      )}
    </Section>
  );
}

function ContractForm({
  products,
  customers,
  customerId,
  setCustomerId,
}: {
  products: Product[];
  customers: Customer[];
  customerId: string;
  setCustomerId: (id: string) => void;
}) {
  const [kind, setKind] = useState('futures');
  const [signedOn, setSignedOn] = useState(today());
  const [deposit, setDeposit] = useState('30');
  const [balance, setBalance] = useState('before-shipment');
  const [creditDays, setCreditDays] = useState('0');
  const [forfeited, setForfeited] = useState(true);
  const [lines, setLines] = useState<LineRow[]>([emptyLine()]);
  const kindOf = (id: string) => products.find((p) => p.id === id)?.kind;
  const form = useSubmit(
    (key) =>
      api<ContractView>('/api/sales/contracts', {
        method: 'POST',
        idempotencyKey: key,
        body: {
          // A list left at "Choose…" sends nothing: the API's "is required" is said as what to do.
          ...(customerId ? { customerId } : {}),
          kind,
          signedOn,
          terms: {
            depositPercent: deposit,
            balance,
            creditDays,
            depositForfeitedOnCancel: forfeited,
          },
          lines: lines.map((l) => {
            // Rows left blank are not sent: no tranches means all in the signing month.
            const tranches = l.tranches
              .filter((t) => t.month || t.units)
              .map(({ month, units }) => ({ month, units }));
            return {
              ...(l.productId ? { productId: l.productId } : {}),
              units: l.units,
              [kindOf(l.productId) === 'ai-chip' ? 'usdPerUnit' : 'usdPerTh']: l.price,
              ...(tranches.length > 0 ? { tranches } : {}),
            };
          }),
        },
      }),
    (contract) => navigate(`/orders/${contract.id}`),
  );
  const setLine = (i: number, change: Partial<LineRow>) =>
    setLines((ls) => ls.map((l, j) => (j === i ? { ...l, ...change } : l)));
  const setTranche = (i: number, t: number, change: Partial<TrancheRow>) =>
    setLine(i, { tranches: lines[i]!.tranches.map((x, k) => (k === t ? { ...x, ...change } : x)) });
  // Every field shown above; a refusal naming none of them (a product at end of life) is said
  // under the form. Tranches not adding up to their line are said under that line's tranches.
  const shown = [
    'customerId',
    'kind',
    'signedOn',
    'terms.depositPercent',
    'terms.balance',
    'terms.creditDays',
    ...lines.flatMap((l, i) => [
      `lines.${i}.productId`,
      `lines.${i}.units`,
      `lines.${i}.usdPerTh`,
      `lines.${i}.usdPerUnit`,
      `lines.${i}.tranches`,
      ...l.tranches.flatMap((_, k) => [`lines.${i}.tranches.${k}.month`, `lines.${i}.tranches.${k}.units`]),
    ]),
  ];
  /** Only a refusal of the line's schedule as a whole: one tranche's field is said beside it. */
  const scheduleError = (i: number) =>
    form.error?.field === `lines.${i}.tranches` ? form.error.message : undefined;
  return (
    <form onSubmit={form.submit} aria-label="New contract">
      <div className="row">
        <Field
          as="select"
          label="Customer"
          value={customerId}
          onChange={(e) => setCustomerId(e.target.value)}
          error={unchosen(form.fieldError('customerId'), 'a customer')}
        >
          <option value="">Choose…</option>
          {customers.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </Field>
        <Field
          as="select"
          label="Kind"
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          error={form.fieldError('kind')}
        >
          <option value="futures">futures</option>
          <option value="spot">spot</option>
          <option value="pre-order">pre-order</option>
        </Field>
        <Field
          label="Signed on"
          type="date"
          value={signedOn}
          onChange={(e) => setSignedOn(e.target.value)}
          error={form.fieldError('signedOn')}
        />
      </div>
      <fieldset>
        <legend>Payment terms</legend>
        <div className="row">
          <Field
            label="Deposit"
            unit="%"
            inputMode="decimal"
            className="num"
            value={deposit}
            onChange={(e) => setDeposit(e.target.value)}
            error={form.fieldError('terms.depositPercent')}
          />
          <Field
            as="select"
            label="Balance"
            value={balance}
            onChange={(e) => setBalance(e.target.value)}
            error={form.fieldError('terms.balance')}
          >
            <option value="before-shipment">before each tranche ships</option>
            <option value="on-delivery">on delivery, with credit</option>
          </Field>
          <Field
            label="Credit"
            unit="days"
            inputMode="numeric"
            className="num"
            value={creditDays}
            onChange={(e) => setCreditDays(e.target.value)}
            error={form.fieldError('terms.creditDays')}
          />
          <label className="check">
            <input type="checkbox" checked={forfeited} onChange={(e) => setForfeited(e.target.checked)} />{' '}
            Deposit forfeited on cancellation
          </label>
        </div>
      </fieldset>
      {lines.map((line, i) => (
        <fieldset key={line.key}>
          <legend>Line {i + 1}</legend>
          <div className="row">
            <Field
              as="select"
              label={`Line ${i + 1} product`}
              value={line.productId}
              onChange={(e) => setLine(i, { productId: e.target.value })}
              error={unchosen(form.fieldError(`lines.${i}.productId`), 'a product')}
            >
              <option value="">Choose…</option>
              {products.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id} · {p.name} ({p.stage})
                </option>
              ))}
            </Field>
            <Field
              label={`Line ${i + 1} units`}
              inputMode="numeric"
              className="num"
              value={line.units}
              onChange={(e) => setLine(i, { units: e.target.value })}
              error={form.fieldError(`lines.${i}.units`)}
            />
            <Field
              label={`Line ${i + 1} price`}
              unit={kindOf(line.productId) === 'ai-chip' ? 'USD/unit' : 'USD/TH'}
              inputMode="decimal"
              className="num"
              value={line.price}
              onChange={(e) => setLine(i, { price: e.target.value })}
              error={form.fieldError(`lines.${i}.usdPerTh`) ?? form.fieldError(`lines.${i}.usdPerUnit`)}
            />
          </div>
          {line.tranches.map((t, k) => (
            <div className="row" key={t.key}>
              <Field
                label={`Line ${i + 1} tranche ${k + 1} month`}
                type="month"
                value={t.month}
                onChange={(e) => setTranche(i, k, { month: e.target.value })}
                error={form.fieldError(`lines.${i}.tranches.${k}.month`)}
              />
              <Field
                label={`Line ${i + 1} tranche ${k + 1} units`}
                inputMode="numeric"
                className="num"
                value={t.units}
                onChange={(e) => setTranche(i, k, { units: e.target.value })}
                error={form.fieldError(`lines.${i}.tranches.${k}.units`)}
              />
            </div>
          ))}
          <ErrorText error={scheduleError(i)} />
          <button
            type="button"
            className="secondary"
            onClick={() => setLine(i, { tranches: [...line.tranches, emptyTranche()] })}
          >
            Add a tranche to line {i + 1}
          </button>
        </fieldset>
      ))}
      <button type="button" className="secondary" onClick={() => setLines((ls) => [...ls, emptyLine()])}>
        Add a line
      </button>
      <ErrorText error={form.formError(shown)} />
      <button type="submit" disabled={form.busy}>
        {form.busy ? 'Booking…' : 'Book contract'}
      </button>
    </form>
  );
}
