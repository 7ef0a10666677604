-- Per contract event, the deposit it forfeited (cancellations) and the payment it corrects
-- (payment adjustments), so that a quarter's cancellations, forfeited deposits and corrections
-- read per contract and day from sales_entries. Kept by src/sales/projections.ts.
alter table sales_entries add column forfeited_cents bigint not null default 0;
alter table sales_entries add column corrects_event_id bigint references events (id);
create index sales_entries_corrects on sales_entries (corrects_event_id) where corrects_event_id is not null;

-- Cancellations recorded before this column existed, from their events' effects.
update sales_entries s
set forfeited_cents = (e.payload -> 'effect' -> 'forfeitedCents' ->> '$bigint')::bigint
from events e
where e.id = s.event_id and s.type = 'cancellation';
