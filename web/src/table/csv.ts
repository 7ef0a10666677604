/** Saving a list as CSV from the page: the rows shown, or the whole list from the API. */
import { csvLine } from '../../../src/kernel/csv-text.js';
import { download } from '../api.js';
import { type Column, textOf } from './columns.js';

export const headerOf = (c: Column<never>): string => (c.unit ? `${c.label} (${c.unit})` : c.label);

export function toCsv<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const head = csvLine(columns.map((c) => headerOf(c as Column<never>)));
  const cell = (c: Column<R>, r: R) => (c.csv ? c.csv(r) : textOf(c.render(r)));
  return head + rows.map((r) => csvLine(columns.map((c) => cell(c, r)))).join('');
}

/** Saves a blob under a name, as a click on a download link would (CSV here, the report's formats too). */
export function saveFile(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export const saveCsv = (name: string, text: string) =>
  saveFile(name, new Blob([text], { type: 'text/csv;charset=utf-8' }));

/** The API's CSV of the whole list (streamed by the server), saved under `name`. */
export async function saveApiCsv(path: string, name: string): Promise<void> {
  saveFile(name, await download(path));
}
