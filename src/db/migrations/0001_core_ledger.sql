-- The one ledger of the whole system: every write is an event here, appended in the same
-- transaction as the module tables it keeps current.
create table events (
  id bigint generated always as identity primary key,
  recorded_at timestamptz not null,
  actor text not null,
  kind text not null,
  stream text not null,
  version integer not null,
  payload jsonb not null,
  -- numbers handed out by the counters table while deciding this event, so a replay restores them
  counters jsonb not null default '{}',
  unique (stream, version)
);
create index events_recorded_at on events (recorded_at);
create index events_kind on events (kind);

-- History is never changed: a correction is a new event.
create function refuse_history_change() returns trigger language plpgsql as $$
begin
  raise exception 'events are append-only: % refused', tg_op using errcode = 'P0001';
end;
$$;
create trigger events_append_only before update or delete on events
  for each row execute function refuse_history_change();

create table idempotency_keys (
  key text primary key,
  request_hash text not null,
  event_id bigint not null references events (id),
  result jsonb not null
);

create table counters (
  name text primary key,
  value bigint not null
);

create table api_tokens (
  id bigint primary key,
  name text not null,
  role text not null,
  token_hash text not null unique,
  created_at timestamptz not null,
  revoked_at timestamptz
);
