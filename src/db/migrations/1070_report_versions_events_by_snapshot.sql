-- The report's memory now tells a ledger event it has not seen by the event's transaction number and
-- the snapshot it started from (src/ledger/latest.ts `anyEventSince`, migration 1050), as the SLA
-- and planning do: no counter row for every ledger commit to wait on. The measurements' counter
-- stays (telemetry is not in the ledger).
drop trigger report_versions_events on events;
alter table report_versions drop column events;

create or replace function report_versions_bump() returns trigger
language plpgsql set search_path from current as $$
begin
  -- Once per transaction, however many rows it wrote: a transaction-local setting remembers it.
  if coalesce(current_setting('hashforge.report_bumped_measurements', true), '') = '' then
    insert into report_versions as v (past_measurements) values (1)
      on conflict (id) do update set past_measurements = v.past_measurements + 1;
    perform set_config('hashforge.report_bumped_measurements', 'yes', true);
  end if;
  return null;
end $$;
