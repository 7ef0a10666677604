-- Self-mining: sites, their power price over time and compliance history, the machines deployed
-- to them, hashrate targets and applied curtailment advice. Every table is kept current by
-- mining.* ledger events. The fleet module's fleet_machines.site holds a mining_sites.code.

create table mining_sites (
  code text primary key,
  name text not null,
  country text not null,
  -- power capacity to the watt (12.5 MW = 12,500,000 W)
  capacity_w bigint not null check (capacity_w >= 0),
  compliance_status text not null check (compliance_status in ('approved', 'pending', 'suspended')),
  permit_ref text,
  permit_from date,
  permit_until date,
  status_since date not null,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

-- The electricity price of a site from a day on; the price in force is the latest not after the day.
create table mining_site_prices (
  site_code text not null references mining_sites (code),
  effective_from date not null,
  usd_per_kwh numeric(12, 6) not null check (usd_per_kwh >= 0),
  event_id bigint not null references events (id),
  primary key (site_code, effective_from)
);

-- Every compliance status a site has had, with the permit it rested on and why it changed.
create table mining_site_compliance (
  event_id bigint primary key references events (id),
  site_code text not null references mining_sites (code),
  effective_on date not null,
  status text not null check (status in ('approved', 'pending', 'suspended')),
  permit_ref text,
  permit_from date,
  permit_until date,
  reason text,
  recorded_at timestamptz not null
);
create index mining_site_compliance_site on mining_site_compliance (site_code, effective_on);

-- A batch of machines of one model shipped to a site, optionally against a month of supply's
-- self-mining allocation.
create table mining_deployments (
  id integer primary key,
  site_code text not null references mining_sites (code),
  product_id text not null,
  units integer not null check (units > 0),
  shipped_on date not null,
  allocation_month text,
  note text,
  event_id bigint not null references events (id),
  recorded_at timestamptz not null
);
create index mining_deployments_allocation on mining_deployments (allocation_month, product_id);

-- One row per deployed machine. Nominal TH/s and W are the catalog's at deployment, kept so a later
-- catalog correction does not rewrite a site's history. The fleet poller finds it by serial or MAC.
create table mining_machines (
  serial text primary key,
  deployment_id integer not null references mining_deployments (id),
  site_code text not null references mining_sites (code),
  product_id text not null,
  ths double precision not null check (ths > 0),
  watts integer not null check (watts > 0),
  mac text,
  shipped_on date not null,
  installed_on date
);
create index mining_machines_site on mining_machines (site_code, product_id);
create unique index mining_machines_mac on mining_machines (mac) where mac is not null;

-- Machines flagged for curtailment (a site suspended); cleared when the site is approved again.
create table mining_curtailment_flags (
  site_code text not null references mining_sites (code),
  serial text not null,
  reason text not null,
  flagged_on date not null,
  cleared_on date,
  event_id bigint not null references events (id),
  primary key (event_id, serial)
);
create index mining_curtailment_flags_open on mining_curtailment_flags (site_code) where cleared_on is null;

create table mining_targets (
  id integer primary key,
  by_day date not null,
  low_ths double precision not null check (low_ths > 0),
  high_ths double precision not null check (high_ths >= low_ths),
  share_bp integer not null check (share_bp between 0 and 10000),
  note text,
  set_at timestamptz not null
);

-- Curtailment advice that was applied: what was switched off, on which day's advice, and what the
-- fleet reported for each group.
create table mining_curtailments (
  event_id bigint primary key references events (id),
  advice_day date not null,
  applied_at timestamptz not null,
  actor text not null,
  machines integer not null,
  saved_cents_per_day bigint not null,
  groups jsonb not null,
  control jsonb not null
);
