-- One row per UTC day of the Bitcoin market, kept current by market.* events.
create table market_days (
  day date primary key,
  btc_usd bigint not null check (btc_usd > 0),
  difficulty double precision not null check (difficulty > 0),
  fees_per_block_sats bigint not null check (fees_per_block_sats >= 0)
);

-- What new machines sell for per TH/s on the spot market; its own series, since it has its own sources.
create table market_spot_prices (
  day date primary key,
  usd_per_th bigint not null check (usd_per_th > 0),
  source text not null
);
