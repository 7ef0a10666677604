-- The treasury: BTC and USD accounts and every movement in or out of them, kept current by
-- treasury.* ledger events. A balance on a day is the sum of the movements up to that day.

create table treasury_accounts (
  code text primary key,
  name text not null,
  currency text not null check (currency in ('BTC', 'USD')),
  created_at timestamptz not null
);

-- Amounts in the account's unit: sats for BTC, cents for USD; positive in, negative out.
create table treasury_movements (
  id bigint primary key,
  event_id bigint not null references events (id),
  day date not null,
  account text not null references treasury_accounts (code),
  amount bigint not null check (amount <> 0),
  source text not null check (source in ('payout', 'sale', 'transfer')),
  -- payouts: the pool and its payout reference ('' when it gives none)
  pool text,
  reference text,
  -- sales and transfers: the account on the other side, and the BTC price a sale was made at
  counter_account text references treasury_accounts (code),
  btc_usd bigint,
  -- a sale against the hold policy: always flagged, with the reason given for overriding it
  flagged boolean not null default false,
  reason text,
  actor text not null,
  recorded_at timestamptz not null,
  check ((source = 'payout') = (pool is not null))
);
create index treasury_movements_account_day on treasury_movements (account, day);
create index treasury_movements_day on treasury_movements (day);
create unique index treasury_movements_payout on treasury_movements (day, pool, reference) where source = 'payout';

-- Every company starts with one account of each currency; payouts land in `btc` and sale proceeds in
-- `usd` unless told otherwise. Reference data, so a replay into a migrated database finds them too.
insert into treasury_accounts (code, name, currency, created_at) values
  ('btc', 'Mined BTC (held)', 'BTC', '2020-01-01T00:00:00Z'),
  ('usd', 'Operating USD', 'USD', '2020-01-01T00:00:00Z');
