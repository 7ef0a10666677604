-- A scenario's results as its last run left them, so that reading them is a read: a run draws its
-- paths (a write), the GET answers what is stored. `through_event_id` is the latest event of the
-- modules a run reads (the books, the market, the back-test's actuals) when it started reading;
-- a later event of theirs, or the clock passing `stale_on` (when the back-test gains a quarter),
-- makes the stored results stale, and the GET refuses them until the scenario is run again.
create table planning_scenario_results (
  scenario_id integer primary key,
  through_event_id bigint not null,
  stale_on date,
  result jsonb not null,
  computed_at timestamptz not null,
  computed_by text not null
);

-- A module's latest event (its kind's first word), found at the end of an index instead of by a
-- scan of every event since a run.
create index events_module_latest on events (split_part(kind, '.', 1), id);
