import { useState } from 'react';
import { addMonths } from '../../../src/kernel/calendar.js';
import { SupplyActions } from '../actions/supply-actions.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import { count } from '../format.js';
import type { Plan } from '../replies.js';
import { Link } from '../router.js';
import { DataTable, Field, Figure, Section, useApi } from '../ui.js';
import { ChipOrder } from './chip-order.js';
import { FailureRates } from './service.js';
import { WaferOrders } from './wafer-orders.js';

type PlanModelRow = Plan['months'][number]['models'][number];

/** A model with something to show in a month: wafers out, machines built or units due. */
const active = (m: PlanModelRow) =>
  m.design.wafersOut > 0 || m.machinesBuilt > 0 || m.allocation.unitsDue > 0 || m.allocation.stockStart > 0;

const toTranches = (m: PlanModelRow) => m.allocation.tranches.reduce((n, t) => n + t.units, 0);
const delivered = (m: PlanModelRow) =>
  m.allocation.tranches.reduce((n, t) => n + (t.recorded ? t.units : 0), 0);
const sumOf = (rows: PlanModelRow[], f: (m: PlanModelRow) => number) => rows.reduce((n, m) => n + f(m), 0);

export function SupplyPage() {
  const [from, setFrom] = useState('2020-10');
  const [months, setMonths] = useState(12);
  const to = /^\d{4}-\d{2}$/.test(from) ? addMonths(from, months - 1) : from;
  const plan = useApi<Plan>(`/api/supply/plan${query({ from, to })}`);
  // A recorded order or build moves the plan, and a new order joins the list of orders.
  const [recorded, setRecorded] = useState(0);
  const onRecorded = () => {
    plan.reload();
    setRecorded((n) => n + 1);
  };
  return (
    <>
      <div className="page-head">
        <h1>Production and allocation</h1>
        <div className="toolbar">
          <Field
            label="From month"
            type="month"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            error={plan.error?.field === 'from' ? plan.error.message : undefined}
          />
          <Field
            as="select"
            label="Months"
            value={String(months)}
            onChange={(e) => setMonths(Number(e.target.value))}
          >
            {[3, 6, 12, 18, 24].map((n) => (
              <option key={n}>{n}</option>
            ))}
          </Field>
        </div>
      </div>
      <Section title={`Machines by month, ${from} to ${to}`} loaded={plan}>
        {(p) => {
          const rows = p.months.map((m) => ({
            month: m.month,
            contracts: sumOf(m.models, toTranches),
            delivered: sumOf(m.models, delivered),
            selfMining: sumOf(m.models, (x) => x.allocation.selfMining),
            stock: sumOf(m.models, (x) => x.allocation.stockEnd),
            built: sumOf(m.models, (x) => x.machinesBuilt),
            short: sumOf(m.models, (x) => x.allocation.unitsShort),
            planned: m.models.some((x) => x.source === 'planned'),
          }));
          const t = p.totals;
          const deliveredUnits = rows.reduce((n, r) => n + r.delivered, 0);
          return (
            <>
              <div className="figures">
                <Figure
                  label="Machines built"
                  value={count(t.machinesBuilt)}
                  sub={
                    (rows.every((r) => r.planned)
                      ? 'planned'
                      : rows.some((r) => r.planned)
                        ? 'actual, then planned'
                        : 'actual') +
                    (t.fromBeforePlan > 0
                      ? `; ${count(t.fromBeforePlan)} more delivered from before ${p.from}`
                      : '')
                  }
                />
                <Figure
                  label="To contract tranches"
                  value={count(t.toTranches)}
                  sub={`${count(deliveredUnits)} delivered, ${count(t.toTranches - deliveredUnits)} planned`}
                />
                <Figure
                  label="To self-mining"
                  value={count(t.selfMining)}
                  sub={
                    t.machinesBuilt
                      ? `${((t.selfMining / t.machinesBuilt) * 100).toFixed(1)} % of output`
                      : undefined
                  }
                />
                <Figure label="Spot stock at the end" value={count(t.stockEnd)} sub={`end of ${p.to}`} />
                <Figure
                  label="Late tranches"
                  value={count(p.lateTranches.length)}
                  sub={`${count(p.lateTranches.reduce((n, t) => n + t.unitsShortAtDue, 0))} units short at due`}
                />
              </div>
              <Chart
                title="Monthly machine output and where it went"
                data={rows.map((r) => ({ ...r, month: r.planned ? `${r.month}*` : r.month }))}
                x="month"
                series={[
                  { key: 'built', label: 'Built', kind: 'bar' },
                  { key: 'contracts', label: 'To contracts (delivered or planned)', kind: 'bar', stack: 'a' },
                  { key: 'selfMining', label: 'To self-mining', kind: 'bar', stack: 'a' },
                  {
                    key: 'stock',
                    label: 'Spot stock at month end (right axis)',
                    kind: 'line',
                    axis: 'right',
                  },
                  {
                    key: 'short',
                    label: 'Units due and not yet covered (right axis)',
                    kind: 'line',
                    color: '#b3261e',
                    dashed: true,
                    axis: 'right',
                  },
                ]}
                format={(v) => count(Math.round(v))}
                formatRight={(v) => count(Math.round(v))}
                note="Months marked * are planned from wafer orders, yields and assembly capacity; the others are recorded builds. Deliveries the books record count in the month they were made, from stock first."
              />
              <h3>By month and model</h3>
              <DataTable
                rows={p.months.flatMap((m) => m.models.filter(active).map((x) => ({ month: m.month, x })))}
                keyOf={(r) => `${r.month}-${r.x.productId}`}
                empty="No machine model has a design and output in these months."
                columns={[
                  { label: 'Month', render: (r) => r.month },
                  { label: 'Model', render: (r) => r.x.productId },
                  { label: 'Wafers out', num: true, render: (r) => count(r.x.design.wafersOut) },
                  {
                    label: 'Yield',
                    num: true,
                    render: (r) =>
                      r.x.design.yieldInForce.map((y) => (
                        <div key={y.foundryName} title={y.foundryName}>
                          {y.yieldPct.toFixed(1)} % {y.foundryName.split(' ')[0]}
                        </div>
                      )),
                  },
                  { label: 'Good dies', num: true, render: (r) => count(r.x.design.goodDies) },
                  {
                    label: 'Buildable',
                    num: true,
                    render: (r) => `${count(r.x.machinesBuildable)} (${r.x.limitedBy})`,
                  },
                  {
                    label: 'Built',
                    num: true,
                    render: (r) =>
                      `${count(r.x.machinesBuilt)} ${r.x.source === 'planned' ? 'planned' : 'actual'}`,
                  },
                  {
                    label: 'To contracts',
                    num: true,
                    render: (r) => {
                      const made = delivered(r.x);
                      const all = count(toTranches(r.x));
                      return made > 0 ? `${all} (${count(made)} delivered)` : all;
                    },
                  },
                  { label: 'Self-mining', num: true, render: (r) => count(r.x.allocation.selfMining) },
                  { label: 'To stock', num: true, render: (r) => count(r.x.allocation.toStock) },
                  { label: 'Short', num: true, render: (r) => count(r.x.allocation.unitsShort) },
                ]}
              />
              {p.assumptions?.length ? (
                <ul className="hint">
                  {p.assumptions.map((a) => (
                    <li key={a}>{a}</li>
                  ))}
                </ul>
              ) : null}
            </>
          );
        }}
      </Section>
      <Section title="Tranches that will be late" loaded={plan}>
        {(p) => (
          <DataTable
            rows={p.lateTranches.slice(0, 200)}
            keyOf={(t) => `${t.contractId}-${t.lineId}-${t.tranche}`}
            empty="No tranche is late in these months."
            caption={
              p.lateTranches.length > 200 ? `The first 200 of ${count(p.lateTranches.length)}` : undefined
            }
            columns={[
              {
                label: 'Contract',
                render: (t) => <Link to={`/orders/${t.contractId}`}>#{t.contractId}</Link>,
              },
              { label: 'Customer', render: (t) => t.customer },
              { label: 'Model', render: (t) => t.productId },
              { label: 'Due', render: (t) => t.dueMonth },
              { label: 'Short at due', num: true, render: (t) => `${count(t.unitsShortAtDue)} units` },
              { label: 'Filled', render: (t) => t.filledMonth ?? 'not in these months' },
              { label: 'Why', wrap: true, render: (t) => t.why },
            ]}
          />
        )}
      </Section>
      {/* Keyed by the plan's first month: moving the plan moves the order's month with it. */}
      <ChipOrder key={from} defaultMonth={from} />
      <SupplyActions onChange={onRecorded} />
      <WaferOrders key={recorded} onChange={plan.reload} />
      <FailureRates />
    </>
  );
}
