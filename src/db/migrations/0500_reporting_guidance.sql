-- Guidance the company gave with a quarter's results ("2-4 EH by the end of 2021"), kept current by
-- reporting.guidance-recorded events; the quarterly report sets each against what happened.
create table reporting_guidance (
  id bigint primary key,
  given_with text not null,
  metric text not null,
  period text not null,
  family text,
  low double precision,
  high double precision,
  statement text not null,
  event_id bigint not null references events (id),
  recorded_at timestamptz not null,
  check (low is not null or high is not null),
  check (low is null or high is null or low <= high)
);

create index reporting_guidance_given_with on reporting_guidance (given_with);
create index reporting_guidance_period on reporting_guidance (period);
