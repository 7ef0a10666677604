-- Sweeps an agent made through a cut under no lease (src/agent/model.ts `OffLease`) that replay
-- found overlapping another sweep of their site already stored: their readings are not counted
-- (the other sweep has the site for that time). A row per dropped sweep, naming the sweep it met,
-- so that every later part of it is dropped too, and pruned with the forwarded parts' keys.
create table agent_dropped_sweeps (
  sweep text primary key,
  agent text not null,
  site text not null,
  at timestamptz not null,
  met text not null,
  dropped_at timestamptz not null default now()
);
create index agent_dropped_sweeps_at on agent_dropped_sweeps (at);

-- The sweeps of a site by time: what an off-lease sweep is checked against on replay (a day's cut
-- replays thousands of them; without it each read the whole table).
create index fleet_sweeps_site_started on fleet_sweeps (site, started_at) where site is not null;
