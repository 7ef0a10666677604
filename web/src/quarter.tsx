import { type ComponentType, useEffect, useState } from 'react';
import { addQuarters, dayOf, quarterOf } from '../../src/kernel/calendar.js';
import { api } from './api.js';
import type { ContractList, MiningQuarters } from './replies.js';
import { navigate, useLocation } from './router.js';
import { Field } from './ui.js';

/** The books' quarter when neither contracts nor self-mining name one (the demo's earnings-call quarter). */
const BEFORE_KNOWN = '2020Q4';

/**
 * The quarters with data: `first` to `last`, the books' (contracts signed) and self-mining's
 * (machines shipped or installed, the fleet's telemetry, which reaches today's quarter while it
 * polls). `books`: the latest quarter with contracts, where the company's figures end. `current`:
 * today's quarter by the server's clock (a quarter after it has nothing measured yet).
 */
export interface Known {
  first: string;
  last: string;
  books: string;
  current: string;
}

const signed = (sort: string) =>
  api<ContractList>(`/api/sales/contracts?sort=${sort}&limit=1`).then((l) =>
    l.contracts[0] ? quarterOf(l.contracts[0].signedOn) : null,
  );

const earliest = (qs: (string | null | undefined)[]) =>
  qs.filter((q) => q !== null && q !== undefined).sort()[0];
const latest = (qs: (string | null | undefined)[]) =>
  qs
    .filter((q) => q !== null && q !== undefined)
    .sort()
    .at(-1);

const answer = <T,>(r: PromiseSettledResult<T>): T | undefined =>
  r.status === 'fulfilled' ? r.value : undefined;

/**
 * Asked once per tab. What answered is used at once; when anything failed (a blip, a session
 * expiring) the answer is not kept, and the next page to open asks again. The app asks as soon as
 * it is signed in, beside fetching the first page's code, which the quarter's pages wait for.
 */
let asking: Promise<{ known: Known; whole: boolean }> | undefined;
export const knownQuarters = () => {
  asking ??= Promise.allSettled([
    signed('signedOn'),
    signed('-signedOn'),
    api<MiningQuarters>('/api/mining/quarters'),
  ]).then((answers) => {
    const [firstSigned, lastSigned, mining] = [answer(answers[0]), answer(answers[1]), answer(answers[2])];
    const whole = answers.every((a) => a.status === 'fulfilled');
    if (!whole) asking = undefined;
    const books = lastSigned ?? mining?.last ?? BEFORE_KNOWN;
    return {
      whole,
      known: {
        first: earliest([firstSigned, mining?.first]) ?? books,
        last: latest([lastSigned, mining?.last]) ?? books,
        books,
        current: mining?.current ?? quarterOf(dayOf(new Date())),
      },
    };
  });
  return asking;
};
let known: Known | undefined;

/** The quarters with data, known once asked, by every page of the tab. */
export function useKnown(): Known | undefined {
  const [k, setK] = useState(known);
  useEffect(() => {
    if (k) return;
    let live = true;
    void knownQuarters().then((q) => {
      if (q.whole) known = q.known;
      if (live) setK(q.known);
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
 * fleet polls, today's quarter, whose measured hashrate is live). Undefined until that is known.
 */
export function useQuarter(opensOn: 'books' | 'latest' = 'books'): [string | undefined, (q: string) => void] {
  const { path, params } = useLocation();
  const q = params.get('quarter');
  const asked = q && /^\d{4}Q[1-4]$/.test(q) ? q : undefined;
  const k = useKnown();
  const fallback = k ? (opensOn === 'books' ? k.books : k.last) : undefined;
  return [
    asked ?? fallback,
    (next) => {
      const p = new URLSearchParams(location.search);
      p.set('quarter', next);
      navigate(`${path}?${p}`, { replace: true, keepScroll: true });
    },
  ];
}

/** What a page of one quarter is given: the quarter shown, and how to show another. */
export interface QuarterProps {
  quarter: string;
  setQuarter: (q: string) => void;
}

/**
 * A page of one quarter, drawn once its quarter is known: the URL's at once, else the one it opens
 * on when the quarters with data have answered. Drawn before that on a stand-in quarter, it asked
 * for that quarter's figures and then again for the right one's, a second round after the first
 * (the overview asked for 2020Q4's report beside the quarters, then for 2021Q1's).
 */
export function quarterPage(Page: ComponentType<QuarterProps>, opensOn: 'books' | 'latest' = 'books') {
  return function QuarterPage() {
    const [quarter, setQuarter] = useQuarter(opensOn);
    if (!quarter)
      return (
        <p className="muted" aria-busy="true">
          Loading…
        </p>
      );
    return <Page quarter={quarter} setQuarter={setQuarter} />;
  };
}

/** Every quarter with data, and the one shown even when outside them (asked for in the URL). */
export function QuarterPicker({ quarter, onChange }: { quarter: string; onChange: (q: string) => void }) {
  const k = useKnown();
  // Today's quarter is always offered: a new install's first figures are its own.
  const first = earliest([k?.first ?? quarter, quarter])!;
  const last = latest([k?.last ?? quarter, k?.current, quarter])!;
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
