-- The transaction that recorded each event, by its 64-bit number, so that a figure remembered with
-- the snapshot it read (`pg_current_snapshot()`) can ask whether an event of its modules has
-- committed since that the snapshot did not see (src/ledger/latest.ts). The latest event's id could
-- not say so on a PostgreSQL server: ids are handed out before commit, so an event numbered 10 can
-- commit after one numbered 11, when a reader has already remembered "through 11". Events recorded
-- before this migration keep no number (null): every snapshot taken since saw them.
alter table events add column tx xid8;
alter table events alter column tx set default pg_current_xact_id();

-- A module's events from a snapshot's oldest running transaction on, found at the end of an index;
-- the latest id per module (0961) is no longer asked for.
create index events_module_tx on events (split_part(kind, '.', 1), tx);
drop index events_module_latest;

-- A scenario's stored results hold with the snapshot its run read in, not the latest event id.
-- Results stored under an event id cannot tell whether they missed an event committed out of order:
-- they are dropped (they are only a run's output; the GET asks for the scenario to be run again).
delete from planning_scenario_results;
alter table planning_scenario_results drop column through_event_id;
alter table planning_scenario_results add column through_snapshot pg_snapshot not null;
