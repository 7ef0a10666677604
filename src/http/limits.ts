/**
 * The HTTP edge's limits, in one place. The largest legitimate request body is a market import:
 * CSV text inside JSON (`POST /api/market/imports`); the whole BTC daily series since 2012 with all
 * twelve columns (data/market/btc_daily.csv) is about 0.5 MB, so 10 MB leaves room for twenty of it.
 */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;
