-- The sweeps a minute's row has counted, by key (`fleet:<id>` for the fleet's own sweep, the agent's
-- sweep key for a site agent's): a sweep's totals added a second time — its end forwarded again
-- after the forwarder's record of it was gone, or a retried write — are skipped, not added twice.
-- Kept on the row itself, so that retention drops them with the minute's partition.
alter table fleet_hashrate_minutes add column sweep_keys text[] not null default '{}';
