-- The day a hashrate target was set (a business date, mining.target-set's setOn), while set_at
-- keeps when it was recorded: a quarter's report shows the target known by the quarter's end, so a
-- target set later does not appear in an earlier quarter. Targets recorded before the day was
-- given hold from the start (null), as they did: their reports stay as they were.
alter table mining_targets add column set_on date;
