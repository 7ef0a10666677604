-- How a machine's last poll failed (the client's failure kind: `timeout`, `refused`, `closed`,
-- `short`, `too-large`, `too-deep`, `malformed`; or the sweep's refusal of an answer's figures:
-- `no-hashrate`, `implausible-hashrate`, `wrong-machine`), null when it was answered. A sweep asks a
-- machine whose last poll timed out first, in the straggler lane, as one that keeps it waiting; one
-- that failed fast (it answered with something unusable, reset or refused) is asked with the rest.
-- Rows failed before this column: null, and still taken for time-outs.
alter table fleet_machine_state add column last_failure_kind text;
