-- Running totals of the self-mining fleet: per site, model (product with the TH/s and W it was
-- deployed at) and day, the machines shipped and installed that day. The mining projections keep it
-- in the same transaction as the deployment and installation events, so the hashrate, energy,
-- earnings, economics and status figures read a few hundred rows instead of grouping every machine.
-- Installed by a day = the installations on or before it; in transit = shipped minus installed.
create table mining_fleet_days (
  site_code text not null references mining_sites (code),
  product_id text not null,
  ths double precision not null check (ths > 0),
  watts integer not null check (watts > 0),
  day date not null,
  shipped integer not null default 0 check (shipped >= 0),
  installed integer not null default 0 check (installed >= 0),
  -- The least serial installed that day: a site's models are listed in the order of their first
  -- installed serial, as they were when counted from the machines.
  first_installed_serial text,
  primary key (site_code, product_id, ths, watts, day)
);

-- A database made before this table: the totals from the machines already deployed.
insert into mining_fleet_days (site_code, product_id, ths, watts, day, shipped, installed, first_installed_serial)
select site_code, product_id, ths, watts, day, sum(shipped)::int, sum(installed)::int, min(first_serial)
from (
  select site_code, product_id, ths, watts, shipped_on as day, count(*) as shipped, 0 as installed,
    null::text as first_serial
  from mining_machines group by site_code, product_id, ths, watts, shipped_on
  union all
  select site_code, product_id, ths, watts, installed_on, 0, count(*), min(serial)
  from mining_machines where installed_on is not null group by site_code, product_id, ths, watts, installed_on
) changes
group by site_code, product_id, ths, watts, day;

-- The machines list pages by (site, serial). Statistics for the planner, which has none on an
-- embedded database (PGlite runs no autovacuum) and would sort a site's machines rather than read
-- them in order from this index.
create index mining_machines_site_serial on mining_machines (site_code, serial);
analyze mining_machines;
analyze mining_fleet_days;
