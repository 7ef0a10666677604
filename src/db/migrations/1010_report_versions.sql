-- What the quarterly report remembers between requests (src/reporting/reads.ts) holds while this one
-- row's counters stand still. The database bumps them in the writing transaction itself, so no
-- writer can forget, and at its commit (deferred triggers), so the row is locked only while a
-- transaction commits: taking it earlier, between a write's stream locks, could deadlock two
-- writers. One row, not one per module, for the same reason: two transactions bumping two rows in
-- opposite orders at commit could deadlock too.
-- * events: any transaction that appends to the ledger (every module's derived tables follow it);
-- * past_measurements: any write of the fleet's measurements for a UTC day before the database's
--   today (an agent's spool replayed late, rows moved or deleted by the partitions' upkeep,
--   retention dropping a partition). Today's are written every sweep and bump nothing: only a
--   report that reads today (the current quarter) reads them, and it does not hold on these.
create table report_versions (
  id boolean primary key default true check (id),
  events bigint not null default 0,
  past_measurements bigint not null default 0
);

-- Bumps a counter once per transaction, however many rows it wrote: a transaction-local setting
-- remembers that it did.
create function report_versions_bump() returns trigger
language plpgsql set search_path from current as $$
declare
  done text := 'hashforge.report_bumped_' || tg_argv[0];
begin
  if coalesce(current_setting(done, true), '') = '' then
    if tg_argv[0] = 'events' then
      insert into report_versions as v (events) values (1)
        on conflict (id) do update set events = v.events + 1;
    else
      insert into report_versions as v (past_measurements) values (1)
        on conflict (id) do update set past_measurements = v.past_measurements + 1;
    end if;
    perform set_config(done, 'yes', true);
  end if;
  return null;
end $$;

create constraint trigger report_versions_events after insert on events
  deferrable initially deferred for each row execute function report_versions_bump('events');

-- Only rows of a day before today are queued (the WHEN is checked as each row is written).
create constraint trigger report_versions_telemetry_new after insert or update on fleet_telemetry
  deferrable initially deferred for each row
  when (new.bucket < date_trunc('day', now(), 'UTC'))
  execute function report_versions_bump('past_measurements');
create constraint trigger report_versions_telemetry_old after delete on fleet_telemetry
  deferrable initially deferred for each row
  when (old.bucket < date_trunc('day', now(), 'UTC'))
  execute function report_versions_bump('past_measurements');
create constraint trigger report_versions_minutes_new after insert or update on fleet_hashrate_minutes
  deferrable initially deferred for each row
  when (new.minute < date_trunc('day', now(), 'UTC'))
  execute function report_versions_bump('past_measurements');
create constraint trigger report_versions_minutes_old after delete on fleet_hashrate_minutes
  deferrable initially deferred for each row
  when (old.minute < date_trunc('day', now(), 'UTC'))
  execute function report_versions_bump('past_measurements');

-- Retention drops a whole partition of past measurements, which no row trigger sees: 0831's
-- function, bumping as it drops.
create or replace function fleet_drop_partition(part text) returns boolean
language plpgsql security definer set search_path from current as $$
begin
  if not exists (
    select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where c.oid = to_regclass(part)
      and i.inhparent::regclass::text in ('fleet_telemetry', 'fleet_hashrate_minutes')
      and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT') then
    return false;
  end if;
  execute format('drop table %I', part);
  insert into report_versions as v (past_measurements) values (1)
    on conflict (id) do update set past_measurements = v.past_measurements + 1;
  return true;
end $$;
