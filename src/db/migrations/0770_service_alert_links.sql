-- A fleet ticket and the alerts that fired on the same fault: one fault, one alert, one ticket,
-- each naming the other. Kept by the service module's events (service.ticket-opened and
-- service.fault-evidence-added carry the alerts they take up); the alerts module reads it to show
-- an alert's ticket. An alert belongs to one ticket; a ticket may take up several (a fault that
-- cleared and came back while the ticket stayed open).
create table service_ticket_alerts (
  alert_id bigint primary key,
  ticket_id bigint not null references service_tickets (id),
  rule text not null,
  event_id bigint not null references events (id)
);
create index service_ticket_alerts_by_ticket on service_ticket_alerts (ticket_id);
