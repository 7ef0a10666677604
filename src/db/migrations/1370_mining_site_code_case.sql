-- One site registry, one rule for its codes: a code differs from another by more than its case
-- ("lab" beside "LAB" would be two sites a person reads as one, and a filter typed in the other
-- case would find the wrong one or none). The registry refuses such a code before it writes
-- (src/mining/registry.ts); this index keeps two adds racing each other to the same rule.
-- A database made before this rule may already hold such a pair: the upgrade must not stop on it,
-- nor pick one of the two sites for someone, so the index waits (a warning names the pairs) and the
-- registry alone refuses new ones until a person merges them.
do $$
declare
  pairs text;
begin
  select string_agg(codes, '; ' order by codes) into pairs
  from (select string_agg(code, ', ' order by code) as codes
        from mining_sites group by lower(code) having count(*) > 1) as same;
  if pairs is null then
    create unique index mining_sites_code_any_case on mining_sites (lower(code));
  else
    raise warning 'mining_sites_code_any_case not created: site codes differ only by case (%); the registry refuses new ones, merge these and create the index', pairs;
  end if;
end
$$;
