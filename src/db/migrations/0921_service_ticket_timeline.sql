-- A ticket's steps in one line on its row ("requested@<epoch ms> authorised@<epoch ms> …", in the
-- steps' order): what the SLA report reads for a centre's every ticket, in one row a ticket,
-- instead of joining, sorting and shipping all their steps (800,000 of them in the benchmark).
-- It is the steps' names and times, nothing counted: the report still computes every figure on
-- read, and the projections append to it in the transaction that writes the step.

alter table service_tickets add column timeline text not null default '';

update service_tickets t
set timeline = s.line
from (
  select ticket_id,
    string_agg(step || '@' || ((extract(epoch from at) * 1000)::bigint)::text, ' ' order by seq) as line
  from service_ticket_steps
  group by ticket_id
) s
where s.ticket_id = t.id;
