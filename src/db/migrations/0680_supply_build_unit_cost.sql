-- What one machine of a month's build cost to make (cents), when supply records it: the treasury
-- depreciates the self-mining machines deployed at this cost. Null for builds recorded without one.
alter table supply_builds add column unit_cost_cents bigint check (unit_cost_cents > 0);
