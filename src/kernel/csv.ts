/**
 * Lists as CSV for spreadsheets: one header line, then a line per row, streamed a page at a time so
 * that a list of any length never sits whole in memory. Values are written as given (cents already
 * made into dollars by the caller); a cell with a comma, quote or line break is quoted (RFC 4180).
 */
import { Readable } from 'node:stream';

export type CsvValue = string | number | bigint | boolean | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (values: readonly CsvValue[]): string => `${values.map(csvCell).join(',')}\r\n`;

/** A CSV column: its header and how a row gives its cell. */
export interface CsvColumn<R> {
  header: string;
  cell: (row: R) => CsvValue;
}

/** The header, then every row of every page, as a stream; the next page is read only when wanted. */
export function csvStream<R>(columns: readonly CsvColumn<R>[], pages: AsyncIterable<readonly R[]>): Readable {
  async function* lines() {
    yield csvLine(columns.map((c) => c.header));
    for await (const page of pages) {
      if (page.length) yield page.map((row) => csvLine(columns.map((c) => c.cell(row)))).join('');
    }
  }
  return Readable.from(lines());
}
