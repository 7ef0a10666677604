-- The agents' forwarded parts are pruned by their reading time once no spool can hold them any more
-- (src/agent/background.ts): the prune finds them by this index instead of reading the whole table.
create index agent_forwarded_at on agent_forwarded (at);
