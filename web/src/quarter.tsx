import { useEffect, useState } from 'react';
import { addQuarters, quarterOf } from '../../src/kernel/calendar.js';
import { api } from './api.js';
import type { ContractList } from './replies.js';
import { navigate, useLocation } from './router.js';
import { Field } from './ui.js';

/** Shown until the latest quarter with data is known (the demo's earnings-call quarter). */
const BEFORE_KNOWN = '2020Q4';

/** The latest quarter with data: the one the last contract was signed in, asked once per tab. */
let latest: Promise<string> | undefined;
const latestQuarter = (): Promise<string> => {
  latest ??= api<ContractList>('/api/sales/contracts?sort=-signedOn&limit=1').then(
    (l) => (l.contracts[0] ? quarterOf(l.contracts[0].signedOn) : BEFORE_KNOWN),
    () => {
      latest = undefined;
      return BEFORE_KNOWN;
    },
  );
  return latest;
};
let known: string | undefined;

export function useQuarter(): [string, (q: string) => void] {
  const { path, params } = useLocation();
  const q = params.get('quarter');
  const asked = q && /^\d{4}Q[1-4]$/.test(q) ? q : undefined;
  const [fallback, setFallback] = useState(known ?? BEFORE_KNOWN);
  useEffect(() => {
    if (asked || known) return;
    let live = true;
    void latestQuarter().then((l) => {
      known = l;
      if (live) setFallback(l);
    });
    return () => {
      live = false;
    };
  }, [asked]);
  return [
    asked ?? fallback,
    (next) => {
      const p = new URLSearchParams(location.search);
      p.set('quarter', next);
      navigate(`${path}?${p}`, { replace: true, keepScroll: true });
    },
  ];
}

export function QuarterPicker({ quarter, onChange }: { quarter: string; onChange: (q: string) => void }) {
  const last = known && known > addQuarters('2019Q1', 15) ? known : addQuarters('2019Q1', 15);
  const options: string[] = [];
  for (let q = '2019Q1'; q <= last; q = addQuarters(q, 1)) options.push(q);
  return (
    <Field as="select" label="Quarter" value={quarter} onChange={(e) => onChange(e.target.value)}>
      {options.map((q) => (
        <option key={q}>{q}</option>
      ))}
    </Field>
  );
}
