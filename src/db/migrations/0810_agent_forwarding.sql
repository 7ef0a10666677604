-- Site agents (src/agent). A sweep an agent made is a fleet_sweeps row like any other (the alert
-- evaluator and GET /api/fleet/sweeps see it), with the site it polled and its key on the agent
-- (agent:site:reading time), which makes forwarding it from the agent's spool a second time a no-op.
alter table fleet_sweeps add column site text;
alter table fleet_sweeps add column agent_key text unique;

-- Every part of a spooled sweep the database has taken (a batch of polls, or the sweep's end),
-- by its key: replaying a spool after a link came back skips what already arrived before it broke.
create table agent_forwarded (
  key text primary key,
  agent text not null,
  site text not null,
  at timestamptz not null,
  readings integer not null,
  forwarded_at timestamptz not null default now()
);

-- The agents that are running: the sites they hold and when each last reached the database. The
-- API refuses a control at a site whose agent has lost its link, and `serve` leaves the sweep to
-- the agents while one is alive.
create table agent_presence (
  agent text primary key,
  host text not null,
  pid integer not null,
  sites jsonb not null,
  seen_at timestamptz not null
);
