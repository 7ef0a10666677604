/**
 * The time range of a chart, as Grafana offers it: the last hour, day, week or quarter before the
 * latest reading, or days chosen by hand. Kept in the URL (`range`, `from`, `to`) so a view is shared.
 */
import { navigate, useLocation } from './router.js';
import { Field } from './ui.js';

const HOUR = 3_600_000;
export const RANGES = {
  hour: { label: 'Last hour', ms: HOUR, every: 'minute' },
  day: { label: 'Last day', ms: 24 * HOUR, every: 'minute' },
  week: { label: 'Last week', ms: 7 * 24 * HOUR, every: 'hour' },
  quarter: { label: 'Last quarter', ms: 91 * 24 * HOUR, every: 'day' },
} as const;
export type RangeName = keyof typeof RANGES | 'custom';

export interface TimeRange {
  name: RangeName;
  from: Date;
  to: Date;
  /** How finely to ask for it: a point a minute for an hour or a day, hours for a week, days beyond. */
  every: 'minute' | 'hour' | 'day';
  label: string;
}

/** A time axis's tick, as fine as the range is asked: the minute for an hour or a day, the hour for a week. */
export function tickLabel(every: TimeRange['every']): (ms: number) => string {
  const iso = (ms: number) => new Date(ms).toISOString();
  if (every === 'minute') return (ms) => iso(ms).slice(11, 16);
  if (every === 'hour') return (ms) => `${iso(ms).slice(5, 10)} ${iso(ms).slice(11, 13)}h`;
  return (ms) => iso(ms).slice(0, 10);
}

const DAY_TEXT = /^\d{4}-\d{2}-\d{2}$/;

/** The range in the URL, ending at `end` (the latest reading) unless days were chosen. */
export function useTimeRange(
  end: Date,
  fallback: RangeName = 'hour',
): [TimeRange, (next: Record<string, string>) => void] {
  const { path, params } = useLocation();
  const asked = params.get('range') as RangeName | null;
  const name: RangeName = asked && (asked === 'custom' || asked in RANGES) ? asked : fallback;
  const set = (next: Record<string, string>) => {
    const q = new URLSearchParams(location.search);
    for (const [k, v] of Object.entries(next)) v ? q.set(k, v) : q.delete(k);
    navigate(`${path}?${q}`, { replace: true, keepScroll: true });
  };
  if (name === 'custom') {
    const f = params.get('from') ?? '';
    const t = params.get('to') ?? '';
    const from = DAY_TEXT.test(f) ? new Date(`${f}T00:00:00Z`) : new Date(end.getTime() - 24 * HOUR);
    const to = DAY_TEXT.test(t) ? new Date(new Date(`${t}T00:00:00Z`).getTime() + 24 * HOUR) : end;
    const span = to.getTime() - from.getTime();
    const every = span <= 2 * 24 * HOUR ? 'minute' : span <= 31 * 24 * HOUR ? 'hour' : 'day';
    return [{ name, from, to, every, label: `${f || '…'} to ${t || '…'}` }, set];
  }
  const r = RANGES[name];
  return [
    { name, from: new Date(end.getTime() - r.ms), to: end, every: r.every, label: r.label.toLowerCase() },
    set,
  ];
}

export function TimeRangePicker({
  range,
  onChange,
}: {
  range: TimeRange;
  onChange: (next: Record<string, string>) => void;
}) {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return (
    <div className="toolbar">
      <Field
        as="select"
        label="Time range"
        value={range.name}
        onChange={(e) => onChange({ range: e.target.value })}
      >
        {Object.entries(RANGES).map(([k, r]) => (
          <option key={k} value={k}>
            {r.label}
          </option>
        ))}
        <option value="custom">Days chosen…</option>
      </Field>
      {range.name === 'custom' ? (
        <>
          <Field
            label="From day"
            type="date"
            value={day(range.from)}
            onChange={(e) => onChange({ from: e.target.value })}
          />
          <Field
            label="To day"
            type="date"
            value={day(new Date(range.to.getTime() - 1))}
            onChange={(e) => onChange({ to: e.target.value })}
          />
        </>
      ) : null}
    </div>
  );
}
