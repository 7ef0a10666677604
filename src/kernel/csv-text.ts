/**
 * CSV lines as spreadsheets read them (RFC 4180), without IO: the server's streamed lists, the
 * CLI's `--csv` and the dashboard's exports share them. A cell is quoted when it holds a comma, a
 * quote or a line break. Values are written in their wire form (bigints as decimal strings, as the
 * API and `--json` give them), so cents and sats keep every digit; a nested value is its JSON text.
 */
import { toWireJson } from './json.js';

export type CsvValue = unknown;

/**
 * A text a spreadsheet would run as a formula (`=…`, `+…`, `@…`) is kept as text by a leading
 * apostrophe; a signed number (`-12.5`) stays a number.
 */
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? toWireJson(value)
        : String(value);
  if (FORMULA.test(text) && !NUMBER.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;
