-- What a finished RMA (shipped, closed, rejected or cancelled) adds to its centre's SLA figures,
-- on its row: its finished stages, how many met their target, its turnaround (receipt to shipping
-- back, ms). Worked out by the projections with the SLA's own rule (src/service/sla.ts
-- `finishedFigures`) when the ticket finishes and again for all of a centre's finished tickets
-- when its calendar changes, so the SLA reads sums instead of measuring 20,000 timelines.
-- Null while the ticket is open, and for the tickets finished before this migration: the SLA
-- measures those from their timeline on read until `ledger rebuild` (a replay) stores theirs.
alter table service_tickets
  add column sla_measured smallint,
  add column sla_met smallint,
  add column turnaround_ms bigint;
