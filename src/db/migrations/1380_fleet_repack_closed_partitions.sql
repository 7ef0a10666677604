-- A day's telemetry partition keeps half of each page free (1330) so that each sweep's update of the
-- current 5-minute bucket stays on its page (HOT). Once the day is over nobody updates it again, and
-- the free half is only disk: a closed day's partition is repacked full (fillfactor 100) and rewritten
-- once. VACUUM FULL cannot run inside a function (nor a transaction); CLUSTER on one table can, and
-- orders the rows by the primary key on the way, each machine's day on adjacent pages (what a
-- machine's history reads). Like 0831's two functions it runs as the tables' owner, since on a server
-- the application's role owns no table, and only on a partition of fleet_telemetry (never the
-- default). The setting and the rewrite are one transaction: a partition at fillfactor 100 has been
-- rewritten, and is skipped (false).
--
-- The rewrite holds the partition exclusively. Nobody writes a closed day, but a reader of it (or a
-- late replay) may hold it: rather than queue every later reader of the table behind its wait, the
-- lock is given up after a second, nothing changed (false), and the next round of upkeep tries again.
create function fleet_repack_partition(part text) returns boolean
language plpgsql security definer set search_path from current set lock_timeout = '1s' as $$
declare
  rel regclass := to_regclass(part);
  pkey regclass;
begin
  if rel is null or not exists (
    select 1 from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where c.oid = rel and i.inhparent = 'fleet_telemetry'::regclass
      and pg_get_expr(c.relpartbound, c.oid) <> 'DEFAULT'
      and not coalesce('fillfactor=100' = any(c.reloptions), false)) then
    return false;
  end if;
  select indexrelid::regclass into strict pkey from pg_index where indrelid = rel and indisprimary;
  execute format('alter table %s set (fillfactor = 100)', rel);
  execute format('cluster %s using %s', rel, pkey);
  return true;
exception
  when lock_not_available then
    return false;
end $$;
