/**
 * The HTTP edge's limits, in one place. The largest legitimate request body is a market import:
 * CSV text inside JSON (`POST /api/market/imports`); the whole BTC daily series since 2012 with all
 * twelve columns (data/market/btc_daily.csv) is about 0.5 MB, so 10 MB leaves room for twenty of it.
 */
export const BODY_LIMIT_BYTES = 10 * 1024 * 1024;

/** Failed token attempts an address may make in a window before it is answered 429. */
export const TOKEN_FAILURES = { limit: 20, windowSeconds: 60 } as const;

export interface FailureLimit {
  /** Failed attempts allowed in a window; the next one is refused with 429 until the window ends. */
  limit: number;
  windowSeconds: number;
}
