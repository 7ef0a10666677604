/**
 * Supply's records from its page: a wafer order placed under a capacity agreement, and the machines
 * built in a month. Shown only to supply (and admin); the plan above is read again after each.
 */
import { useState } from 'react';
import { SUPPLY_ACCESS } from '../../../src/supply/access.js';
import { Allowed } from '../access.js';
import { api } from '../api.js';
import { count } from '../format.js';
import type { Agreement, Build, BuildRecorded, Design, Foundry, WaferOrder } from '../replies.js';
import { Field, Section, useApi, useSubmit } from '../ui.js';
import { ActionForm, unchosen } from './action-form.js';

export function SupplyActions({ onChange }: { onChange: () => void }) {
  return (
    <Allowed need={SUPPLY_ACCESS.write} doing="record wafer orders and builds" quiet>
      <Section title="Record">
        {() => (
          <div className="actions-grid">
            <PlaceWaferOrder onDone={onChange} />
            <RecordBuild onDone={onChange} />
          </div>
        )}
      </Section>
    </Allowed>
  );
}

/** Optional whole numbers are left out of the request when nothing was typed. */
const optional = (name: string, text: string) => (text.trim() ? { [name]: text.trim() } : {});

function PlaceWaferOrder({ onDone }: { onDone: () => void }) {
  const agreements = useApi<Agreement[]>('/api/supply/agreements');
  const foundries = useApi<Foundry[]>('/api/supply/foundries');
  const designs = useApi<Design[]>('/api/supply/designs');
  const [agreementId, setAgreementId] = useState('');
  const [designId, setDesignId] = useState('');
  const [wafers, setWafers] = useState('');
  const [placedMonth, setPlacedMonth] = useState('');
  const [lead, setLead] = useState('');
  const action = useSubmit(
    (key) =>
      api<WaferOrder>('/api/supply/wafer-orders', {
        method: 'POST',
        body: {
          ...(agreementId ? { agreementId } : {}),
          ...(designId ? { designId } : {}),
          wafers: wafers.trim(),
          placedMonth,
          ...optional('leadTimeMonths', lead),
        },
        idempotencyKey: key,
      }),
    () => {
      setWafers('');
      onDone();
    },
  );
  const foundryName = (id: string) => foundries.data?.find((f) => f.id === id)?.name ?? id;
  return (
    <ActionForm
      title="Place a wafer order"
      action={action}
      fields={['agreementId', 'designId', 'wafers', 'placedMonth', 'leadTimeMonths']}
      submit="Place order"
      busy="Placing…"
      done={(o) =>
        `Wafer order #${o.id} placed: ${count(o.wafers)} wafers of ${o.design.name} at ${o.foundry.name}, out ${o.outMonth}; ${count(o.expectedDies)} good dies expected.`
      }
    >
      <div className="row">
        <Field
          as="select"
          label="Capacity agreement"
          value={agreementId}
          onChange={(e) => setAgreementId(e.target.value)}
          error={unchosen(action.fieldError('agreementId'), 'an agreement')}
        >
          <option value="">Choose…</option>
          {(agreements.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              #{a.id} {foundryName(a.foundryId)}: {count(a.wafersPerMonth)} wafers a month, {a.startMonth} to{' '}
              {a.endMonth}
            </option>
          ))}
        </Field>
        <Field
          as="select"
          label="Design"
          value={designId}
          onChange={(e) => setDesignId(e.target.value)}
          error={unchosen(action.fieldError('designId'), 'a design')}
        >
          <option value="">Choose…</option>
          {(designs.data ?? []).map((d) => (
            <option key={d.id} value={d.id}>
              {d.id}: {d.name}
            </option>
          ))}
        </Field>
      </div>
      <div className="row">
        <Field
          label="Wafers"
          inputMode="numeric"
          className="num"
          value={wafers}
          onChange={(e) => setWafers(e.target.value)}
          error={action.fieldError('wafers')}
        />
        <Field
          label="Placed in"
          type="month"
          value={placedMonth}
          onChange={(e) => setPlacedMonth(e.target.value)}
          error={action.fieldError('placedMonth')}
        />
        <Field
          label="Lead time"
          unit="months"
          inputMode="numeric"
          className="num"
          hint="the foundry's when left empty"
          value={lead}
          onChange={(e) => setLead(e.target.value)}
          error={action.fieldError('leadTimeMonths')}
        />
      </div>
    </ActionForm>
  );
}

function RecordBuild({ onDone }: { onDone: () => void }) {
  const designs = useApi<Design[]>('/api/supply/designs');
  const builds = useApi<Build[]>('/api/supply/builds');
  const [productId, setProductId] = useState('');
  const [month, setMonth] = useState('');
  const [units, setUnits] = useState('');
  const action = useSubmit(
    (key) =>
      api<BuildRecorded>('/api/supply/builds', {
        method: 'POST',
        body: { ...(productId ? { productId } : {}), month, units: units.trim() },
        idempotencyKey: key,
      }),
    () => {
      setUnits('');
      builds.reload();
      onDone();
    },
  );
  const models = (designs.data ?? []).flatMap((d) => d.models.map((m) => ({ ...m, design: d })));
  // A month already recorded is replaced, not added to: that is asked first.
  const earlier = builds.data?.find((b) => b.productId === productId && b.month === month);
  return (
    <ActionForm
      title="Record machines built"
      action={action}
      fields={['productId', 'month', 'units']}
      submit="Record build"
      busy="Recording…"
      intro="One record per model and month; recording a month again replaces its figure."
      confirm={
        earlier
          ? {
              title: `Replace the ${productId} built in ${month}?`,
              body: (
                <p>
                  {count(earlier.units)} {productId} are recorded as built in {month}. Recording{' '}
                  {units.trim()} replaces that figure, and the plan's output and allocation with it.
                </p>
              ),
              yes: 'Yes, replace it',
              busy: 'Recording…',
            }
          : undefined
      }
      done={(b) =>
        `Recorded ${count(b.units)} ${b.productId} built in ${b.month}, using ${count(b.chipsUsed)} ${b.designId} chips.`
      }
    >
      <div className="row">
        <Field
          as="select"
          label="Machine model"
          value={productId}
          onChange={(e) => setProductId(e.target.value)}
          error={unchosen(action.fieldError('productId'), 'a machine model')}
        >
          <option value="">Choose…</option>
          {models.map((m) => (
            <option key={m.productId} value={m.productId}>
              {m.productId} ({m.chipsPerMachine} {m.design.id} chips each)
            </option>
          ))}
        </Field>
        <Field
          label="Month built"
          type="month"
          value={month}
          onChange={(e) => setMonth(e.target.value)}
          error={action.fieldError('month')}
        />
        <Field
          label="Machines built"
          inputMode="numeric"
          className="num"
          value={units}
          onChange={(e) => setUnits(e.target.value)}
          error={action.fieldError('units')}
        />
      </div>
    </ActionForm>
  );
}
