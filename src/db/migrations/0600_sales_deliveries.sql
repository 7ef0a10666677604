-- Each recorded delivery, tranche by tranche with its model and day: the supply plan shows past
-- months' machines going where they actually went. Numbered after every module's first tables
-- because migrations apply in name order and databases already hold 0500.
create table sales_deliveries (
  event_id bigint not null references events (id),
  contract_id bigint not null,
  line_id integer not null,
  tranche integer not null,
  product_id text not null,
  due_month text not null,
  day date not null,
  units integer not null check (units > 0),
  primary key (event_id, line_id, tranche),
  foreign key (contract_id, line_id) references sales_lines (contract_id, line_id)
);
create index sales_deliveries_day on sales_deliveries (day);

-- Deliveries recorded before this table existed, from their events (the effect names each tranche).
insert into sales_deliveries (event_id, contract_id, line_id, tranche, product_id, due_month, day, units)
select e.id, l.contract_id, l.line_id, (t ->> 'tranche')::integer, l.product_id, t ->> 'month',
  (e.payload -> 'event' ->> 'day')::date, (t ->> 'units')::integer
from events e
cross join lateral jsonb_array_elements(e.payload -> 'effect' -> 'lines') d
cross join lateral jsonb_array_elements(d -> 'tranches') t
join sales_lines l on l.contract_id = (e.payload ->> 'contractId')::bigint and l.line_id = (d ->> 'lineId')::integer
where e.kind = 'sales.delivery-recorded' and (t ->> 'units')::integer > 0;
