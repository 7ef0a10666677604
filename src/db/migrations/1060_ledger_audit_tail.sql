-- The audit list's order (src/ledger/audit.ts): by the transaction that recorded each event, then
-- by id, events recorded before 1050 (no transaction number) first. A page after a cursor is a range
-- of this index, so following the ledger page by page reads each event once, not every event before.
create index events_tail on events ((coalesce(tx, '0'::xid8)), id);
