-- The poller's measurements partitioned by time (declarative partitioning, no extension: PGlite has
-- none of pg_partman's kind, and the suite runs on PGlite and on the PostgreSQL 15 server alike):
-- * fleet_telemetry (per machine per 5 minutes, the bulk) by UTC day;
-- * fleet_hashrate_minutes (per site per minute, kept five years) by UTC month.
-- Retention then drops whole partitions instead of deleting rows one by one, and a range query reads
-- only the partitions of its range. Each table has a DEFAULT partition, so a row for a period with
-- no partition yet is never refused: the background tick (src/fleet/partitions.ts) creates the
-- partitions ahead, and moves anything the default caught into its own partition.

-- Creates the partition `part` of `parent` for [lo, hi), moving into it the rows the default
-- partition holds for that range, in one transaction: a writer racing it for that range makes the
-- attach fail and roll back (tried again at the next tick), never a row lost. False when it exists.
-- One function serves this migration and the running poller.
create function fleet_attach_range(parent regclass, part text, lo timestamptz, hi timestamptz)
returns boolean language plpgsql as $$
declare
  def regclass := to_regclass(parent::text || '_default');
  col text;
begin
  if to_regclass(part) is not null then
    return false;
  end if;
  select a.attname into strict col
  from pg_partitioned_table p join pg_attribute a on a.attrelid = p.partrelid and a.attnum = p.partattrs[0]
  where p.partrelid = parent;
  execute format('create table %I (like %s including defaults including constraints)', part, parent);
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

-- ------------------------------------------------------------------ per-machine telemetry
alter table fleet_telemetry rename to fleet_telemetry_unpartitioned;
alter index fleet_telemetry_pkey rename to fleet_telemetry_unpartitioned_pkey;
drop index fleet_telemetry_bucket;

-- `last_at`: the time of the latest reading counted in the bucket. A reading of the machine at or
-- before it has been counted already (a replay) and is skipped, so writing a reading twice never
-- counts it twice. The primary key holds across partitions because it includes the partition key.
create table fleet_telemetry (
  machine_id bigint not null references fleet_machines (id),
  bucket timestamptz not null,
  polls integer not null,
  samples integer not null,
  ths_sum double precision not null,
  ths_min double precision,
  ths_max double precision,
  chip_max_c double precision,
  inlet_c double precision,
  power_w double precision,
  health text,
  last_at timestamptz not null,
  primary key (machine_id, bucket)
) partition by range (bucket);
create table fleet_telemetry_default partition of fleet_telemetry default;

select fleet_attach_range('fleet_telemetry', 'fleet_telemetry_' || to_char(d, 'YYYYMMDD'),
  d at time zone 'UTC', (d + interval '1 day') at time zone 'UTC')
from (select distinct date_trunc('day', bucket at time zone 'UTC') as d from fleet_telemetry_unpartitioned) days;

-- A moved bucket's last reading is not known; its start is the earliest it can have been, and every
-- reading after this migration comes later than the readings it holds.
insert into fleet_telemetry (machine_id, bucket, polls, samples, ths_sum, ths_min, ths_max, chip_max_c,
  inlet_c, power_w, health, last_at)
select machine_id, bucket, polls, samples, ths_sum, ths_min, ths_max, chip_max_c, inlet_c, power_w, health, bucket
from fleet_telemetry_unpartitioned;
drop table fleet_telemetry_unpartitioned;

-- ------------------------------------------------------------------ per-site minute totals
alter table fleet_hashrate_minutes rename to fleet_hashrate_minutes_unpartitioned;
alter index fleet_hashrate_minutes_pkey rename to fleet_hashrate_minutes_unpartitioned_pkey;
drop index fleet_hashrate_minutes_minute;

create table fleet_hashrate_minutes (
  site text not null,
  minute timestamptz not null,
  sweeps integer not null,
  ths_sum double precision not null,
  machines integer not null,
  reporting integer not null,
  stale integer not null,
  offline integer not null,
  primary key (site, minute)
) partition by range (minute);
create table fleet_hashrate_minutes_default partition of fleet_hashrate_minutes default;

select fleet_attach_range('fleet_hashrate_minutes', 'fleet_hashrate_minutes_' || to_char(m, 'YYYYMM'),
  m at time zone 'UTC', (m + interval '1 month') at time zone 'UTC')
from (select distinct date_trunc('month', minute at time zone 'UTC') as m from fleet_hashrate_minutes_unpartitioned) months;

insert into fleet_hashrate_minutes select * from fleet_hashrate_minutes_unpartitioned;
drop table fleet_hashrate_minutes_unpartitioned;
