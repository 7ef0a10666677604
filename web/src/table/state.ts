/**
 * A table's view (sort, search, page, page size, hidden columns, column filters) kept in the URL
 * under the table's id (`contracts.sort=-backlog`), so a filtered view can be shared by its link.
 * A table without an id keeps its view to itself.
 */
import { useState } from 'react';
import { navigate, useLocation } from '../router.js';

export interface TableView {
  /** A column key, `-key` for the largest or latest first; '' for the rows' own order. */
  sort: string;
  search: string;
  /** From 1. */
  page: number;
  size: number;
  hidden: string[];
  /** Column key → the one value shown. */
  filters: Record<string, string>;
}

export type TableChange = Partial<TableView>;

export const PHONE_QUERY = '(max-width: 640px)';
/** Fewer rows a page on a phone, where each row is a card of its own. */
export const defaultSize = (): number =>
  typeof window !== 'undefined' && window.matchMedia?.(PHONE_QUERY).matches ? 10 : 25;

const FILTER = 'f.';

function read(params: URLSearchParams, id: string, defaults: Partial<TableView>): TableView {
  const p = (k: string) => params.get(`${id}.${k}`);
  const filters: Record<string, string> = { ...(defaults.filters ?? {}) };
  for (const [k, v] of params) if (k.startsWith(`${id}.${FILTER}`)) filters[k.slice(id.length + 3)] = v;
  return {
    sort: p('sort') ?? defaults.sort ?? '',
    search: p('q') ?? '',
    page: Math.max(1, Number(p('page')) || 1),
    size: Number(p('size')) || defaults.size || defaultSize(),
    hidden: p('hide')?.split(',').filter(Boolean) ?? defaults.hidden ?? [],
    filters,
  };
}

/** The URL's query with `change` written under the table's id; any change but paging goes back to page 1. */
export function viewQuery(search: string, id: string, change: TableChange): string {
  const next = new URLSearchParams(search);
  const put = (k: string, v: string | undefined) => {
    if (v === undefined || v === '') next.delete(`${id}.${k}`);
    else next.set(`${id}.${k}`, v);
  };
  if (change.sort !== undefined) put('sort', change.sort);
  if (change.search !== undefined) put('q', change.search);
  if (change.size !== undefined) put('size', String(change.size));
  if (change.hidden !== undefined) put('hide', change.hidden.join(','));
  if (change.filters !== undefined) {
    for (const k of [...next.keys()]) if (k.startsWith(`${id}.${FILTER}`)) next.delete(k);
    for (const [k, v] of Object.entries(change.filters)) put(`${FILTER}${k}`, v);
  }
  put('page', change.page && change.page > 1 ? String(change.page) : undefined);
  return next.toString();
}

export function useTableView(
  id: string | undefined,
  defaults: Partial<TableView> = {},
): [TableView, (change: TableChange) => void] {
  const { path, params } = useLocation();
  const [local, setLocal] = useState<URLSearchParams>(() => new URLSearchParams());
  const key = id ?? 'table';
  const view = read(id ? params : local, key, defaults);
  const change = (c: TableChange) => {
    if (!id) {
      setLocal((l) => new URLSearchParams(viewQuery(l.toString(), key, c)));
      return;
    }
    const q = viewQuery(location.search, key, c);
    navigate(`${path}${q ? `?${q}` : ''}`, { replace: true, keepScroll: true });
  };
  return [view, change];
}
