-- Making and dropping the measurements' partitions (0830) takes the tables' owner, and on a server
-- the application connects as a role that owns nothing (src/db/roles.ts). These two functions run
-- as their owner (security definer, the search path fixed to this migration's) and do only that,
-- only to the two partitioned measurement tables; the application calls them, never DDL itself.

-- Makes a partition of fleet_telemetry or fleet_hashrate_minutes through 0830's fleet_attach_range
-- (which runs as the caller, here the owner).
create function fleet_make_partition(parent regclass, part text, lo timestamptz, hi timestamptz)
returns boolean language plpgsql security definer set search_path from current as $$
begin
  if parent::text not in ('fleet_telemetry', 'fleet_hashrate_minutes') then
    raise exception 'fleet_make_partition: % is not a partitioned measurement table', parent;
  end if;
  return fleet_attach_range(parent, part, lo, hi);
end $$;

-- Drops one partition of the measurements (never the default); false when it is no such partition
-- (dropped meanwhile by another process, or not one of theirs).
create function fleet_drop_partition(part text) returns boolean
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
  return true;
end $$;

-- Only through the checked entry point.
revoke execute on function fleet_attach_range(regclass, text, timestamptz, timestamptz) from public;
