/**
 * Reading market history from CSV, pure: text in, validated days and the rejected lines out.
 * Two layouts are understood, told apart by their header:
 * - the shipped Coin Metrics file data/market/btc_daily.csv (`date,price_usd,difficulty,…,fees_per_block_btc,…`);
 * - the user import format `date,btc_usd,difficulty,fees_per_block_btc[,spot_usd_per_th]`.
 * Columns not listed are ignored, so a richer export still loads.
 */
import { SATS_PER_BTC, type Sats } from '../kernel/bitcoin.js';
import { type Day, parseDay } from '../kernel/calendar.js';
import { AppError, invalid } from '../kernel/errors.js';
import { type Cents, parseExactDecimal, parseUsd, roundHalfEven } from '../kernel/money.js';
import type { MarketDay } from './model.js';

export type { MarketDay } from './model.js';

export interface CsvRecord {
  /** 1-based line number where the record starts in the text (the header is line 1). */
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180): fields in double quotes may hold commas, line breaks
 * and doubled quotes; lines end in LF or CRLF; a leading byte-order mark is dropped. Blank lines
 * are skipped.
 */
export function readCsv(text: string): CsvRecord[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  // A record of one empty quoted field ("") is data; a record of one empty unquoted field is a blank line.
  let recordHasQuotes = false;

  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || field !== '' || recordHasQuotes) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    recordHasQuotes = false;
  };

  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (inQuotes) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        inQuotes = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') {
      inQuotes = true;
      recordHasQuotes = true;
    } else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
  }
  if (inQuotes) {
    throw invalid('csv', `Line ${recordLine} opens a quoted field that is never closed.`, 'invalid.csv');
  }
  if (field !== '' || fields.length > 0 || recordHasQuotes) endRecord();
  return records;
}

export interface RejectedLine {
  line: number;
  field: string;
  reason: string;
}

export interface MarketCsvResult {
  /** Valid days, in calendar order. */
  rows: MarketDay[];
  /** Every problem found, one entry per field at fault; a line with any problem is left out of `rows`. */
  rejected: RejectedLine[];
}

/** For each field of MarketDay, the header names that may hold it (user format first). */
const COLUMNS = {
  day: ['date', 'day'],
  btcUsd: ['btc_usd', 'price_usd'],
  difficulty: ['difficulty'],
  feesPerBlock: ['fees_per_block_btc'],
  spotUsdPerTh: ['spot_usd_per_th'],
} as const;

const DIFFICULTY_TEXT = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function parseDifficulty(text: string, field: string): number {
  const value = DIFFICULTY_TEXT.test(text) ? Number(text) : Number.NaN;
  if (!(value > 0) || !Number.isFinite(value)) {
    throw invalid(field, `${field} must be a positive number, got "${text}".`);
  }
  return value;
}

/**
 * Fees per block are an average over the day's blocks, so a finer figure than a satoshi carries no
 * meaning: it is rounded half-even to the satoshi rather than refused.
 */
function parseFeesPerBlock(text: string, field: string): Sats {
  const exact = parseExactDecimal(text);
  if (!exact) throw invalid(field, `${field} must be an amount of BTC such as 0.25, got "${text}".`);
  const sats = roundHalfEven(exact.numerator * SATS_PER_BTC, exact.denominator);
  if (sats < 0n) throw invalid(field, `${field} cannot be negative, got "${text}".`);
  return sats;
}

function parsePositiveUsd(text: string, field: string): Cents {
  const cents = parseUsd(text, field);
  if (cents <= 0n) throw invalid(field, `${field} must be more than zero dollars, got "${text}".`);
  return cents;
}

/**
 * Reads market days from CSV text. A header without the needed columns, or an empty text, is an
 * error for the whole file (thrown as `invalid`); bad rows are reported in `rejected` with their
 * line number and the rest still load.
 */
export function parseMarketCsv(text: string): MarketCsvResult {
  const [header, ...records] = readCsv(text);
  if (!header)
    throw invalid(
      'csv',
      'The market file is empty; it needs a header row and one row per day.',
      'invalid.csv',
    );
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const find = (candidates: readonly string[]) => names.findIndex((name) => candidates.includes(name));
  const column = {
    day: find(COLUMNS.day),
    btcUsd: find(COLUMNS.btcUsd),
    difficulty: find(COLUMNS.difficulty),
    feesPerBlock: find(COLUMNS.feesPerBlock),
    spotUsdPerTh: find(COLUMNS.spotUsdPerTh),
  };
  const missing = (['day', 'btcUsd', 'difficulty', 'feesPerBlock'] as const)
    .filter((key) => column[key] < 0)
    .map((key) => COLUMNS[key].join(' or '));
  if (missing.length > 0) {
    throw invalid(
      'csv',
      `The market file's header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        'expected date,btc_usd,difficulty,fees_per_block_btc[,spot_usd_per_th].',
      'invalid.csv',
    );
  }

  const rows: MarketDay[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Map<Day, number>();
  for (const record of records) {
    const cell = (index: number) => (record.fields[index] ?? '').trim();
    const problems: RejectedLine[] = [];
    const attempt = <T>(index: number, parse: (text: string, field: string) => T): T | undefined => {
      const field = names[index]!;
      try {
        return parse(cell(index), field);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        problems.push({ line: record.line, field, reason: error.message });
        return undefined;
      }
    };

    const day = attempt(column.day, parseDay);
    const btcUsd = attempt(column.btcUsd, parsePositiveUsd);
    const difficulty = attempt(column.difficulty, parseDifficulty);
    const feesPerBlockSats = attempt(column.feesPerBlock, parseFeesPerBlock);
    const spotUsdPerTh =
      column.spotUsdPerTh >= 0 && cell(column.spotUsdPerTh) !== ''
        ? attempt(column.spotUsdPerTh, parsePositiveUsd)
        : undefined;
    if (day !== undefined) {
      const firstLine = seen.get(day);
      if (firstLine !== undefined) {
        problems.push({
          line: record.line,
          field: names[column.day]!,
          reason: `${day} already appears on line ${firstLine}.`,
        });
      } else if (problems.length === 0) {
        seen.set(day, record.line);
      }
    }
    if (problems.length > 0) {
      rejected.push(...problems);
      continue;
    }
    const row: MarketDay = {
      day: day!,
      btcUsd: btcUsd!,
      difficulty: difficulty!,
      feesPerBlockSats: feesPerBlockSats!,
    };
    if (spotUsdPerTh !== undefined) row.spotUsdPerTh = spotUsdPerTh;
    rows.push(row);
  }
  rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return { rows, rejected };
}
