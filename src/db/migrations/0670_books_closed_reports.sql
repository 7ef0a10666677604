-- What the quarterly report said when its quarter was closed, and a hash of its figures: a closed
-- quarter's report is served from here, and a recomputed hash tells whether the books behind it
-- have changed since. Kept by the books module's projections from the close events.
create table books_closed_reports (
  period text primary key,
  report text not null,
  hash text not null,
  section_hashes text not null,
  closed_at timestamptz not null,
  closed_by text not null
);
