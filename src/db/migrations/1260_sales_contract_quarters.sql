-- Each contract as it stood at the end of each quarter it had events in, and the money of each of
-- those events, so a quarterly report reads two states a contract instead of replaying every sales
-- event up to the quarter's end (src/sales/as-of.ts `contractsAtQuarter`).
-- The projections write a contract's row for a quarter with each event dated in it
-- (src/sales/projections.ts). Contracts with events recorded before this migration have no rows
-- for those quarters (their states need the model, not SQL): the reader sees a row that does not
-- account for every event of its quarter and replays that contract's events instead, until the
-- first `serve` writes them behind its start (src/sales/background.ts) or a `ledger rebuild` does.
create table sales_contract_quarters (
  contract_id bigint not null,
  quarter text not null,
  -- the contract's state after its last event dated in the quarter, as sales_contracts.state keeps it
  state text not null,
  -- each event's day and money once applied, in the order recorded:
  -- [day, paid, refunded, forfeited, earned], cents as decimal strings
  steps jsonb not null,
  primary key (contract_id, quarter)
);
