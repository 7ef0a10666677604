-- Who runs a sweep, so that a sweeper killed mid-sweep does not hold the one running-sweep slot
-- until a timeout: the host, pid and start of its process (on the same host, a dead pid, or one
-- reused by a later process, frees the slot at once) and when it last said it was still at it (a
-- sweeper on another host frees it after a minute of silence). Sweeps from before this migration
-- have none of these and are judged by their start.
alter table fleet_sweeps add column owner_host text;
alter table fleet_sweeps add column owner_pid integer;
alter table fleet_sweeps add column owner_started timestamptz;
alter table fleet_sweeps add column alive_at timestamptz;
update fleet_sweeps set alive_at = started_at;
