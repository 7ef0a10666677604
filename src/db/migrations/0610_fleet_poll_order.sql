-- How long each machine's last poll took (connect to end of reply, retries included) and which
-- sweep made it. A sweep asks the slow and the failing machines first, so that their waits overlap
-- the rest of the sweep instead of trailing after it; `last_sweep` keeps it from asking one twice.
alter table fleet_machine_state add column last_poll_ms integer;
alter table fleet_machine_state add column last_sweep bigint;
