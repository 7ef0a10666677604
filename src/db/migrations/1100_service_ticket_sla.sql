-- What each finished RMA (shipped, closed, rejected or cancelled) adds to its centre's SLA: its
-- finished stages, how many met their target, its turnaround (receipt to shipping back, ms), a row
-- a ticket in a narrow table of its own, so the SLA sums these instead of measuring every
-- timeline (the ticket rows are ~800 bytes each with their timeline: summing from them was most
-- of a second cold on the embedded database, from this table a few ms). It carries the centre and
-- the day shipped back, which the SLA and a quarter's report filter by.
-- The projections write it (src/service/projections.ts `storeFinishedFigures`) when a ticket
-- finishes and, for a centre's finished tickets, when its calendar changes. A ticket finished
-- before this migration has its row with no figures (null): the SLA measures it from its timeline
-- until the first `serve` works them out (src/service/background.ts) or a `ledger rebuild` does.
create table service_ticket_sla (
  ticket_id bigint primary key,
  centre_id text not null,
  shipped_on date,
  measured smallint,
  met smallint,
  turnaround_ms bigint
);
create index service_ticket_sla_centre on service_ticket_sla (centre_id);

insert into service_ticket_sla (ticket_id, centre_id, shipped_on, measured, met, turnaround_ms)
select id, centre_id, shipped_at::date, null, null, null
from service_tickets
where route = 'rma' and step in ('shipped', 'closed', 'rejected', 'cancelled')
  and centre_id in (select id from service_centres);

-- The RMAs not yet finished (not shipped back, not closed, rejected or cancelled), which the SLA
-- measures to the clock on every read: a few hundred among tens of thousands.
create index service_tickets_rma_unfinished on service_tickets (centre_id)
  where route = 'rma' and open and shipped_at is null;
