import { useState } from 'react';
import { addMonths } from '../../../src/kernel/calendar.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import { count } from '../format.js';
import { Link } from '../router.js';
import { DataTable, Field, Figure, Section, useApi } from '../ui.js';
import { WaferOrders } from './wafer-orders.js';

interface PlanModelRow {
  productId: string;
  design: {
    id: string;
    name: string;
    wafersOut: number;
    goodDies: number;
    yieldInForce: { foundryName: string; yieldPct: number; monthOfRamp: number }[];
  };
  chipsPerMachine: number;
  machinesBuildable: number;
  limitedBy: 'chips' | 'assembly';
  machinesBuilt: number;
  source: 'actual' | 'planned';
  allocation: {
    stockStart: number;
    unitsDue: number;
    tranches: { contractId: number; units: number; late: boolean }[];
    selfMiningTarget: number;
    selfMining: number;
    selfMiningNote: string | null;
    toStock: number;
    stockEnd: number;
    unitsShort: number;
  };
}
interface Plan {
  from: string;
  to: string;
  months: { month: string; assemblyCapacity: number | null; selfMiningPct: number; models: PlanModelRow[] }[];
  lateTranches: {
    contractId: number;
    lineId: number;
    tranche: number;
    productId: string;
    customer: string;
    dueMonth: string;
    unitsOpen: number;
    unitsShortAtDue: number;
    filledMonth: string | null;
    monthsLate: number | null;
    why: string;
  }[];
  totals?: {
    machinesBuilt: number;
    toTranches: number;
    selfMining: number;
    stockEnd: number;
    unitsShort: number;
  };
  assumptions?: string[];
}

/** A model with something to show in a month: wafers out, machines built or units due. */
const active = (m: PlanModelRow) =>
  m.design.wafersOut > 0 || m.machinesBuilt > 0 || m.allocation.unitsDue > 0 || m.allocation.stockStart > 0;

const toTranches = (m: PlanModelRow) => m.allocation.tranches.reduce((n, t) => n + t.units, 0);
const sumOf = (rows: PlanModelRow[], f: (m: PlanModelRow) => number) => rows.reduce((n, m) => n + f(m), 0);

export function SupplyPage() {
  const [from, setFrom] = useState('2020-10');
  const [months, setMonths] = useState(12);
  const to = /^\d{4}-\d{2}$/.test(from) ? addMonths(from, months - 1) : from;
  const plan = useApi<Plan>(`/api/supply/plan${query({ from, to })}`);
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
            selfMining: sumOf(m.models, (x) => x.allocation.selfMining),
            stock: sumOf(m.models, (x) => x.allocation.toStock),
            built: sumOf(m.models, (x) => x.machinesBuilt),
            short: sumOf(m.models, (x) => x.allocation.unitsShort),
            planned: m.models.some((x) => x.source === 'planned'),
          }));
          const built = rows.reduce((n, r) => n + r.built, 0);
          const self = rows.reduce((n, r) => n + r.selfMining, 0);
          return (
            <>
              <div className="figures">
                <Figure
                  label="Machines built"
                  value={count(built)}
                  sub={rows.some((r) => r.planned) ? 'actual, then planned' : 'actual'}
                />
                <Figure
                  label="To contract tranches"
                  value={count(rows.reduce((n, r) => n + r.contracts, 0))}
                />
                <Figure
                  label="To self-mining"
                  value={count(self)}
                  sub={built ? `${((self / built) * 100).toFixed(1)} % of output` : undefined}
                />
                <Figure label="To spot stock" value={count(rows.reduce((n, r) => n + r.stock, 0))} />
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
                  { key: 'contracts', label: 'To contracts', kind: 'bar', stack: 'a' },
                  { key: 'selfMining', label: 'To self-mining', kind: 'bar', stack: 'a' },
                  { key: 'stock', label: 'To stock', kind: 'bar', stack: 'a' },
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
                note="Months marked * are planned from wafer orders, yields and assembly capacity; the others are recorded builds."
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
                  { label: 'To contracts', num: true, render: (r) => count(toTranches(r.x)) },
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
      <WaferOrders onChange={plan.reload} />
    </>
  );
}
