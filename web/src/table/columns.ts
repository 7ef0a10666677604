/**
 * What a table column is, and the typed columns most lists are made of: money to the cent, counts,
 * hashrate in one unit for the whole column (chosen from its largest value), days, plain text.
 * Each knows its value (to sort, filter and search by) and its CSV cell (dollars as 1234.56, a
 * hashrate in the column's unit), so an export says what the page says, as a spreadsheet reads it.
 */
import type { ReactNode } from 'react';
import type { CsvValue } from '../../../src/kernel/csv-text.js';
import { type Cents, formatUsd, formatUsdDecimal } from '../../../src/kernel/money.js';
import { count } from '../format.js';
import { hashrateUnit } from '../units.js';

export type Sortable = string | number | bigint | null | undefined;

export interface Column<R> {
  label: string;
  /** Names the column in the URL (sort, hidden, filter); the label made into a word by default. */
  key?: string;
  /** Numbers are right-aligned, in tabular figures. */
  num?: boolean;
  /** Sentences (a reason, an event) wrap; other cells keep to one line. */
  wrap?: boolean;
  render: (row: R) => ReactNode;
  /** What the column sorts, searches and filters by; the text of `render` when not given. */
  value?: (row: R) => Sortable;
  /** The CSV cell; the value (or the text shown) when not given. */
  csv?: (row: R) => CsvValue;
  /** The header's unit, in the table and the CSV: `Hashrate (PH/s)`. */
  unit?: string;
  /** Offer a choice of this column's values above the table. */
  filter?: boolean;
  /** Hidden until chosen in "Columns". */
  hidden?: boolean;
  /** Not sortable (a column of buttons). */
  action?: boolean;
  /**
   * The column's cell in the table's total row, of all the rows: a footer the sort and the pages
   * leave in place, hidden while a search or filter leaves some rows out.
   */
  total?: ReactNode;
  /** A column whose unit depends on all its rows (hashrate) is made once the rows are known. */
  forRows?: (rows: readonly R[]) => Partial<Column<R>>;
}

export const columnKey = (c: Pick<Column<unknown>, 'key' | 'label'>): string =>
  c.key ??
  (c.label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '') ||
    'column');

type Wire = string | bigint | number | null | undefined;
const cents = (v: Wire): bigint | null => (v === null || v === undefined || v === '' ? null : BigInt(v));

/** Money to the cent, right-aligned; exported as dollars (1234.56). */
export function usdColumn<R>(label: string, get: (row: R) => Wire, more: Partial<Column<R>> = {}): Column<R> {
  return {
    label,
    num: true,
    unit: 'USD',
    value: (r) => cents(get(r)),
    render: (r) => {
      const c = cents(get(r));
      return c === null ? '—' : formatUsd(c as Cents);
    },
    csv: (r) => {
      const c = cents(get(r));
      return c === null ? '' : formatUsdDecimal(c as Cents);
    },
    ...more,
  };
}

/** A whole number (units, machines), right-aligned with thousands grouped. */
export function countColumn<R>(
  label: string,
  get: (row: R) => number | null | undefined,
  more: Partial<Column<R>> = {},
): Column<R> {
  return { label, num: true, value: get, render: (r) => count(get(r)), csv: get, ...more };
}

/** What a hashrate column adds to a plain column: why a cell has no figure, and its total. */
export interface HashrateOptions<R> {
  /** What a cell without a figure says ('not measured'); '—' unless told. */
  missing?: (row: R) => string;
  /**
   * The total row's figure, shown in the column's unit (it counts in choosing it), followed by
   * `note` when given; `missing` when there is no figure.
   */
  total?: { ths: number | null | undefined; note?: string; missing?: string };
}

/** TH/s shown in the one unit the largest value of the column (or its total) needs, named in the header. */
export function hashrateColumn<R>(
  label: string,
  get: (row: R) => number | null | undefined,
  options: Omit<Partial<Column<R>>, 'total'> & HashrateOptions<R> = {},
): Column<R> {
  const { missing = () => '—', total, ...more } = options;
  return {
    label,
    num: true,
    value: get,
    render: (r) => String(get(r) ?? missing(r)),
    forRows: (rows) => {
      const values = [...rows.map(get), total?.ths];
      const unit = hashrateUnit(Math.max(0, ...values.map((v) => Math.abs(v ?? 0))));
      const inUnit = (v: number | null | undefined) =>
        v === null || v === undefined ? null : (v / unit.ths).toFixed(2);
      const totalCell = () => {
        const v = inUnit(total?.ths);
        if (v === null) return total?.missing ?? '—';
        return total?.note ? `${v} (${total.note})` : v;
      };
      return {
        unit: unit.name,
        render: (r) => inUnit(get(r)) ?? missing(r),
        csv: (r) => inUnit(get(r)),
        ...(total ? { total: totalCell() } : {}),
      };
    },
    ...more,
  };
}

/** Plain text (a customer, a kind): sorted as text, a choice above the table when `filter`. */
export function textColumn<R>(
  label: string,
  get: (row: R) => string | null | undefined,
  more: Partial<Column<R>> = {},
): Column<R> {
  return { label, value: get, render: (r) => get(r) ?? '—', csv: get, ...more };
}

/** The plain text of what a cell shows, for a column that gives no value of its own. */
export function textOf(node: ReactNode): string {
  if (node === null || node === undefined || typeof node === 'boolean') return '';
  if (typeof node === 'string' || typeof node === 'number' || typeof node === 'bigint') return String(node);
  if (Array.isArray(node)) return node.map(textOf).join('');
  if (typeof node === 'object' && 'props' in node) {
    const props = node.props as { children?: ReactNode; value?: unknown };
    if (props.children !== undefined) return textOf(props.children);
    // A badge-like component shows its value.
    if (typeof props.value === 'string') return props.value;
  }
  return '';
}
