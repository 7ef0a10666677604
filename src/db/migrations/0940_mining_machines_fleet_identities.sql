-- The machines list and the mining advice match the fleet's machines to the deployed ones by serial
-- or MAC, in either case (installedMachinesKnownAs). Without these indexes each such request read
-- and lower-cased every deployed machine (54,210 in the demo: 108 ms of the server's event loop on
-- PGlite) to find the few hundred the fleet knows; with them it looks each identity up.
create index mining_machines_serial_lower on mining_machines (lower(serial));
create index mining_machines_mac_lower on mining_machines (lower(mac));
-- Statistics for the planner, which has none on an embedded database (PGlite runs no autovacuum).
analyze mining_machines;
