-- Saved planning scenarios: their inputs and seed, as recorded by the planning module's events.
-- Results are not stored: a run draws them again from the inputs and the seed, the same each time.
create table planning_scenarios (
  id integer primary key,
  name text not null,
  as_of date not null,
  inputs jsonb not null,
  created_at timestamptz not null,
  created_by text not null
);
