/**
 * The service network: repair centres with their backlog and parts, each centre's SLA and
 * turnaround, the tickets (from customers and from the fleet's own faults) and failure rates.
 * Service (and sales, for a customer's ticket) work the tickets from here (actions/service-actions).
 */
import { useEffect, useState } from 'react';
import { addMonths } from '../../../src/kernel/calendar.js';
import { ServiceActions } from '../actions/service-actions.js';
import { count } from '../format.js';
import type { ServiceCentres, ServiceFailureRates, ServiceSla, ServiceTickets } from '../replies.js';
import { DataTable, Section, useApi } from '../ui.js';
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

export function ServicePage() {
  const centres = useApi<ServiceCentres>('/api/service/centres');
  const sla = useApi<ServiceSla>('/api/service/sla');
  const tickets = useApi<ServiceTickets>('/api/service/tickets?open=true&limit=200');
  // An alert's link names its ticket (/service#ticket-12): shown once the list has arrived.
  const listed = tickets.data !== undefined;
  useEffect(() => {
    if (listed && location.hash.startsWith('#ticket-'))
      document.getElementById(location.hash.slice(1))?.scrollIntoView();
  }, [listed]);
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
      <Section title="Open tickets" loaded={tickets}>
        {(list) => (
          <DataTable
            rows={list}
            keyOf={(t) => t.id}
            empty="No open tickets."
            columns={[
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
            ]}
          />
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
