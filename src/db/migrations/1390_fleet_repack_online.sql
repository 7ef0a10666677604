-- 1380 repacked a closed day with CLUSTER, which holds the partition ACCESS EXCLUSIVE for the whole
-- rewrite: at 50,000 machines (14 M rows a day) every reader of that day, and every query on
-- fleet_telemetry whose plan locks all partitions, waited minutes. The day is now copied into a new
-- table at fillfactor 100 while the old one stays readable, and swapped in for it in a moment.
--
-- One function, so one transaction: the old partition is held in SHARE ROW EXCLUSIVE from before the
-- copy to the swap. That blocks writers (a late replay to the closed day waits, nothing lost) and a
-- second repacker of the same day (the mode conflicts with itself, where SHARE does not), never a
-- reader. Copied rows are in primary-key order (each machine's day on adjacent pages, what a
-- machine's history reads). The indexes come with LIKE and the foreign keys are added, validated,
-- before the swap, and a CHECK matching the bound lets ATTACH skip its scan: the swap itself is only
-- catalogue changes, and the old day's files removed at its commit (dropping it also takes
-- fleet_machines exclusively for that moment, its foreign-key triggers removed, as 0831's retention
-- drop does). The catch of one transaction: the foreign key's validation holds fleet_machines against
-- writers (SHARE ROW EXCLUSIVE, as every ATTACH does) from then until the commit, a few seconds at
-- that size; readers of fleet_machines and telemetry writes' key checks are not held.
--
-- Every lock is waited for at most a second (the swap's ACCESS EXCLUSIVE on fleet_telemetry queues
-- every query on it while it waits, so no longer); not had, everything is undone (false) and a later
-- round copies again. Like 0831 and 1380 it runs as the tables' owner, only on a partition of
-- fleet_telemetry other than the default, and skips a partition already at fillfactor 100.
create or replace function fleet_repack_partition(part text) returns boolean
language plpgsql security definer set search_path from current set lock_timeout = '1s' as $$
declare
  rel regclass := to_regclass(part);
  fresh text := part || '_repacking';
  bound text;
  fk record;
begin
  if rel is null or not exists (
    select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where c.oid = rel and i.inhparent = 'fleet_telemetry'::regclass
      and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
      and not coalesce('fillfactor=100' = any(c.reloptions), false)) then
    return false;
  end if;
  select pg_get_expr(relpartbound, oid) into strict bound from pg_class where oid = rel;
  execute format('lock table %s in share row exclusive mode', rel);
  execute format('create table %I (like %s including all) with (fillfactor = 100)', fresh, rel);
  execute format('insert into %I select * from %s order by machine_id, bucket', fresh, rel);
  execute format('alter table %I add constraint repack_bound check (%s)', fresh,
    pg_get_partition_constraintdef(rel));
  for fk in select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = 'fleet_telemetry'::regclass and contype = 'f' loop
    execute format('alter table %I add constraint %I %s', fresh, fk.conname, fk.def);
  end loop;
  -- The swap: ACCESS EXCLUSIVE on fleet_telemetry from here to the commit, catalogue work only.
  execute format('alter table fleet_telemetry detach partition %s', rel);
  execute format('alter table fleet_telemetry attach partition %I %s', fresh, bound);
  execute format('alter table %I drop constraint repack_bound', fresh);
  execute format('drop table %s', rel);
  execute format('alter table %I rename to %I', fresh, part);
  execute format('alter index %I rename to %I', fresh || '_pkey', part || '_pkey');
  return true;
exception
  when lock_not_available or deadlock_detected then
    return false;
end $$;
