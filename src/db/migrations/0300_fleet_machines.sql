-- The self-mining fleet. Two kinds of tables live here:
-- * kept current by fleet.* ledger events (business facts, rebuilt by a replay): fleet_machines,
--   fleet_status_changes, fleet_controls;
-- * written directly by the poller (measurements, far too many for the ledger, and allowed to be
--   pruned after the retention period): fleet_machine_state, fleet_telemetry, fleet_hashrate_minutes,
--   fleet_sweeps.

-- A machine is known by its identity (DNA, else MAC), never by its address: DHCP changes addresses.
-- `site` is the site's code; the self-mining module owns the sites and joins on it.
create table fleet_machines (
  id bigint primary key,
  serial text not null unique,
  dna text,
  mac text,
  model text,
  firmware text,
  site text not null,
  address text not null,
  port integer not null check (port between 1 and 65535),
  registered_at timestamptz not null,
  -- 'new' until the first poll, then a health word (ok, degraded, ...) or 'offline'
  status text not null,
  status_since timestamptz not null,
  status_reason text
);
create unique index fleet_machines_dna on fleet_machines (dna) where dna is not null;
create unique index fleet_machines_mac on fleet_machines (mac) where mac is not null;
-- keyset paging by id within the usual filters
create index fleet_machines_site_id on fleet_machines (site, id);
create index fleet_machines_status_id on fleet_machines (status, id);
create index fleet_machines_model_id on fleet_machines (model, id);
create index fleet_machines_address on fleet_machines (address, port);

-- Every status change with when and why (kept current by fleet.statuses-changed events).
create table fleet_status_changes (
  id bigint generated always as identity primary key,
  machine_id bigint not null references fleet_machines (id),
  at timestamptz not null,
  from_status text not null,
  to_status text not null,
  reason text,
  event_id bigint not null references events (id)
);
create index fleet_status_changes_machine on fleet_status_changes (machine_id, at);
create index fleet_status_changes_at on fleet_status_changes (at, id);

-- Control actions (curtailment, reboot, work mode, pool) and what each machine did.
create table fleet_controls (
  id bigint primary key,
  requested_at timestamptz not null,
  actor text not null,
  action jsonb not null,
  selector jsonb not null,
  machine_ids jsonb not null,
  completed_at timestamptz,
  succeeded integer,
  failed integer,
  results jsonb
);

-- The latest poll of each machine. `telemetry` and `hashrate_ths` are the last GOOD values: a
-- failed poll only moves the failure counters, so an offline machine still shows what it last did.
create table fleet_machine_state (
  machine_id bigint primary key references fleet_machines (id),
  last_polled_at timestamptz not null,
  last_seen_at timestamptz,
  consecutive_failures integer not null default 0,
  last_failure text,
  health text,
  health_reason text,
  hashrate_ths double precision,
  telemetry jsonb
);

-- Per machine, one row per 5-minute bucket. `polls` counts every poll in the bucket and `samples`
-- the answered ones, so a sweep's polls can be counted: none lost, none counted twice.
create table fleet_telemetry (
  machine_id bigint not null references fleet_machines (id),
  bucket timestamptz not null,
  polls integer not null,
  samples integer not null,
  ths_sum double precision not null,
  ths_min double precision,
  ths_max double precision,
  chip_max_c double precision,
  inlet_c double precision,
  power_w double precision,
  health text,
  primary key (machine_id, bucket)
);
create index fleet_telemetry_bucket on fleet_telemetry (bucket);

-- Per site (and `*` for the whole fleet), one row per minute. A minute with several sweeps keeps
-- their sum and count: the measured hashrate of the minute is ths_sum / sweeps.
create table fleet_hashrate_minutes (
  site text not null,
  minute timestamptz not null,
  sweeps integer not null,
  ths_sum double precision not null,
  machines integer not null,
  reporting integer not null,
  stale integer not null,
  offline integer not null,
  primary key (site, minute)
);
create index fleet_hashrate_minutes_minute on fleet_hashrate_minutes (minute);

-- One row per sweep of the poller. Only one sweep runs at a time (the partial unique index); a sweep
-- left unfinished by a crash is closed as abandoned by the next one.
create table fleet_sweeps (
  id bigint generated always as identity primary key,
  started_at timestamptz not null,
  finished_at timestamptz,
  running boolean not null default true,
  machines integer,
  answered integer,
  failed integer,
  status_changes integer,
  outcome text
);
create unique index fleet_sweeps_one_running on fleet_sweeps (running) where running;
