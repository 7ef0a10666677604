import { ALERTS_ACCESS } from '../../../src/alerts/access.js';
import { SERVICE_ACCESS } from '../../../src/service/access.js';
import { Allowed } from '../access.js';
import { api, query } from '../api.js';
import { dateTime } from '../format.js';
import type { AlertPage, AlertView } from '../replies.js';
import { Link, navigate, useLocation } from '../router.js';
import { DataTable, ErrorText, useApi, useSubmit } from '../ui.js';

const LIVE_MS = 5_000;
const STATES = ['open', 'firing', 'acknowledged', 'resolved'] as const;

const StateBadge = ({ value }: { value: string }) => (
  <span className={`badge ${value === 'firing' ? 'offline' : value === 'acknowledged' ? 'degraded' : 'ok'}`}>
    {value}
  </span>
);

function Acknowledge({ alert, onDone }: { alert: AlertView; onDone: () => void }) {
  const form = useSubmit(
    (key) =>
      api<AlertView>(`/api/alerts/${alert.id}/acknowledgement`, {
        method: 'POST',
        body: {},
        idempotencyKey: key,
      }),
    onDone,
  );
  if (alert.state !== 'firing') return null;
  return (
    <>
      <button
        type="button"
        onClick={() => form.submit()}
        disabled={form.busy}
        data-testid={`ack-${alert.id}`}
      >
        Acknowledge
      </button>
      {form.error ? <ErrorText error={form.error} /> : null}
    </>
  );
}

/** Alerts, newest first, refreshed live: the alerts page's table and a machine page's own list. */
export function AlertTable({ filter, empty }: { filter: Record<string, string | number>; empty: string }) {
  const page = useApi<AlertPage>(`/api/alerts${query({ limit: 200, ...filter })}`, { everyMs: LIVE_MS });
  if (page.error) return <ErrorText error={page.error} />;
  return (
    <DataTable
      rows={page.data?.alerts ?? []}
      keyOf={(a) => String(a.id)}
      empty={page.data ? empty : 'Loading…'}
      columns={[
        { label: 'State', render: (a) => <StateBadge value={a.state} /> },
        { label: 'Rule', render: (a) => a.rule },
        {
          label: 'Machine or site',
          render: (a) =>
            a.machineId !== null ? (
              <Link to={`/fleet/machines/${a.machineId}`}>{a.serial ?? a.machineId}</Link>
            ) : (
              (a.site ?? 'poller')
            ),
        },
        { label: 'What', wrap: true, render: (a) => <span data-testid={`alert-${a.id}`}>{a.summary}</span> },
        { label: 'Fired', render: (a) => dateTime(a.firedAt) },
        {
          label: 'Acknowledged',
          wrap: true,
          render: (a) =>
            a.acknowledgedAt
              ? `${a.acknowledgedBy} ${dateTime(a.acknowledgedAt)}${a.acknowledgedNote ? `: ${a.acknowledgedNote}` : ''}`
              : '—',
        },
        {
          label: 'Ticket',
          // The service ticket opened for the same fault (src/service/faults.ts), on the service page:
          // linked only for the roles that may read tickets (a viewer's link would land on a refusal).
          render: (a) =>
            a.ticketId === null ? (
              '—'
            ) : (
              <Allowed need={SERVICE_ACCESS.tickets} doing="read service tickets" quiet>
                <Link to={`/service#ticket-${a.ticketId}`} aria-label={`Service ticket #${a.ticketId}`}>
                  #{a.ticketId}
                </Link>
              </Allowed>
            ),
        },
        {
          label: 'Resolved',
          render: (a) => (a.resolvedAt ? `${dateTime(a.resolvedAt)} (${a.resolution})` : '—'),
        },
        {
          label: '',
          render: (a) => (
            <Allowed need={ALERTS_ACCESS.operate} doing="acknowledge alerts" quiet>
              <Acknowledge alert={a} onDone={page.reload} />
            </Allowed>
          ),
        },
      ]}
    />
  );
}

export function AlertsPage() {
  const { params } = useLocation();
  const state = params.get('state') ?? 'open';
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">
        Rules run on every sweep of the fleet; a machine meant to be idle (curtailed, rebooting) raises none.
        Rules and webhooks: <code>hashforge alerts rules</code>, <code>hashforge alerts webhook add</code>.
      </p>
      <nav className="toolbar" aria-label="Which alerts">
        {STATES.map((s) => (
          <button
            key={s}
            type="button"
            aria-pressed={s === state}
            className={s === state ? undefined : 'link'}
            onClick={() => navigate(`/alerts${query({ state: s })}`)}
          >
            {s}
          </button>
        ))}
      </nav>
      <section className="card">
        <h2>{`${state[0]!.toUpperCase()}${state.slice(1)} alerts`}</h2>
        <AlertTable filter={{ state }} empty={state === 'open' ? 'No open alerts.' : `No ${state} alerts.`} />
      </section>
    </>
  );
}
