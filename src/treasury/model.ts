/**
 * Treasury rules: accounts in BTC (sats) or USD (cents), movements that never overdraw an account
 * on any day, the hold policy on BTC sales, the value of what is held. Pure; no IO.
 */
import type { Role } from '../auth/roles.js';
import { formatBtc, parseBtc, type Sats, usdValueOfSats } from '../kernel/bitcoin.js';
import { type Day, parseDay } from '../kernel/calendar.js';
import { AppError, invalid, ruleBroken } from '../kernel/errors.js';
import { type Cents, formatUsd, roundHalfEven } from '../kernel/money.js';
import { type RejectedLine, readCsv } from '../market/csv.js';

export const CURRENCIES = ['BTC', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * Where a movement came from: a pool paying out, a sale of BTC for USD, a move between accounts, or
 * cash the company recorded with a category (opening balance, capex, opex, ...).
 */
export const MOVEMENT_SOURCES = ['payout', 'sale', 'transfer', 'cash'] as const;
export type MovementSource = (typeof MOVEMENT_SOURCES)[number];

/** An amount in an account's own unit: sats for BTC, cents for USD. */
export const formatAmount = (currency: Currency, amount: bigint): string =>
  currency === 'BTC' ? formatBtc(amount) : formatUsd(amount);

/**
 * An outflow of `amount` on `day` must leave the account at zero or more on that day and on every
 * later day already recorded (a back-dated sale cannot overdraw what later movements rely on).
 * `lowestFrom` is the lowest balance the account has on `day` or after it, before this movement.
 */
export function checkFunds(args: {
  account: string;
  currency: Currency;
  amount: bigint;
  day: Day;
  lowestFrom: bigint;
  field: string;
}): void {
  if (args.amount <= args.lowestFrom) return;
  throw ruleBroken(
    'treasury.insufficient-funds',
    `Account ${args.account} holds at most ${formatAmount(args.currency, args.lowestFrom)} from ${args.day} on; ` +
      `${formatAmount(args.currency, args.amount)} cannot leave it.`,
    args.field,
    { account: args.account, available: args.lowestFrom, amount: args.amount },
  );
}

/**
 * The company holds the BTC it mines. A sale goes through only with an explicit override, a
 * reason someone can read later, and an admin making it; every such sale is flagged in reports.
 */
export function checkHoldPolicy(args: { role: Role; override: boolean; reason: string | undefined }): string {
  const reason = args.reason?.trim() ?? '';
  if (!args.override) {
    throw ruleBroken(
      'treasury.hold-policy',
      'The hold policy keeps mined BTC: a sale needs an explicit override of the policy and a reason, made by an admin.',
      'override',
    );
  }
  if (reason.length < 10) {
    throw ruleBroken(
      'treasury.hold-policy',
      'A sale against the hold policy needs a reason of at least 10 characters that says why.',
      'reason',
    );
  }
  if (args.role !== 'admin') {
    throw ruleBroken(
      'treasury.hold-policy',
      `Only an admin may override the hold policy to sell BTC; you act as ${args.role}.`,
      'override',
    );
  }
  return reason;
}

export interface Valuation {
  heldSats: Sats;
  btcUsd: Cents;
  valueCents: Cents;
  /** What the BTC held cost to mine (energy), at the average cost of everything mined. */
  costBasisCents: Cents;
  unrealisedGainCents: Cents;
}

/**
 * The cost of the BTC still held at the average cost of all BTC mined: what mining cost × held ÷
 * mined. Held beyond what was mined (none in this company) carries no mining cost.
 */
export function costBasisOfHeld(miningCostCents: Cents, minedSats: Sats, heldSats: Sats): Cents {
  if (minedSats <= 0n || heldSats <= 0n) return 0n;
  const held = heldSats < minedSats ? heldSats : minedSats;
  return roundHalfEven(miningCostCents * held, minedSats);
}

export function markToMarket(heldSats: Sats, btcUsd: Cents, costBasisCents: Cents): Valuation {
  const valueCents = usdValueOfSats(heldSats, btcUsd);
  return { heldSats, btcUsd, valueCents, costBasisCents, unrealisedGainCents: valueCents - costBasisCents };
}

export interface PayoutRow {
  day: Day;
  pool: string;
  sats: Sats;
  /** The pool's payout id or transaction id, when it gives one: it tells two same-day payouts apart. */
  reference: string;
}

export interface PayoutParse {
  rows: PayoutRow[];
  rejected: RejectedLine[];
}

export const PAYOUT_FORMATS = ['csv', 'json'] as const;
export type PayoutFormat = (typeof PAYOUT_FORMATS)[number];

const POOL_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._:/-]{0,79}$/u;

function parsePool(text: string, field: string): string {
  const pool = text.trim();
  if (!POOL_NAME.test(pool))
    throw invalid(
      field,
      `${field} must name the pool in 1 to 80 letters, digits, spaces or . _ : / -, got "${text}".`,
    );
  return pool;
}

function parsePayoutSats(text: string, field: string): Sats {
  const sats = parseBtc(text, field);
  if (sats <= 0n) throw invalid(field, `${field} must be more than 0 BTC, got "${text}".`);
  return sats;
}

function parseReference(text: string, field: string): string {
  const reference = text.trim();
  if (reference.length > 120) throw invalid(field, `${field} must be at most 120 characters.`);
  return reference;
}

const payoutKey = (r: Pick<PayoutRow, 'day' | 'pool' | 'reference'>) => `${r.day}|${r.pool}|${r.reference}`;

/**
 * Reads pool payouts: CSV with a header `date,pool,btc[,reference]` (in any order, other columns
 * ignored), or JSON, an array of `{ date, pool, btc, reference? }` (or `{ payouts: [...] }`).
 * Every bad field is reported with its line (CSV) or position (JSON, 1-based) and the rest kept;
 * the caller refuses the whole file when anything was rejected.
 */
export function parsePayouts(text: string, format: PayoutFormat): PayoutParse {
  const records = format === 'csv' ? csvRecords(text) : jsonRecords(text);
  const rows: PayoutRow[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Map<string, number>();
  for (const rec of records) {
    const problems: RejectedLine[] = [];
    const attempt = <T>(name: keyof typeof rec.cells, parse: (t: string, f: string) => T): T | undefined => {
      try {
        return parse(rec.cells[name] ?? '', name);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.push({ line: rec.line, field: name, reason: error.message });
        return undefined;
      }
    };
    const day = attempt('date', parseDay);
    const pool = attempt('pool', parsePool);
    const sats = attempt('btc', parsePayoutSats);
    const reference = attempt('reference', parseReference);
    if (problems.length === 0) {
      const row = { day: day!, pool: pool!, sats: sats!, reference: reference! };
      const first = seen.get(payoutKey(row));
      if (first !== undefined) {
        problems.push({
          line: rec.line,
          field: 'reference',
          reason: `${row.pool} on ${row.day}${row.reference ? ` (${row.reference})` : ''} already appears at ${first}; give each payout of a day its own reference.`,
        });
      } else {
        seen.set(payoutKey(row), rec.line);
        rows.push(row);
      }
    }
    rejected.push(...problems);
  }
  rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { rows, rejected };
}

interface PayoutRecord {
  line: number;
  cells: { date?: string; pool?: string; btc?: string; reference?: string };
}

function csvRecords(text: string): PayoutRecord[] {
  const [header, ...records] = readCsv(text);
  if (!header) throw invalid('csv', 'The payout file is empty; it needs a header date,pool,btc[,reference].');
  const names = header.fields.map((n) => n.trim().toLowerCase());
  const index = {
    date: names.findIndex((n) => n === 'date' || n === 'day'),
    pool: names.indexOf('pool'),
    btc: names.indexOf('btc'),
    reference: names.findIndex((n) => n === 'reference' || n === 'txid'),
  };
  const missing = (['date', 'pool', 'btc'] as const).filter((k) => index[k] < 0);
  if (missing.length > 0)
    throw invalid(
      'csv',
      `The payout file's header lacks ${missing.join(', ')}; expected date,pool,btc[,reference].`,
    );
  return records.map((r) => ({
    line: r.line,
    cells: {
      date: r.fields[index.date] ?? '',
      pool: r.fields[index.pool] ?? '',
      btc: r.fields[index.btc] ?? '',
      reference: index.reference >= 0 ? (r.fields[index.reference] ?? '') : '',
    },
  }));
}

function jsonRecords(text: string): PayoutRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('json', 'The payout file is not valid JSON.');
  }
  const list =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && 'payouts' in parsed
      ? (parsed as { payouts: unknown }).payouts
      : parsed;
  if (!Array.isArray(list))
    throw invalid('json', 'The payout JSON must be an array of { date, pool, btc, reference? } objects.');
  // Text is what the parsers read; numbers keep their shortest decimal form (0.1 stays 0.1).
  const cell = (v: unknown): string | undefined =>
    typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  return list.map((item, i) => {
    const o = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    return {
      line: i + 1,
      cells: {
        date: cell(o.date ?? o.day) ?? '',
        pool: cell(o.pool) ?? '',
        btc: cell(o.btc) ?? '',
        reference: cell(o.reference ?? o.txid) ?? '',
      },
    };
  });
}
