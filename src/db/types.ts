/**
 * Column parsers shared by both drivers, so that a test on PGlite means the same on PostgreSQL:
 * int8 -> bigint (cents, sats, ids), numeric -> exact decimal string, date -> 'YYYY-MM-DD' string.
 * float8, jsonb and timestamptz keep each driver's defaults (number, parsed JSON, Date).
 */
export const OID = { int8: 20, numeric: 1700, date: 1082 } as const;

export const columnParsers: Record<number, (text: string) => unknown> = {
  [OID.int8]: (text) => BigInt(text),
  [OID.numeric]: (text) => text,
  [OID.date]: (text) => text,
};
