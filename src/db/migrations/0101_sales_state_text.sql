-- Faster bulk writes, measured by bench/sales on 1,000,000 events:
-- the contract's model state is only ever read whole by the sales module, so it is kept as the
-- text it was written as rather than parsed into jsonb on every write;
-- sales_entries is a projection written a row per event, and its foreign keys doubled the cost of
-- each row (an index probe and a key-share lock on the event and on the contract).
alter table sales_contracts alter column state type text using state::text;
alter table sales_entries drop constraint sales_entries_event_id_fkey;
alter table sales_entries drop constraint sales_entries_contract_id_fkey;
