-- The order book. Every table here is kept current by sales.* events (src/sales/projections.ts)
-- and can be rebuilt by replaying them.

create table sales_customers (
  id bigint primary key,
  name text not null,
  country text not null,
  region text not null,
  added_at timestamptz not null
);
create unique index sales_customers_name_key on sales_customers (lower(name));

-- One row per contract: its terms, its figures after the latest event, and the model's state
-- (what the next event is decided against).
create table sales_contracts (
  id bigint primary key,
  customer_id bigint not null references sales_customers (id),
  kind text not null check (kind in ('spot', 'futures', 'pre-order')),
  signed_on date not null,
  reference text,
  status text not null check (status in ('signed', 'delivering', 'delivered', 'cancelled')),
  value_cents bigint not null,
  deposit_cents bigint not null,
  paid_cents bigint not null,
  refunded_cents bigint not null,
  revenue_cents bigint not null,
  cancelled_value_cents bigint not null,
  forfeited_cents bigint not null,
  liability_cents bigint not null,
  receivable_cents bigint not null,
  backlog_cents bigint not null,
  units integer not null,
  th double precision not null,
  delivered_units integer not null,
  delivered_th double precision not null,
  cancelled_units integer not null,
  backlog_units integer not null,
  backlog_th double precision not null,
  cancelled_on date,
  last_day date not null,
  state jsonb not null
);
create index sales_contracts_customer on sales_contracts (customer_id);
create index sales_contracts_signed_on on sales_contracts (signed_on);
create index sales_contracts_open on sales_contracts (id) where status in ('signed', 'delivering');

create table sales_lines (
  contract_id bigint not null references sales_contracts (id),
  line_id integer not null,
  product_id text not null,
  product_kind text not null check (product_kind in ('machine', 'ai-chip')),
  family text not null,
  units integer not null check (units > 0),
  ths_per_unit double precision,
  price_per text not null check (price_per in ('th', 'unit')),
  price_cents bigint not null check (price_cents > 0),
  value_cents bigint not null,
  delivered_units integer not null,
  cancelled_units integer not null,
  revenue_cents bigint not null,
  backlog_cents bigint not null,
  primary key (contract_id, line_id)
);
create index sales_lines_product on sales_lines (product_id);
create index sales_lines_family on sales_lines (family);

create table sales_tranches (
  contract_id bigint not null,
  line_id integer not null,
  tranche integer not null,
  month text not null,
  units integer not null,
  delivered_units integer not null,
  cancelled_units integer not null,
  open_units integer not null check (open_units >= 0),
  primary key (contract_id, line_id, tranche),
  foreign key (contract_id, line_id) references sales_lines (contract_id, line_id)
);
create index sales_tranches_open on sales_tranches (month, contract_id) where open_units > 0;

-- One row per contract event: the drill-down from a figure to the events behind it.
create table sales_entries (
  event_id bigint primary key references events (id),
  contract_id bigint not null references sales_contracts (id),
  type text not null,
  day date not null,
  quarter text not null,
  -- the payment or refund, the revenue of a delivery, the value cancelled, the value booked
  amount_cents bigint not null,
  units integer not null,
  -- the contract's stocks once the event was applied
  liability_cents bigint not null,
  receivable_cents bigint not null,
  backlog_cents bigint not null
);
create index sales_entries_contract on sales_entries (contract_id, day, event_id);
create index sales_entries_quarter on sales_entries (quarter, type);

-- Sums of what each event changed, by the quarter of its day (see src/sales/model-figures.ts):
-- a quarter's flows are its rows, a stock at its end is the sum of all rows up to it.
create table sales_rollup_lines (
  quarter text not null,
  contract_kind text not null,
  product_kind text not null,
  family text not null,
  booked_units bigint not null,
  booked_th double precision not null,
  booked_cents bigint not null,
  delivered_units bigint not null,
  delivered_th double precision not null,
  revenue_cents bigint not null,
  cancelled_units bigint not null,
  cancelled_th double precision not null,
  cancelled_cents bigint not null,
  futures_th double precision not null,
  futures_locked_cents bigint not null,
  futures_spot_cents bigint not null,
  primary key (quarter, contract_kind, product_kind, family)
);

create table sales_rollup_money (
  quarter text not null,
  contract_kind text not null,
  contracts bigint not null,
  paid_cents bigint not null,
  refunded_cents bigint not null,
  forfeited_cents bigint not null,
  liability_cents bigint not null,
  receivable_cents bigint not null,
  primary key (quarter, contract_kind)
);

create table sales_rollup_schedule (
  quarter text not null,
  scheduled_quarter text not null,
  product_kind text not null,
  units bigint not null,
  th double precision not null,
  value_cents bigint not null,
  primary key (quarter, scheduled_quarter, product_kind)
);
