-- Supply: where chips come from and how many machines they make. Every table here is kept
-- current by supply.* events (src/supply/projections.ts) and can be rebuilt by replaying them.
-- Product ids point at the catalog's products without a foreign key: each module owns its tables,
-- and the service checks the product exists when a design is added.

create table supply_foundries (
  id text primary key,
  name text not null,
  country text not null,
  -- Months from a wafer start to the wafers coming out; a wafer order may say otherwise.
  lead_time_months integer not null check (lead_time_months between 0 and 36),
  added_at timestamptz not null
);
create unique index supply_foundries_name_key on supply_foundries (lower(name));

create table supply_designs (
  id text primary key,
  name text not null,
  process_nm double precision not null check (process_nm > 0),
  dies_per_wafer integer not null check (dies_per_wafer > 0),
  added_at timestamptz not null
);

-- The machine models a design goes into, the chips each needs, and each model's share of the chips.
create table supply_design_models (
  design_id text not null references supply_designs (id),
  product_id text not null,
  chips_per_machine integer not null check (chips_per_machine > 0),
  share_pct integer not null check (share_pct between 0 and 100),
  primary key (design_id, product_id)
);
-- A machine model is built from one design's chips.
create unique index supply_design_models_product_key on supply_design_models (product_id);

-- A foundry making a design, with the yield curve of that pair (basis points: 4250 = 42.50 %).
create table supply_partnerships (
  id bigint primary key,
  foundry_id text not null references supply_foundries (id),
  design_id text not null references supply_designs (id),
  start_month text not null,
  start_bp integer not null check (start_bp between 0 and 10000),
  mature_bp integer not null check (mature_bp between 1 and 10000 and mature_bp >= start_bp),
  months_to_mature integer not null check (months_to_mature >= 0),
  shape text not null check (shape in ('linear', 'logistic')),
  added_at timestamptz not null,
  unique (foundry_id, design_id)
);

create table supply_agreements (
  id bigint primary key,
  foundry_id text not null references supply_foundries (id),
  wafers_per_month integer not null check (wafers_per_month > 0),
  take_or_pay_wafers integer not null check (take_or_pay_wafers >= 0 and take_or_pay_wafers <= wafers_per_month),
  start_month text not null,
  term_months integer not null check (term_months > 0),
  end_month text not null,
  signed_at timestamptz not null
);

create table supply_wafer_orders (
  id bigint primary key,
  agreement_id bigint not null references supply_agreements (id),
  partnership_id bigint not null references supply_partnerships (id),
  wafers integer not null check (wafers > 0),
  placed_month text not null,
  lead_time_months integer not null check (lead_time_months >= 0),
  out_month text not null,
  status text not null check (status in ('placed', 'out', 'received')),
  -- The good dies the yield curve promised when the order was placed, to compare with what came.
  expected_dies integer not null check (expected_dies >= 0),
  received_month text,
  chips_received integer check (chips_received >= 0),
  placed_at timestamptz not null
);
create index supply_wafer_orders_agreement_month on supply_wafer_orders (agreement_id, placed_month);
create index supply_wafer_orders_partnership on supply_wafer_orders (partnership_id);

-- Machines actually built, per model and month; a later record for the same month replaces it.
create table supply_builds (
  product_id text not null,
  month text not null,
  units integer not null check (units >= 0),
  recorded_at timestamptz not null,
  primary key (product_id, month)
);

-- Assembly capacity in machines a month, in force from a month until the next setting.
create table supply_assembly_capacity (
  from_month text primary key,
  machines_per_month integer not null check (machines_per_month >= 0),
  recorded_at timestamptz not null
);

-- Self-mining's target share of production capacity, in force from a month (10 % when none is set).
create table supply_self_mining_share (
  from_month text primary key,
  share_bp integer not null check (share_bp between 0 and 10000),
  recorded_at timestamptz not null
);
