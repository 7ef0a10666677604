-- One site registry, one rule for its codes: a code differs from another by more than its case
-- ("lab" beside "LAB" would be two sites a person reads as one, and a filter typed in the other
-- case would find the wrong one or none). The registry refuses such a code before it writes
-- (src/mining/registry.ts); this index keeps two adds racing each other to the same rule.
create unique index mining_sites_code_any_case on mining_sites (lower(code));
