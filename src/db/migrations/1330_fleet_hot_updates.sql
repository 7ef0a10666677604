-- Every sweep updates each machine's latest state (a 1.2 kB reading) and, up to five times in its
-- 5-minute bucket, its row of the series. Neither updates an indexed column, so PostgreSQL can update
-- them in place (HOT: no new index entry, the old version pruned on the page when next read) if the
-- page has room for the new version; full pages (fillfactor 100) sent every update to a page at the
-- table's end with a new primary-key entry, and without vacuum (PGlite runs none) the state table
-- grew by a copy of itself every sweep. Half of each page is kept free: room for the next version of
-- each row, whatever the reading's length. Measured by bench/fleet/store-path.ts (20,000 machines, a
-- sweep a minute, one backend's CPU): 0.65 CPU-s a sweep with full pages, 0.41 with room; the state
-- table 182 MB after 7 sweeps, 69 MB with room, and no longer growing.
-- Pages already full get room as their rows move (a new version is placed by the fillfactor).
alter table fleet_machine_state set (fillfactor = 50);

-- A partitioned table has no storage of its own: each partition is given the fillfactor, the default
-- first, and a partition made later takes the default partition's storage parameters (below).
do $$
declare
  part regclass;
begin
  for part in select inhrelid::regclass from pg_inherits where inhparent = 'fleet_telemetry'::regclass loop
    execute format('alter table %s set (fillfactor = 50)', part);
  end loop;
end $$;

-- 0830's function, the partition now made with its default partition's storage parameters.
create or replace function fleet_attach_range(parent regclass, part text, lo timestamptz, hi timestamptz)
returns boolean language plpgsql as $$
declare
  def regclass := to_regclass(parent::text || '_default');
  col text;
  options text;
begin
  if to_regclass(part) is not null then
    return false;
  end if;
  select a.attname into strict col
  from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
  where p.partrelid = parent;
  execute format('create table %I (like %s including defaults including constraints)', part, parent);
  select array_to_string(c.reloptions, ', ') into options from pg_class c where c.oid = def;
  if options is not null then
    execute format('alter table %I set (%s)', part, options);
  end if;
  if def is not null then
    execute format('with moved as (delete from %s where %I >= $1 and %I < $2 returning *) insert into %I select * from moved',
      def, col, col, part) using lo, hi;
  end if;
  -- Attaching builds the primary key and the foreign key on the new partition.
  execute format('alter table %s attach partition %I for values from (%L) to (%L)', parent, part, lo, hi);
  return true;
exception
  -- Another process made it between the check and the create (the loser of that race sees the
  -- catalogue's unique index), or a reading for the range reached the default partition while the
  -- rows moved: everything here is undone, nothing lost, and the next tick tries again.
  when duplicate_table or unique_violation or check_violation then
    return false;
end $$;
