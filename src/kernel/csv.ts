/**
 * Lists as CSV for spreadsheets: one header line, then a line per row, streamed a page at a time so
 * that a list of any length never sits whole in memory. Values are written as given (cents already
 * made into dollars by the caller); a cell with a comma, quote or line break is quoted (RFC 4180).
 */
import { Readable } from 'node:stream';

import { type CsvValue, csvLine } from './csv-text.js';

export { type CsvValue, csvCell, csvLine } from './csv-text.js';

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
