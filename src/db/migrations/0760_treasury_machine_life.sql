-- The machines' life for depreciation as a policy finance sets, each setting effective from its
-- day (treasury.machine-life-set); HASHFORGE_MACHINE_LIFE_MONTHS is only the default before the
-- first. A later setting for the same day replaces it here; the events keep both.
create table treasury_machine_life (
  effective_from date primary key,
  life_months integer not null check (life_months between 1 and 240),
  reason text not null,
  event_id bigint not null,
  actor text not null,
  recorded_at timestamptz not null
);
