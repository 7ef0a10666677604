/**
 * The service network: repair centres with their backlog and parts, each centre's SLA and
 * turnaround, the tickets (from customers and from the fleet's own faults) and failure rates.
 * Service (and sales, for a customer's ticket) work the tickets from here (actions/service-actions).
 */
import { useEffect, useState } from 'react';
import { addMonths } from '../../../src/kernel/calendar.js';
import { ServiceActions } from '../actions/service-actions.js';
import { count } from '../format.js';
import type {
  ServiceCentres,
  ServiceFailureRates,
  ServiceSla,
  ServiceTicket,
  ServiceTickets,
} from '../replies.js';
import { type Column, DataTable, Section, useApi } from '../ui.js';
import { CustomerRecordPanel } from './service-customer.js';

const days = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)} d`);
const pct = (n: number | null) => (n === null ? '—' : `${n.toFixed(1)} %`);

/**
 * Failure rate per model, batch, foundry lot, class and month; also shown on the supply page. Twelve
 * months at a time (the API's default: up to the latest month with a hardware ticket), paged back and on.
 */
export function FailureRates({ productId }: { productId?: string }) {
  const [to, setTo] = useState<string | undefined>();
  const query = new URLSearchParams({ ...(productId ? { productId } : {}), ...(to ? { to } : {}) });
  const rates = useApi<ServiceFailureRates>(`/api/service/failure-rates?${query}`, { keep: true });
  const shown = rates.data;
  const step = (months: number) => shown && setTo(addMonths(shown.to, months));
  return (
    <Section
      title={
        shown ? `Failure rates from service, ${shown.from} to ${shown.to}` : 'Failure rates from service'
      }
      loaded={rates}
      actions={
        <>
          <button type="button" className="secondary" disabled={!shown} onClick={() => step(-12)}>
            Earlier 12 months
          </button>
          <button
            type="button"
            className="secondary"
            disabled={!shown || to === undefined}
            onClick={() => step(12)}
          >
            Later 12 months
          </button>
        </>
      }
    >
      {({ rates: list }) => (
        <DataTable
          rows={[...list].sort((a, b) => b.month.localeCompare(a.month)).slice(0, 50)}
          keyOf={(r) => `${r.productId}|${r.batch}|${r.foundryLot}|${r.ticketClass}|${r.month}`}
          empty="No hardware tickets yet."
          columns={[
            { label: 'Model', render: (r) => r.productId },
            { label: 'Batch', render: (r) => r.batch },
            { label: 'Foundry lot', render: (r) => r.foundryLot ?? '—' },
            { label: 'Class', render: (r) => r.ticketClass },
            { label: 'Month', render: (r) => r.month },
            { label: 'Tickets', num: true, render: (r) => count(r.tickets) },
            { label: 'Machines', num: true, render: (r) => count(r.machines) },
            { label: 'Rate', num: true, render: (r) => `${r.ratePct.toFixed(2)} %` },
          ]}
        />
      )}
    </Section>
  );
}

/** A ticket's row, in the open list and for the one an alert's link names. */
const TICKET_COLUMNS: Column<ServiceTickets[number]>[] = [
  // An alert's link lands here (/service#ticket-12).
  { label: 'Ticket', render: (t) => <span id={`ticket-${t.id}`}>#{t.id}</span> },
  { label: 'From', render: (t) => t.origin },
  { label: 'Class', render: (t) => t.ticketClass },
  {
    label: 'Step',
    render: (t) => (
      <span className={`badge ${t.step}`}>
        {t.step}
        {t.waitingFor ? ` (waiting for ${t.waitingFor}: SLA clock paused)` : ''}
      </span>
    ),
  },
  { label: 'Machine', render: (t) => t.serial ?? `fleet #${t.machineId}` },
  { label: 'Where', render: (t) => t.centreId ?? t.site ?? '—' },
  { label: 'Evidence', num: true, render: (t) => count(t.evidence) },
  { label: 'Summary', render: (t) => t.summary },
];

/** The ticket an alert's link names (/service#ticket-12), if the address names one. */
const linkedTicket = (hash: string): number | undefined => {
  const id = /^#ticket-(\d+)$/.exec(hash)?.[1];
  return id === undefined ? undefined : Number(id);
};

export function ServicePage() {
  const centres = useApi<ServiceCentres>('/api/service/centres');
  const sla = useApi<ServiceSla>('/api/service/sla');
  const tickets = useApi<ServiceTickets>('/api/service/tickets?open=true&limit=200');
  // An alert's link names its ticket (/service#ticket-12): shown once the list has arrived, and read
  // on its own when the list does not hold it (closed since, or past the 200 listed).
  const linkedId = linkedTicket(location.hash);
  const listed = tickets.data !== undefined;
  const apart =
    linkedId !== undefined && tickets.data !== undefined && !tickets.data.some((t) => t.id === linkedId);
  const linked = useApi<ServiceTicket>(apart ? `/api/service/tickets/${linkedId}` : null);
  const shown = listed && (!apart || linked.data !== undefined);
  useEffect(() => {
    if (shown && linkedId !== undefined) document.getElementById(`ticket-${linkedId}`)?.scrollIntoView();
  }, [shown, linkedId]);
  return (
    <>
      <h1>Service network</h1>
      <Section title="Repair centres" loaded={centres}>
        {(list) => (
          <DataTable
            rows={list}
            keyOf={(c) => c.id}
            empty="No repair centres yet."
            columns={[
              { label: 'Centre', render: (c) => `${c.id} ${c.name}` },
              { label: 'Region', render: (c) => `${c.region}, ${c.country}` },
              { label: 'Technicians', num: true, render: (c) => count(c.technicians) },
              { label: 'Burn-in', num: true, render: (c) => count(c.burnInPositions) },
              { label: 'Backlog', num: true, render: (c) => count(c.backlog) },
              {
                label: 'Parts',
                render: (c) =>
                  Object.entries(c.stock)
                    .map(([p, n]) => `${p} ${n}`)
                    .join(', ') || '—',
              },
            ]}
          />
        )}
      </Section>
      <Section title="SLA and turnaround" loaded={sla}>
        {(list) => (
          <DataTable
            rows={list}
            keyOf={(c) => c.centreId}
            columns={[
              { label: 'Centre', render: (c) => c.centreId },
              { label: 'SLA met', num: true, render: (c) => pct(c.slaMetPct) },
              { label: 'Median receipt→shipping', num: true, render: (c) => days(c.turnaroundDays.median) },
              { label: 'p90', num: true, render: (c) => days(c.turnaroundDays.p90) },
              { label: 'Backlog', num: true, render: (c) => count(c.backlog) },
              { label: 'Load per technician', num: true, render: (c) => c.technicianLoad.toFixed(1) },
            ]}
          />
        )}
      </Section>
      {apart ? (
        <Section title={`Ticket #${linkedId}`} loaded={linked}>
          {(t) => <DataTable rows={[t]} keyOf={(r) => r.id} columns={TICKET_COLUMNS} />}
        </Section>
      ) : null}
      <Section title="Open tickets" loaded={tickets}>
        {(list) => (
          <DataTable rows={list} keyOf={(t) => t.id} empty="No open tickets." columns={TICKET_COLUMNS} />
        )}
      </Section>
      {tickets.data ? (
        <ServiceActions
          tickets={tickets.data}
          onChange={() => {
            tickets.reload();
            centres.reload();
            sla.reload();
          }}
        />
      ) : null}
      <CustomerRecordPanel />
      <FailureRates />
    </>
  );
}
