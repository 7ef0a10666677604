import { useState } from 'react';
import { FLEET_ACCESS } from '../../../src/fleet/access.js';
import { Allowed } from '../access.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import { count, dateTime, hashrate, thsAxis } from '../format.js';
import { NotFound } from '../not-found.js';
import type {
  FleetSummary,
  HashrateSeries,
  MachineHistory,
  MachineListPage,
  MachineTelemetry,
  MiningStatus,
} from '../replies.js';
import { Link, navigate, useLocation } from '../router.js';
import { hashrateColumn } from '../table/columns.js';
import { TimeRangePicker, useTimeRange } from '../time-range.js';
import { type Column, DataTable, ErrorText, Field, Figure, Section, useApi } from '../ui.js';
import { AlertTable } from './alerts.js';
import { ControlPanel } from './fleet-control.js';
import { DemoFault, MachineParts } from './fleet-machine.js';

const MACHINE_STATUSES = [
  'new',
  'ok',
  'degraded',
  'overheating',
  'fan-failure',
  'board-down',
  'idle',
  'offline',
  'protocol-error',
];
const PAGE_SIZE = 50;
const LIVE_MS = 5_000;

type MachineView = MachineListPage['machines'][number];

export const Badge = ({ value }: { value: string }) => <span className={`badge ${value}`}>{value}</span>;

/** Machines not hashing normally (offline included), by status; idle ones were switched off on purpose. */
const attention = (byStatus: Record<string, number>) =>
  Object.entries(byStatus).filter(([k, n]) => !['ok', 'new', 'idle'].includes(k) && n > 0);

const timeLabel = (iso: string) => iso.slice(11, 16);
const dayHourLabel = (iso: string) => `${iso.slice(5, 10)} ${iso.slice(11, 13)}h`;
const dayLabel = (iso: string) => iso.slice(0, 10);

/** The live chart is anchored on the last sweep, so it reads the server's time, not the browser's. */
function HashrateChart({
  site,
  anchor,
  installedThs,
  target,
}: {
  site: string;
  anchor: string | undefined;
  installedThs?: number | undefined;
  target?: { lowThs: number; highThs: number } | undefined;
}) {
  const [range, setRange] = useTimeRange(anchor ? new Date(new Date(anchor).getTime() + 60_000) : new Date());
  const series = useApi<HashrateSeries>(
    anchor
      ? `/api/fleet/hashrate${query({ site: site || undefined, from: range.from.toISOString(), to: range.to.toISOString(), every: range.every })}`
      : null,
    { keep: true },
  );
  if (!anchor)
    return (
      <p className="muted">
        No sweep has run yet: the hashrate appears after the first poll of the machines.
      </p>
    );
  if (series.error) return <ErrorText error={series.error} />;
  const points = series.data?.points ?? [];
  const refLines = [
    ...(installedThs
      ? [{ y: installedThs, label: `installed ${hashrate(installedThs)}`, color: '#5b6470' }]
      : []),
    ...(target
      ? [
          { y: target.lowThs, label: `target low ${hashrate(target.lowThs, 1)}`, color: '#1e7b34' },
          { y: target.highThs, label: `target high ${hashrate(target.highThs, 1)}`, color: '#1e7b34' },
        ]
      : []),
  ];
  const label = range.every === 'minute' ? timeLabel : range.every === 'hour' ? dayHourLabel : dayLabel;
  return (
    <>
      <TimeRangePicker range={range} onChange={setRange} />
      <Chart
        title={`Measured hashrate ${range.every === 'minute' ? 'per minute' : `by ${range.every}`}${site ? ` at ${site}` : ' of the fleet'}, ${range.label}`}
        data={points.map((p) => ({ t: label(p.at), measured: p.hashrateThs }))}
        x="t"
        series={[{ key: 'measured', label: 'Measured', kind: 'area' }]}
        format={thsAxis}
        refLines={refLines}
        note={
          points.length === 0
            ? `No hashrate recorded in the ${range.label}.`
            : `Times in UTC; last sweep ${dateTime(anchor)}.`
        }
      />
    </>
  );
}

function Machines({ sites }: { sites: string[] }) {
  const { params } = useLocation();
  const status = params.get('status') ?? '';
  const site = params.get('site') ?? '';
  const [cursors, setCursors] = useState<number[]>([]);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const cursor = cursors.at(-1);
  const page = useApi<MachineListPage>(
    `/api/fleet/machines${query({ status, site, cursor, limit: PAGE_SIZE })}`,
  );
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    setCursors([]);
    navigate(`/fleet${next.toString() ? `?${next}` : ''}`, { replace: true });
  };
  const toggle = (id: number) =>
    setSelected((now) => {
      const next = new Set(now);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const columns: Column<MachineView>[] = [
    {
      label: 'Select',
      action: true,
      render: (m) => (
        <input
          type="checkbox"
          aria-label={`Select ${m.serial}`}
          checked={selected.has(m.id)}
          onChange={() => toggle(m.id)}
        />
      ),
    },
    { label: 'Serial', render: (m) => <Link to={`/fleet/machines/${m.id}`}>{m.serial}</Link> },
    { label: 'Model', render: (m) => m.model ?? '—' },
    { label: 'Site', render: (m) => m.site },
    { label: 'Address', render: (m) => m.address },
    { label: 'Status', render: (m) => <Badge value={m.status} /> },
    hashrateColumn('Hashrate', (m) => m.hashrateThs),
    { label: 'Why', wrap: true, render: (m) => m.statusReason ?? '' },
  ];
  return (
    <Section
      title="Machines"
      loaded={page}
      id="machines"
      actions={
        <div className="toolbar">
          <Field
            as="select"
            label="Status"
            value={status}
            onChange={(e) => setFilter('status', e.target.value)}
          >
            <option value="">any</option>
            {MACHINE_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </Field>
          <Field as="select" label="Site" value={site} onChange={(e) => setFilter('site', e.target.value)}>
            <option value="">any</option>
            {sites.map((x) => (
              <option key={x}>{x}</option>
            ))}
          </Field>
        </div>
      }
    >
      {(data) => (
        <>
          <DataTable
            id="machines"
            server={{ sortable: [] }}
            noSearch
            rows={data.machines}
            columns={columns}
            keyOf={(m) => m.id}
            empty="No machine matches these filters."
          />
          <nav className="pager" aria-label="Machine pages">
            <span className="muted">
              Page {cursors.length + 1}, {data.machines.length} machines{page.loading ? ' (loading…)' : ''}
            </span>
            <button
              type="button"
              className="secondary"
              disabled={cursors.length === 0}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              Previous
            </button>
            <button
              type="button"
              className="secondary"
              disabled={data.nextCursor === null}
              onClick={() => data.nextCursor !== null && setCursors((c) => [...c, data.nextCursor!])}
            >
              Next
            </button>
          </nav>
          {selected.size > 0 ? (
            <Allowed need={FLEET_ACCESS.operate} doing="control the selected machines">
              <h3>
                {count(selected.size)} selected{' '}
                <button type="button" className="secondary" onClick={() => setSelected(new Set())}>
                  Clear the selection
                </button>
              </h3>
              <ControlPanel
                selector={{ machines: [...selected] }}
                scope={`${count(selected.size)} selected machines`}
                onDone={page.reload}
              />
            </Allowed>
          ) : null}
        </>
      )}
    </Section>
  );
}

export function FleetPage({ rest }: { rest: string }) {
  const machine = /^machines\/(\d+)$/.exec(rest);
  if (machine) return <MachinePage id={Number(machine[1])} />;
  if (rest === '') return <FleetOverview />;
  return <NoMachine what={`There is no fleet page at ${location.pathname}.`} />;
}

const NoMachine = ({ what }: { what: string }) => (
  <NotFound what={what} back={{ to: '/fleet', label: 'the fleet' }} />
);

function FleetOverview() {
  const summary = useApi<FleetSummary>('/api/fleet/summary', { everyMs: LIVE_MS });
  // Installed (nameplate) hashrate and the target come from the self-mining module's books.
  const mining = useApi<MiningStatus>('/api/mining/status');
  const [site, setSite] = useState('');
  const [controlSite, setControlSite] = useState('');
  const installedThs = site
    ? mining.data?.sites.find((x) => x.site === site)?.installedThs
    : mining.data?.installedThs;
  const target = site || !mining.data?.target ? undefined : mining.data.target;
  return (
    <>
      <div className="page-head">
        <h1>Fleet</h1>
        <span className="muted">Live: re-read every {LIVE_MS / 1000} s</span>
      </div>
      <Section title="Hashrate" loaded={summary}>
        {(s) => (
          <>
            <div className="figures">
              <Figure label="Machines" value={count(s.machines)} testId="fleet-machines" />
              <Figure label="Measured hashrate" value={hashrate(s.measuredThs)} testId="fleet-measured" />
              <Figure label="Hashing normally" value={count(s.byStatus.ok ?? 0)} />
              <Figure label="Curtailed (soft off)" value={count(s.byStatus.idle ?? 0)} />
              <Figure
                label="Needing attention"
                value={count(attention(s.byStatus).reduce((n, [, k]) => n + k, 0))}
                sub={
                  attention(s.byStatus)
                    .map(([k, n]) => `${k} ${count(n)}`)
                    .join(', ') || undefined
                }
              />
            </div>
            <div className="toolbar" style={{ margin: '0.75rem 0' }}>
              <Field as="select" label="Chart scope" value={site} onChange={(e) => setSite(e.target.value)}>
                <option value="">whole fleet</option>
                {s.sites.map((x) => (
                  <option key={x.site}>{x.site}</option>
                ))}
              </Field>
            </div>
            <HashrateChart
              site={site}
              anchor={s.lastSweep?.at}
              installedThs={installedThs || undefined}
              target={target ? { lowThs: target.lowThs, highThs: target.highThs } : undefined}
            />
          </>
        )}
      </Section>
      <Section title="Sites" loaded={summary}>
        {(s) => (
          <DataTable
            rows={s.sites}
            keyOf={(x) => x.site}
            empty="No machines are registered yet: scan a site's network with hashforge fleet scan."
            columns={[
              { label: 'Site', render: (x) => x.site },
              { label: 'Machines', num: true, render: (x) => count(x.machines) },
              {
                label: 'Measured',
                num: true,
                render: (x) => <span data-testid={`site-measured-${x.site}`}>{hashrate(x.measuredThs)}</span>,
              },
              {
                label: 'By status',
                render: (x) => (
                  <span className="toolbar">
                    {Object.entries(x.byStatus).map(([k, n]) => (
                      <span key={k} className={`badge ${k}`}>
                        {k} {count(n)}
                      </span>
                    ))}
                  </span>
                ),
              },
              {
                label: 'Control',
                action: true,
                render: (x) => (
                  <Allowed need={FLEET_ACCESS.operate} doing={`control ${x.site}`} quiet>
                    <button
                      type="button"
                      className="secondary"
                      aria-expanded={controlSite === x.site}
                      onClick={() => setControlSite(controlSite === x.site ? '' : x.site)}
                    >
                      Control {x.site}
                    </button>
                  </Allowed>
                ),
              },
            ]}
          />
        )}
      </Section>
      {controlSite ? (
        <Section title={`Control every machine at ${controlSite}`} primary>
          {() => (
            <ControlPanel
              key={controlSite}
              selector={{ site: controlSite }}
              scope={`every machine at ${controlSite}`}
              onDone={summary.reload}
            />
          )}
        </Section>
      ) : null}
      <Machines sites={summary.data?.sites.map((x) => x.site) ?? []} />
    </>
  );
}

function MachinePage({ id }: { id: number }) {
  const history = useApi<MachineHistory>(`/api/fleet/machines/${id}`, { everyMs: LIVE_MS });
  if (history.error?.status === 404) return <NoMachine what={`There is no machine ${id}.`} />;
  return (
    <>
      <p>
        <Link to="/fleet">← Fleet</Link>
      </p>
      <Section
        title={history.data ? `Machine ${history.data.machine.serial}` : `Machine ${id}`}
        loaded={history}
      >
        {(h) => {
          const m = h.machine;
          return (
            <>
              <div className="figures">
                <Figure
                  label="Status"
                  value={<Badge value={m.status} />}
                  sub={`since ${dateTime(m.statusSince)}`}
                />
                <Figure
                  label="Hashrate"
                  value={hashrate(m.hashrateThs)}
                  sub={m.lastSeenAt ? `seen ${dateTime(m.lastSeenAt)}` : 'never answered'}
                />
                <Figure
                  label="Failed polls in a row"
                  value={count(m.consecutiveFailures)}
                  sub={m.lastFailure ?? undefined}
                />
              </div>
              <h3>Facts</h3>
              <dl className="facts">
                <dt>Model</dt>
                <dd>{m.model ?? '—'}</dd>
                <dt>Firmware</dt>
                <dd>{m.firmware ?? '—'}</dd>
                <dt>Site</dt>
                <dd>{m.site}</dd>
                <dt>Address</dt>
                <dd>
                  {m.address}:{m.port}
                </dd>
                <dt>MAC / DNA</dt>
                <dd>{[m.mac, m.dna].filter(Boolean).join(' / ') || '—'}</dd>
                <dt>Why this status</dt>
                <dd>{m.statusReason ?? '—'}</dd>
                <dt>Last poll took</dt>
                <dd>{m.lastPollMs === null ? '—' : `${count(m.lastPollMs)} ms`}</dd>
              </dl>
              <h3>Hashrate, 5-minute averages (last 24 h)</h3>
              <Chart
                title={`Hashrate of machine ${m.serial}`}
                data={h.series.map((p) => ({ t: timeLabel(p.at), ths: p.hashrateThs, chip: p.hottestChipC }))}
                x="t"
                series={[
                  { key: 'ths', label: 'Hashrate', kind: 'line' },
                  { key: 'chip', label: 'Hottest chip °C', kind: 'line', axis: 'right', dashed: true },
                ]}
                format={thsAxis}
                formatRight={(v) => `${v.toFixed(0)} °C`}
              />
              <h3>Alerts</h3>
              <AlertTable filter={{ machineId: m.id }} empty="No alerts for this machine." />
              <MachineParts t={m.telemetry as MachineTelemetry | null} />
              <h3>Status changes</h3>
              <DataTable
                rows={[...h.statusChanges].reverse()}
                keyOf={(c) => `${c.at}-${c.to}`}
                empty="No status change in the last 24 hours."
                columns={[
                  { label: 'When', render: (c) => dateTime(c.at) },
                  { label: 'From', render: (c) => (c.from ? <Badge value={c.from} /> : '—') },
                  { label: 'To', render: (c) => <Badge value={c.to} /> },
                  { label: 'Why', wrap: true, render: (c) => c.reason ?? '' },
                ]}
              />
            </>
          );
        }}
      </Section>
      {history.data ? (
        <Allowed need={FLEET_ACCESS.operate} doing="reboot this machine or change its pool or work mode">
          <Section title="Control this machine" primary>
            {() => (
              <ControlPanel
                selector={{ machines: [id] }}
                scope={`machine ${history.data!.machine.serial}`}
                pools={(history.data!.machine.telemetry as MachineTelemetry | null)?.pools}
                onDone={history.reload}
              />
            )}
          </Section>
        </Allowed>
      ) : null}
      <DemoFault machineId={id} onDone={history.reload} />
    </>
  );
}
