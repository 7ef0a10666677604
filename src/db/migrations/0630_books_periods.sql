-- The books' periods (a month or a quarter) and whether each is closed; kept by the books
-- module's projections from its events. Writes dated inside a closed period are refused.
create table books_periods (
  period text primary key,
  first_day date not null,
  last_day date not null check (last_day >= first_day),
  closed boolean not null,
  changed_at timestamptz not null,
  changed_by text not null,
  note text
);
create index books_periods_closed_days on books_periods (first_day, last_day) where closed;
