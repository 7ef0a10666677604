/**
 * Lists as CSV for spreadsheets: one header line, then a line per row, streamed as the rows are
 * read, so that a list of any length never sits whole in memory. Cells are made by csv-text.ts.
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

/**
 * Rows of any shape as they come (the CLI's list commands): the header is the first row's fields,
 * later rows are read by those fields. No rows: no lines at all.
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
