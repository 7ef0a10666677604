-- The day each finished RMA was shipped back, as a UTC day: migration 1100 and the projections
-- before this took it as `shipped_at::date`, the day in the session's time zone, so on a server
-- whose time zone is not UTC a ticket shipped late in a UTC day was stored on the next (or the
-- previous) day, and a quarter's SLA counted it in the wrong span.
update service_ticket_sla s
set shipped_on = (t.shipped_at at time zone 'UTC')::date
from service_tickets t
where t.id = s.ticket_id and s.shipped_on is distinct from (t.shipped_at at time zone 'UTC')::date;
