-- The finished RMAs' SLA figures of migration 1100 moved to a narrow table of their own, a row a
-- ticket: summed from the ticket rows (800 bytes each with their timeline, 18 MB for the demo's
-- 21,984) a cold SLA read most of a second on the embedded database, from this one a few ms. It
-- carries the centre and the day shipped back, which the SLA and a quarter's report filter by.
-- The projections write it (src/service/projections.ts `storeFinishedFigures`) when a ticket
-- finishes and, for a centre's finished tickets, when its calendar changes. A ticket finished
-- before migration 1100 has its row with no figures (null): the SLA measures it from its timeline
-- until `ledger rebuild` (a replay) stores them.
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
select id, centre_id, shipped_at::date, sla_measured, sla_met, turnaround_ms
from service_tickets
where route = 'rma' and step in ('shipped', 'closed', 'rejected', 'cancelled')
  and centre_id in (select id from service_centres);

alter table service_tickets drop column sla_measured, drop column sla_met, drop column turnaround_ms;

-- The RMAs not yet finished (not shipped back, not closed, rejected or cancelled), which the SLA
-- measures to the clock on every read: a few hundred among tens of thousands.
create index service_tickets_rma_unfinished on service_tickets (centre_id)
  where route = 'rma' and open and shipped_at is null;
