import { useEffect, useState } from 'react';
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
import { hashrateColumn, textColumn } from '../table/columns.js';
import { useTableView } from '../table/state.js';
import { ColumnFilter } from '../table/table.js';
import { TimeRangePicker, tickLabel, useTimeRange } from '../time-range.js';
import { type Column, DataTable, ErrorText, Field, Figure, Section, useApi } from '../ui.js';
import { AlertTable } from './alerts.js';
import { ControlPanel } from './fleet-control.js';
import { DemoFault, MachineParts, PowerFigure } from './fleet-machine.js';

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
const LIVE_MS = 5_000;

type MachineView = MachineListPage['machines'][number];
type FleetSite = FleetSummary['sites'][number];

export const Badge = ({ value }: { value: string }) => <span className={`badge ${value}`}>{value}</span>;

/** Machines not hashing normally (offline included), by status; idle ones were switched off on purpose. */
const attention = (byStatus: Record<string, number>) =>
  Object.entries(byStatus).filter(([k, n]) => !['ok', 'new', 'idle'].includes(k) && n > 0);

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
  return (
    <>
      <TimeRangePicker range={range} onChange={setRange} />
      <Chart
        title={`Measured hashrate ${range.every === 'minute' ? 'per minute' : `by ${range.every}`}${site ? ` at ${site}` : ' of the fleet'}, ${range.label}`}
        data={points.map((p) => ({ t: new Date(p.at).getTime(), measured: p.hashrateThs }))}
        x="t"
        // The whole range, not just the hours with readings: a week with a day of sweeps reads so.
        time={{ from: range.from.getTime(), to: range.to.getTime(), label: tickLabel(range.every) }}
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

/** The API sorts the machine list by these columns (`sort` of GET /api/fleet/machines). */
const MACHINE_SORTABLE = ['serial', 'model', 'site', 'status', 'hashrate'];

const MACHINE_COLUMNS: Column<MachineView>[] = [
  {
    label: 'Serial',
    value: (m) => m.serial,
    render: (m) => <Link to={`/fleet/machines/${m.id}`}>{m.serial}</Link>,
  },
  textColumn('Model', (m) => m.model),
  textColumn('Site', (m) => m.site),
  textColumn('Address', (m) => m.address),
  { label: 'Status', value: (m) => m.status, render: (m) => <Badge value={m.status} /> },
  hashrateColumn('Hashrate', (m) => m.hashrateThs),
  textColumn('Why', (m) => m.statusReason ?? '', { wrap: true }),
];

/** The URL's filters of the machine list, and how to clear one the API refused. */
const FILTER_RESETS: Record<string, string> = { site: 'Show all sites', status: 'Show every status' };

/**
 * Up to 50,000 machines: sorted, searched and paged by the API, the whole list as CSV from it.
 * `refreshed` changes when a control elsewhere on the page finished: the rows are read again.
 */
function Machines({ sites, refreshed }: { sites: string[]; refreshed: number }) {
  const { params } = useLocation();
  const filter = { status: params.get('status') ?? '', site: params.get('site') ?? '' };
  const [view] = useTableView('machines');
  const listQuery = { ...filter, sort: view.sort, search: view.search };
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const page = useApi<MachineListPage>(
    `/api/fleet/machines${query({ ...listQuery, limit: view.size, offset: (view.page - 1) * view.size })}`,
    { keep: true },
  );
  const { reload } = page;
  useEffect(() => {
    if (refreshed > 0) reload();
  }, [refreshed, reload]);
  const setFilter = (key: string, value: string) => {
    const next = new URLSearchParams(location.search);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete('machines.page');
    navigate(`/fleet${next.toString() ? `?${next}` : ''}`, { replace: true, keepScroll: true });
  };
  const toggle = (id: number) =>
    setSelected((now) => {
      const next = new Set(now);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const select: Column<MachineView> = {
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
  };
  return (
    <Section
      title="Machines"
      loaded={page}
      id="machines"
      recover={(error) => {
        // An unknown site (or status) typed into the URL: the list's filters are what can clear it.
        const reset = error.field ? FILTER_RESETS[error.field] : undefined;
        return reset ? (
          <button type="button" className="secondary" onClick={() => setFilter(error.field!, '')}>
            {reset}
          </button>
        ) : null;
      }}
    >
      {(data) => (
        <>
          <DataTable
            id="machines"
            server={{ total: data.total, sortable: MACHINE_SORTABLE }}
            busy={page.loading}
            searchHint="serial, address or model"
            exportAll={`/api/fleet/machines.csv${query(listQuery)}`}
            rows={data.machines}
            columns={[select, ...MACHINE_COLUMNS]}
            keyOf={(m) => m.id}
            empty="No machine matches these filters."
            toolbar={
              <>
                <ColumnFilter
                  label="Status"
                  value={filter.status}
                  values={MACHINE_STATUSES}
                  onChange={(v) => setFilter('status', v)}
                />
                <ColumnFilter
                  label="Site"
                  value={filter.site}
                  values={sites}
                  onChange={(v) => setFilter('site', v)}
                />
              </>
            }
          />
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
  // A site's control changes its machines' rows too: the list below is read again when it ends.
  const [controlled, setControlled] = useState(0);
  const installedThs = site
    ? mining.data?.sites.find((x) => x.site === site)?.installedThs
    : mining.data?.installedThs;
  const target = site || !mining.data?.target ? undefined : mining.data.target;
  const installedBySite = new Map(mining.data?.sites.map((x) => [x.site, x.installedThs]));
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
              // Installed is self-mining's figure (its status, as its own page shows it): a site the
              // fleet polls but self-mining does not book has none.
              hashrateColumn<FleetSite>('Installed', (x) => installedBySite.get(x.site)),
              hashrateColumn<FleetSite>('Measured', (x) => x.measuredThs),
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
              onDone={() => {
                summary.reload();
                setControlled((n) => n + 1);
              }}
            />
          )}
        </Section>
      ) : null}
      <Machines sites={summary.data?.sites.map((x) => x.site) ?? []} refreshed={controlled} />
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
                  sub={[
                    m.lastGoodThs !== null && m.lastGoodThs !== m.hashrateThs
                      ? `last good ${hashrate(m.lastGoodThs)}`
                      : undefined,
                    m.lastSeenAt ? `seen ${dateTime(m.lastSeenAt)}` : 'never answered',
                  ]
                    .filter(Boolean)
                    .join(', ')}
                />
                <Figure
                  label="Failed polls in a row"
                  value={count(m.consecutiveFailures)}
                  sub={m.lastFailure ?? undefined}
                />
                <PowerFigure power={h.power} status={m.status} />
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
                data={h.series.map((p) => ({
                  t: tickLabel('minute')(Date.parse(p.at)),
                  ths: p.hashrateThs,
                  chip: p.hottestChipC,
                }))}
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
            {() => {
              const { serial, telemetry } = history.data!.machine;
              const t = telemetry as MachineTelemetry | null;
              return (
                <ControlPanel
                  selector={{ machines: [id] }}
                  scope={`machine ${serial}`}
                  pools={t?.pools}
                  workMode={t?.workMode}
                  onDone={history.reload}
                />
              );
            }}
          </Section>
        </Allowed>
      ) : null}
      <DemoFault machineId={id} onDone={history.reload} />
    </>
  );
}
