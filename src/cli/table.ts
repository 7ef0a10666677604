/**
 * Plain-text tables: numbers (and amounts such as "$1.00" or "90 TH/s") right-aligned. Widths and
 * alignment come from the rows at hand, or, for a listing printed as it is read, from its first
 * rows: a later row wider than they were shifts its own line, nothing else.
 */

/** How many rows of a streamed listing set its column widths. */
export const LAYOUT_SAMPLE = 1000;

/** The table of rows held in memory. */
export function table(rows: Record<string, unknown>[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((r) => cellsOf(r, columns));
  const layout = tableLayout(columns, cells);
  return [...layout.head, ...cells.map(layout.line)].join('\n');
}

/**
 * The table's lines as the rows come: the first `sample` rows are held to set the layout, every
 * later one is printed as it arrives. `(none)` for no rows.
 */
export async function* tableLines(
  rows: AsyncIterable<Record<string, unknown>>,
  columns: readonly string[],
  sample = LAYOUT_SAMPLE,
): AsyncGenerator<string> {
  let held: string[][] | undefined = [];
  let layout: TableLayout | undefined;
  for await (const row of rows) {
    const cells = cellsOf(row, columns);
    if (layout) {
      yield layout.line(cells);
      continue;
    }
    held!.push(cells);
    if (held!.length < sample) continue;
    layout = tableLayout(columns, held!);
    yield* layout.head;
    for (const h of held!) yield layout.line(h);
    held = undefined;
  }
  if (layout) return;
  if (held!.length === 0) {
    yield '(none)';
    return;
  }
  layout = tableLayout(columns, held!);
  yield* layout.head;
  for (const h of held!) yield layout.line(h);
}

interface TableLayout {
  /** The header line and its underline. */
  head: string[];
  line(cells: string[]): string;
}

/** Column widths and alignment from some rows' cells: a loop, not a spread, over rows of any count. */
function tableLayout(columns: readonly string[], cells: readonly string[][]): TableLayout {
  const widths = columns.map((c) => c.length);
  const numeric = columns.map(() => true);
  for (const row of cells) {
    for (let i = 0; i < columns.length; i++) {
      const v = row[i]!;
      if (v.length > widths[i]!) widths[i] = v.length;
      if (numeric[i] && v !== '' && !/^[-$]?[\d,.]+/.test(v)) numeric[i] = false;
    }
  }
  const line = (values: string[]) =>
    values
      .map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return { head: [line([...columns]), line(widths.map((w) => '-'.repeat(w)))], line };
}

function cellsOf(row: Record<string, unknown>, columns: readonly string[]): string[] {
  return columns.map((c) => format(row[c]));
}

function format(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
