-- Failure rates count the hardware tickets with a serial opened in a range of months, of one model
-- or of all, and by default the months up to the latest such ticket: these find them (and the
-- latest) without reading every ticket. Partial: no other ticket is ever counted.
create index service_tickets_rma_opened on service_tickets (opened_at)
  where route = 'rma' and serial is not null;
create index service_tickets_rma_product_opened on service_tickets (product_id, opened_at)
  where route = 'rma' and serial is not null;
