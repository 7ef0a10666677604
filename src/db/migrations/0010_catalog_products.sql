-- The products the company makes: mining machines and AI chips. Kept current by catalog.* events.
create table products (
  id text primary key,
  kind text not null check (kind in ('machine', 'ai-chip')),
  name text not null,
  family text not null,
  stage text not null,
  launch_date date,
  -- machines
  generation integer,
  algorithm text,
  ths double precision check (ths > 0),
  watts integer check (watts > 0),
  chips_per_machine integer check (chips_per_machine > 0),
  hashboards integer check (hashboards > 0),
  -- AI chips
  tier text,
  tops double precision check (tops > 0),
  process_nm integer,
  predecessor text references products (id),
  updated_at timestamptz not null
);
