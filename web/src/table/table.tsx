/**
 * The one table of the dashboard: sort by any column (a click on its header), search, filter by a
 * column's values, pages, the choice of columns, and export to CSV, with its view in the URL.
 * Rows given whole are sorted, searched and paged here; a list the API pages itself (`server`)
 * gives one page, and the page reads the view (useTableView) to ask the API for it.
 */
import { type ReactNode, useId, useState } from 'react';
import { type Column, columnKey, type Sortable, textOf } from './columns.js';
import { headerOf, saveApiCsv, saveCsv, toCsv } from './csv.js';
import { type TableView, useTableView } from './state.js';

export type { Column } from './columns.js';

const SIZES = [10, 25, 50, 100];

export interface TableProps<R> {
  rows: readonly R[];
  columns: Column<R>[];
  keyOf: (row: R) => string | number;
  /** Keeps the view in the URL under this name; also names the CSV file. */
  id?: string;
  caption?: string;
  empty?: string;
  /** The view a table opens on (the order book: newest first). */
  defaults?: Partial<TableView>;
  /** The rows are one page of `total`, sorted and searched by the API; only the `sortable` columns sort. */
  server?: { total: number; sortable?: string[] };
  /** The API path of the whole list as CSV, with the view's filters. */
  exportAll?: string;
  /** What the search box finds, when not any column (the API searches its own fields). */
  searchHint?: string;
  /** Filters of the page's own, shown in the table's toolbar. */
  toolbar?: ReactNode;
  /** The API is fetching another page, sort or search: said to screen readers (and timed by the bench). */
  busy?: boolean;
  /** Small tables (a contract's lines) show no toolbar until they have this many rows. */
  toolsFrom?: number;
}

/** A column hidden by default is shown when `+key` is in the view; any other unless `key` is. */
const isShown = (c: Column<never>, view: TableView) =>
  c.hidden ? view.hidden.includes(`+${columnKey(c)}`) : !view.hidden.includes(columnKey(c));

const compare = (a: Sortable, b: Sortable): number => {
  if (a === b) return 0;
  if (a === null || a === undefined || a === '') return 1;
  if (b === null || b === undefined || b === '') return -1;
  if (typeof a === 'string' || typeof b === 'string') return String(a).localeCompare(String(b), 'en');
  return a < b ? -1 : 1;
};

export function DataTable<R>(props: TableProps<R>) {
  const { rows, keyOf, id, caption, empty = 'Nothing to show.', server } = props;
  const [view, change] = useTableView(id, props.defaults);
  const columns = props.columns.map((c) => ({ ...c, ...c.forRows?.(rows) }));
  const cellValue = (c: Column<R>, r: R): Sortable => (c.value ? c.value(r) : textOf(c.render(r)));
  const shown = columns.filter((c) => isShown(c, view));

  let list = rows;
  if (!server) {
    const needle = view.search.trim().toLowerCase();
    list = rows.filter(
      (r) =>
        Object.entries(view.filters).every(([k, v]) => {
          const c = columns.find((x) => columnKey(x) === k);
          return !c || String(cellValue(c, r) ?? '') === v;
        }) &&
        (!needle ||
          columns.some(
            (c) =>
              !c.action &&
              String(cellValue(c, r) ?? '')
                .toLowerCase()
                .includes(needle),
          )),
    );
    const key = view.sort.replace(/^-/, '');
    const by = columns.find((c) => columnKey(c) === key);
    if (by) {
      const sign = view.sort.startsWith('-') ? -1 : 1;
      list = [...list].sort((a, b) => sign * compare(cellValue(by, a), cellValue(by, b)));
    }
  }
  const total = server ? server.total : list.length;
  const pages = Math.max(1, Math.ceil(total / view.size));
  const page = Math.min(view.page, pages);
  const visible = server ? list : list.slice((page - 1) * view.size, page * view.size);
  const tools = server || rows.length >= (props.toolsFrom ?? 8) || view.search !== '';

  return (
    <div className="data-table" aria-busy={props.busy || undefined}>
      {tools ? (
        <Toolbar
          {...props}
          view={view}
          change={change}
          columns={columns}
          valuesOf={(c) => [...new Set(rows.map((r) => String(cellValue(c, r) ?? '')))].sort()}
          exportShown={() => saveCsv(`${id ?? 'table'}.csv`, toCsv(shown, list))}
        />
      ) : null}
      {visible.length === 0 ? (
        <p className="muted">
          {rows.length === 0 && !server
            ? empty
            : view.search || server
              ? empty
              : 'No row matches these filters.'}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="stack">
            {caption ? <caption>{caption}</caption> : null}
            <thead>
              <tr>
                {shown.map((c) => (
                  <HeaderCell
                    key={columnKey(c)}
                    column={c}
                    sort={view.sort}
                    sortable={!server?.sortable || server.sortable.includes(columnKey(c))}
                    onSort={(sort) => change({ sort })}
                  />
                ))}
              </tr>
            </thead>
            <tbody>
              {visible.map((r) => (
                <tr key={keyOf(r)}>
                  {shown.map((c) => (
                    <td
                      key={columnKey(c)}
                      className={c.num ? 'num' : c.wrap ? 'wrap' : undefined}
                      data-label={c.label ? headerOf(c as Column<never>) : undefined}
                    >
                      {c.render(r)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
            {/* The total is of every row: hidden while a search or filter shows only some of them. */}
            {list.length === rows.length && shown.some((c) => c.total !== undefined) ? (
              <tfoot>
                <tr>
                  {shown.map((c) => (
                    <td
                      key={columnKey(c)}
                      className={c.num ? 'num' : undefined}
                      data-label={c.label ? headerOf(c as Column<never>) : undefined}
                    >
                      {c.total}
                    </td>
                  ))}
                </tr>
              </tfoot>
            ) : null}
          </table>
        </div>
      )}
      {tools && total > Math.min(...SIZES) ? (
        <Pager
          label={id ?? caption ?? 'table'}
          page={page}
          pages={pages}
          view={view}
          total={total}
          shown={visible.length}
          change={change}
        />
      ) : null}
    </div>
  );
}

function HeaderCell<R>({
  column: c,
  sort,
  sortable,
  onSort,
}: {
  column: Column<R>;
  sort: string;
  sortable: boolean;
  onSort: (s: string) => void;
}) {
  const key = columnKey(c);
  const dir = sort === key ? 'ascending' : sort === `-${key}` ? 'descending' : undefined;
  const label = headerOf(c as Column<never>);
  if (c.action || !c.label || !sortable)
    return (
      <th scope="col" className={c.num ? 'num' : undefined}>
        {label}
      </th>
    );
  // Numbers and days open largest or latest first; text from A.
  const first = c.num ? `-${key}` : key;
  const next = dir === undefined ? first : dir === 'ascending' ? `-${key}` : key;
  return (
    <th scope="col" className={c.num ? 'num' : undefined} aria-sort={dir}>
      <button type="button" className="sort" onClick={() => onSort(next)}>
        {label}
        <span aria-hidden="true" className="sort-mark">
          {dir === 'ascending' ? ' ▲' : dir === 'descending' ? ' ▼' : ''}
        </span>
      </button>
    </th>
  );
}

function Toolbar<R>({
  id,
  view,
  change,
  columns,
  valuesOf,
  exportShown,
  exportAll,
  server,
  toolbar,
  searchHint,
}: TableProps<R> & {
  view: TableView;
  change: (c: Partial<TableView>) => void;
  columns: Column<R>[];
  valuesOf: (c: Column<R>) => string[];
  exportShown: () => void;
}) {
  const searchId = useId();
  const [exporting, setExporting] = useState<string>();
  const [failed, setFailed] = useState<string>();
  const name = id ?? 'table';
  return (
    <div className="table-tools">
      <div className="toolbar">
        <div className="field search">
          <label htmlFor={searchId}>Search</label>
          <input
            id={searchId}
            type="search"
            defaultValue={view.search}
            key={view.search}
            placeholder={searchHint ?? 'any column'}
            onKeyDown={(e) => {
              if (e.key === 'Enter') change({ search: e.currentTarget.value.trim() });
            }}
            onBlur={(e) => {
              if (e.currentTarget.value.trim() !== view.search)
                change({ search: e.currentTarget.value.trim() });
            }}
            onChange={(e) => {
              // Rows on the page are searched as one types; the API's list on Enter or leaving the field.
              if (!server) change({ search: e.currentTarget.value });
            }}
          />
        </div>
        {server
          ? null
          : columns
              .filter((c) => c.filter)
              .map((c) => (
                <ColumnFilter
                  key={columnKey(c)}
                  label={c.label}
                  value={view.filters[columnKey(c)] ?? ''}
                  values={valuesOf(c)}
                  onChange={(v) => change({ filters: { ...view.filters, [columnKey(c)]: v } })}
                />
              ))}
        {toolbar}
        <SortChoice columns={columns} view={view} change={change} sortable={server?.sortable} />
      </div>
      <div className="toolbar table-actions">
        <details className="columns">
          <summary>Columns</summary>
          <fieldset>
            <legend className="sr-only">Columns shown</legend>
            {columns
              .filter((c) => c.label)
              .map((c) => {
                const key = columnKey(c);
                const on = isShown(c as Column<never>, view);
                return (
                  <label key={key} className="check">
                    <input
                      type="checkbox"
                      aria-label={`Show the column ${c.label}`}
                      checked={on}
                      onChange={() => {
                        const flag = c.hidden ? `+${key}` : key;
                        const rest = view.hidden.filter((h) => h !== flag);
                        change({
                          hidden: rest.length === view.hidden.length ? [...rest, flag] : rest,
                          page: view.page,
                        });
                      }}
                    />
                    {c.label}
                  </label>
                );
              })}
          </fieldset>
        </details>
        <button type="button" className="secondary" onClick={exportShown}>
          {server ? 'Export this page (CSV)' : 'Export CSV'}
        </button>
        {exportAll ? (
          <button
            type="button"
            className="secondary"
            disabled={exporting !== undefined}
            onClick={() => {
              setExporting(exportAll);
              setFailed(undefined);
              saveApiCsv(exportAll, `${name}-all.csv`).then(
                () => setExporting(undefined),
                (e: Error) => {
                  setExporting(undefined);
                  setFailed(e.message);
                },
              );
            }}
          >
            {exporting ? 'Exporting…' : `Export all ${server?.total.toLocaleString('en-US') ?? ''} (CSV)`}
          </button>
        ) : null}
      </div>
      {failed ? (
        <p className="error" role="alert">
          {failed}
        </p>
      ) : null}
    </div>
  );
}

/** On a phone the headers are gone (each row is a card): the sort is chosen here instead. */
function SortChoice<R>({
  columns,
  view,
  change,
  sortable,
}: {
  columns: Column<R>[];
  view: TableView;
  change: (c: Partial<TableView>) => void;
  sortable: string[] | undefined;
}) {
  const sid = useId();
  const keys = columns.filter((c) => c.label && !c.action && (!sortable || sortable.includes(columnKey(c))));
  return (
    <div className="field phone-only">
      <label htmlFor={sid}>Sort by</label>
      <select id={sid} value={view.sort} onChange={(e) => change({ sort: e.target.value })}>
        <option value="">as listed</option>
        {keys.flatMap((c) => [
          <option key={columnKey(c)} value={columnKey(c)}>
            {c.label} {c.num ? '(smallest first)' : '(A to Z)'}
          </option>,
          <option key={`-${columnKey(c)}`} value={`-${columnKey(c)}`}>
            {c.label} {c.num ? '(largest first)' : '(Z to A)'}
          </option>,
        ])}
      </select>
    </div>
  );
}

/** A choice of one value or any: a column's values, or a filter the API applies (a machine's site). */
export function ColumnFilter({
  label,
  value,
  values,
  onChange,
}: {
  label: string;
  value: string;
  values: readonly string[];
  onChange: (v: string) => void;
}) {
  const fid = useId();
  return (
    <div className="field">
      <label htmlFor={fid}>{label}</label>
      <select id={fid} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {v || '(none)'}
          </option>
        ))}
      </select>
    </div>
  );
}

function Pager({
  label,
  page,
  pages,
  view,
  total,
  shown,
  change,
}: {
  label: string;
  page: number;
  pages: number;
  view: TableView;
  total: number;
  shown: number;
  change: (c: Partial<TableView>) => void;
}) {
  const sizeId = useId();
  const from = (page - 1) * view.size + 1;
  return (
    <nav className="pager" aria-label={`Pages of ${label}`}>
      <span className="muted" aria-live="polite">
        {total === 0
          ? 'none'
          : `${(from).toLocaleString('en-US')}–${(from + shown - 1).toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`}
      </span>
      <label htmlFor={sizeId} className="muted">
        Rows
      </label>
      <select
        id={sizeId}
        value={view.size}
        onChange={(e) => change({ size: Number(e.target.value) })}
        className="size"
      >
        {SIZES.map((n) => (
          <option key={n}>{n}</option>
        ))}
      </select>
      <button
        type="button"
        className="secondary"
        disabled={page <= 1}
        onClick={() => change({ page: page - 1 })}
      >
        Previous
      </button>
      <button
        type="button"
        className="secondary"
        disabled={page >= pages}
        onClick={() => change({ page: page + 1 })}
      >
        Next
      </button>
    </nav>
  );
}
