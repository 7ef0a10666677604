-- Alerts: rules evaluated on every fleet sweep, alerts as ledger events (firing → acknowledged →
-- resolved, with who and when), and webhooks that deliver them.
--   Kept by the alerts module's events: alert_rules, alerts, alert_webhooks.
--   Written by the evaluator and the deliverer directly (state between evaluations, an outbox):
--   alert_tracking, alert_deliveries, alert_evaluations.

-- A rule's settings once an operator changed them; a rule with no row runs with the shipped defaults.
create table alert_rules (
  kind text primary key,
  enabled boolean not null,
  threshold double precision not null check (threshold >= 0),
  sustain_seconds integer not null check (sustain_seconds >= 0),
  cooldown_seconds integer not null check (cooldown_seconds >= 0),
  flap_limit integer not null check (flap_limit >= 0),
  flap_window_seconds integer not null check (flap_window_seconds >= 0),
  changed_at timestamptz not null,
  changed_by text not null
);

-- subject: 'machine:<id>', 'site:<code>' or 'poller'. One open alert per rule and subject.
create table alerts (
  id bigint primary key,
  rule text not null,
  subject text not null,
  machine_id bigint,
  site text,
  state text not null check (state in ('firing', 'acknowledged', 'resolved')),
  summary text not null,
  flapping boolean not null default false,
  fired_at timestamptz not null,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledged_note text,
  resolved_at timestamptz,
  resolved_by text,
  resolution text
);
create unique index alerts_one_open on alerts (rule, subject) where state <> 'resolved';
create index alerts_by_machine on alerts (machine_id, fired_at desc) where machine_id is not null;
create index alerts_by_state on alerts (state, fired_at desc);

-- The signing secret is the webhook's own: the receiver checks the HMAC with it.
create table alert_webhooks (
  id bigint primary key,
  url text not null,
  secret text not null,
  added_at timestamptz not null,
  added_by text not null,
  removed_at timestamptz,
  removed_by text
);

-- What the evaluator remembers of each rule on each subject between evaluations (rows with nothing
-- to remember are dropped, so a healthy fleet keeps next to none).
create table alert_tracking (
  rule text not null,
  subject text not null,
  tracking jsonb not null,
  primary key (rule, subject)
);

-- The outbox: one row per alert transition and webhook, sent and retried by the deliverer.
create table alert_deliveries (
  id bigint generated always as identity primary key,
  webhook_id bigint not null,
  alert_id bigint not null,
  transition text not null,
  body text not null,
  created_at timestamptz not null,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null,
  delivered_at timestamptz,
  given_up_at timestamptz,
  last_error text
);
create index alert_deliveries_due on alert_deliveries (next_attempt_at) where delivered_at is null and given_up_at is null;

-- Which sweeps have been evaluated: several serve processes evaluate each sweep once.
create table alert_evaluations (
  sweep bigint primary key,
  evaluated_at timestamptz not null
);
