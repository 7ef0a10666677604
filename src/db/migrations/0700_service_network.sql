-- The service network: machines by serial, warranty policies, repair centres with their parts,
-- tickets and their steps. Every table here is kept current by service.* events
-- (src/service/projections.ts) and rebuilt by replaying them. Product, customer, contract and
-- fleet machine ids point at other modules' rows without foreign keys: each module owns its tables.

-- Serial ranges of a build labelled with their batch and the foundry lot of their chips.
create table service_serial_lots (
  product_id text not null,
  month text not null,
  first_seq integer not null check (first_seq >= 1),
  last_seq integer not null check (last_seq >= first_seq),
  batch text not null,
  foundry_lot text not null,
  event_id bigint not null references events (id),
  primary key (product_id, month, first_seq)
);

-- Serial ranges that went to a customer on a delivery.
create table service_delivered_serials (
  product_id text not null,
  month text not null,
  first_seq integer not null check (first_seq >= 1),
  last_seq integer not null check (last_seq >= first_seq),
  customer_id bigint not null,
  contract_id bigint not null,
  dispatched_on date not null,
  delivered_on date not null,
  event_id bigint not null references events (id),
  primary key (product_id, month, first_seq)
);
create index service_delivered_serials_customer on service_delivered_serials (customer_id);

-- The fleet knows a machine by DNA or MAC; this says which serial it is.
create table service_machine_serials (
  machine_id bigint primary key,
  serial text not null unique,
  linked_at timestamptz not null
);

-- Warranty per model, and per batch where one differs ('' = every batch without its own).
create table service_warranty_policies (
  product_id text not null,
  batch text not null,
  term_days integer not null check (term_days > 0),
  starts_at text not null check (starts_at in ('dispatch', 'delivery')),
  doa_days integer not null check (doa_days >= 0),
  repaired_days integer not null check (repaired_days >= 0),
  set_at timestamptz not null,
  primary key (product_id, batch)
);

create table service_centres (
  id text primary key,
  name text not null,
  region text not null,
  country text not null,
  technicians integer not null check (technicians >= 0),
  repairs_per_day jsonb not null,
  burn_in_positions integer not null check (burn_in_positions >= 0),
  calendar jsonb not null,
  updated_at timestamptz not null
);

create table service_parts_stock (
  centre_id text not null references service_centres (id),
  part text not null,
  on_hand integer not null check (on_hand >= 0),
  primary key (centre_id, part)
);

create table service_tickets (
  id bigint primary key,
  origin text not null check (origin in ('customer', 'fleet')),
  class text not null,
  route text not null check (route in ('rma', 'site-ops')),
  serial text,
  product_id text,
  customer_id bigint,
  machine_id bigint,
  site text,
  centre_id text,
  step text not null,
  open boolean not null,
  waiting_for text,
  summary text not null,
  opened_at timestamptz not null,
  opened_by text not null,
  evidence integer not null default 0,
  warranty boolean,
  replacement_serial text,
  cost_cents bigint not null default 0,
  received_at timestamptz,
  shipped_at timestamptz,
  updated_at timestamptz not null
);
-- One open ticket per machine and class: a repeat fault adds evidence to it.
create unique index service_tickets_open_machine on service_tickets (machine_id, class) where open and machine_id is not null;
create unique index service_tickets_open_serial on service_tickets (serial, class) where open and serial is not null;
create index service_tickets_centre on service_tickets (centre_id, id);
create index service_tickets_serial on service_tickets (serial);
create index service_tickets_replacement on service_tickets (replacement_serial) where replacement_serial is not null;
create index service_tickets_customer on service_tickets (customer_id, id);

-- Each step of a ticket with who and when (waiting and resuming included): what the SLA reads.
create table service_ticket_steps (
  ticket_id bigint not null references service_tickets (id),
  seq integer not null,
  step text not null,
  at timestamptz not null,
  actor text not null,
  detail jsonb,
  event_id bigint not null references events (id),
  primary key (ticket_id, seq)
);

-- What proved a fault: the poll reply, one row per poll that saw it.
create table service_ticket_evidence (
  ticket_id bigint not null references service_tickets (id),
  seq integer not null,
  at timestamptz not null,
  fault text not null,
  reply jsonb not null,
  event_id bigint not null references events (id),
  primary key (ticket_id, seq)
);
