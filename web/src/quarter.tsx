import { addQuarters } from '../../src/kernel/calendar.js';
import { navigate, useLocation } from './router.js';
import { Field } from './ui.js';

/** The quarter every page opens on: the one the demo's notes tell. */
const DEFAULT_QUARTER = '2020Q4';

export function useQuarter(): [string, (q: string) => void] {
  const { path, params } = useLocation();
  const q = params.get('quarter');
  const quarter = q && /^\d{4}Q[1-4]$/.test(q) ? q : DEFAULT_QUARTER;
  return [
    quarter,
    (next) => {
      const p = new URLSearchParams(location.search);
      p.set('quarter', next);
      navigate(`${path}?${p}`, { replace: true });
    },
  ];
}

export function QuarterPicker({ quarter, onChange }: { quarter: string; onChange: (q: string) => void }) {
  const options = Array.from({ length: 16 }, (_, i) => addQuarters('2019Q1', i));
  return (
    <Field as="select" label="Quarter" value={quarter} onChange={(e) => onChange(e.target.value)}>
      {options.map((q) => (
        <option key={q}>{q}</option>
      ))}
    </Field>
  );
}
