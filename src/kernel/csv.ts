/**
 * CSV as spreadsheets read it (RFC 4180): a header of the rows' fields, one line per row, a field
 * quoted when it holds a comma, a quote or a line break. Values are written in their wire form
 * (bigints as decimal strings, as the API and `--json` give them), so cents and sats keep every
 * digit; a nested value is its wire JSON text.
 */
import { toWireJson } from './json.js';

/**
 * A text a spreadsheet would run as a formula (`=…`, `+…`, `@…`) is kept as text by a leading
 * apostrophe; a signed number (`-12.5`) stays a number.
 */
const FORMULA = /^[=+\-@\t\r]/;
const NUMBER = /^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$/;

export function csvField(value: unknown): string {
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

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/**
 * The lines of rows as they come: the header is the first row's fields (a nested value is one
 * field, its JSON text); later rows are read by those fields. No rows: no lines at all.
 */
export async function* csvLines(rows: AsyncIterable<object>): AsyncGenerator<string> {
  let fields: string[] | undefined;
  for await (const row of rows) {
    if (!fields) {
      fields = Object.keys(row);
      yield csvLine(fields);
    }
    const values = row as Record<string, unknown>;
    yield csvLine(fields.map((f) => values[f]));
  }
}
