import { useEffect, useState } from 'react';
import { addQuarters, quarterOf } from '../../src/kernel/calendar.js';
import { api } from './api.js';
import type { ContractList, MiningQuarters } from './replies.js';
import { navigate, useLocation } from './router.js';
import { Field } from './ui.js';

/** Shown until the quarters with data are known (the demo's earnings-call quarter). */
const BEFORE_KNOWN = '2020Q4';

/**
 * The quarters with data: `first` to `last`, the books' (contracts signed) and self-mining's
 * (machines shipped or installed, the fleet's telemetry, which reaches today's quarter while it
 * polls). `books`: the latest quarter with contracts, where the company's figures end.
 */
interface Known {
  first: string;
  last: string;
  books: string;
}

const signed = (sort: string) =>
  api<ContractList>(`/api/sales/contracts?sort=${sort}&limit=1`).then((l) =>
    l.contracts[0] ? quarterOf(l.contracts[0].signedOn) : null,
  );

const earliest = (qs: (string | null)[]) => qs.filter((q) => q !== null).sort()[0];
const latest = (qs: (string | null)[]) =>
  qs
    .filter((q) => q !== null)
    .sort()
    .at(-1);

/** Asked once per tab; asked again after a failure. */
let asking: Promise<Known> | undefined;
const knownQuarters = (): Promise<Known> => {
  asking ??= Promise.all([
    signed('signedOn'),
    signed('-signedOn'),
    api<MiningQuarters>('/api/mining/quarters'),
  ]).then(
    ([firstSigned, lastSigned, mining]) => {
      const books = lastSigned ?? mining.last ?? BEFORE_KNOWN;
      return {
        first: earliest([firstSigned, mining.first]) ?? books,
        last: latest([lastSigned, mining.last]) ?? books,
        books,
      };
    },
    () => {
      asking = undefined;
      return { first: BEFORE_KNOWN, last: BEFORE_KNOWN, books: BEFORE_KNOWN };
    },
  );
  return asking;
};
let known: Known | undefined;

/** Known once asked, by every page of the tab. */
function useKnown(): Known | undefined {
  const [k, setK] = useState(known);
  useEffect(() => {
    if (k) return;
    let live = true;
    void knownQuarters().then((q) => {
      known = q;
      if (live) setK(q);
    });
    return () => {
      live = false;
    };
  }, [k]);
  return k;
}

/**
 * The quarter in the URL, else the one the page opens on: `books`, the latest quarter with
 * contracts (the overview, the order book and the report: the company's figures end there);
 * `latest`, the latest quarter with anything to show, telemetry included (self-mining: while the
 * fleet polls, today's quarter, whose measured hashrate is live).
 */
export function useQuarter(opensOn: 'books' | 'latest' = 'books'): [string, (q: string) => void] {
  const { path, params } = useLocation();
  const q = params.get('quarter');
  const asked = q && /^\d{4}Q[1-4]$/.test(q) ? q : undefined;
  const k = useKnown();
  const fallback = k ? (opensOn === 'books' ? k.books : k.last) : BEFORE_KNOWN;
  return [
    asked ?? fallback,
    (next) => {
      const p = new URLSearchParams(location.search);
      p.set('quarter', next);
      navigate(`${path}?${p}`, { replace: true, keepScroll: true });
    },
  ];
}

/** Every quarter with data, and the one shown even when outside them (asked for in the URL). */
export function QuarterPicker({ quarter, onChange }: { quarter: string; onChange: (q: string) => void }) {
  const k = useKnown();
  const first = earliest([k?.first ?? quarter, quarter])!;
  const last = latest([k?.last ?? quarter, quarter])!;
  const options: string[] = [];
  for (let q = first; q <= last; q = addQuarters(q, 1)) options.push(q);
  return (
    <Field as="select" label="Quarter" value={quarter} onChange={(e) => onChange(e.target.value)}>
      {options.map((q) => (
        <option key={q}>{q}</option>
      ))}
    </Field>
  );
}
