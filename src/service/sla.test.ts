import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import {
  centreFigures,
  checkCalendar,
  percentile,
  stageTimes,
  type TimelineEntry,
  type WorkingCalendar,
  workingClock,
  workingMs,
} from './sla.js';

const HOUR = 3_600_000;
// Monday to Friday 09:00-12:00 and 13:00-18:00 in Singapore (UTC+8); New Year's Day off.
const SG: WorkingCalendar = {
  utcOffsetMinutes: 480,
  hours: [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, from: '09:00', to: '12:00' },
    { weekday, from: '13:00', to: '18:00' },
  ]),
  holidays: ['2021-01-01'],
};
const clock = workingClock(SG);
const t = (iso: string) => Date.parse(iso);

describe('working time', () => {
  it('counts only the centre’s hours in its own time zone, skipping weekends and holidays', () => {
    // Thu 2020-12-31 08:00 SGT (00:00Z) to Mon 2021-01-04 10:00 SGT: Thursday's 8 h, Friday a
    // holiday, the weekend off, Monday's first hour.
    expect(workingMs(clock, t('2020-12-31T00:00:00Z'), t('2021-01-04T02:00:00Z')) / HOUR).toBe(9);
    expect(workingMs(clock, t('2021-01-02T00:00:00Z'), t('2021-01-03T23:00:00Z'))).toBe(0);
  });

  const instant = fc.integer({ min: t('2020-01-01T00:00:00Z'), max: t('2022-01-01T00:00:00Z') });

  it('adds up over any split, and never exceeds the wall clock', () => {
    fc.assert(
      fc.property(instant, instant, instant, (x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number];
        expect(workingMs(clock, a, c)).toBe(workingMs(clock, a, b) + workingMs(clock, b, c));
        expect(workingMs(clock, a, c)).toBeLessThanOrEqual(c - a);
        expect(workingMs(clock, c, a)).toBe(0);
      }),
    );
  });

  /** The rule as written, a day at a time: what the clock's cumulative sums must equal exactly. */
  function dayByDay(c: WorkingCalendar, from: number, to: number): number {
    const offset = c.utcOffsetMinutes * 60_000;
    const off = new Set(c.holidays);
    let total = 0;
    for (let day = Math.floor((from + offset) / 86_400_000); day * 86_400_000 < to + offset; day++) {
      const start = day * 86_400_000;
      if (off.has(new Date(start).toISOString().slice(0, 10))) continue;
      for (const h of c.hours.filter((w) => w.weekday === ((day + 3) % 7) + 1)) {
        const [fh, fm] = h.from.split(':').map(Number) as [number, number];
        const [th, tm] = h.to.split(':').map(Number) as [number, number];
        const s = Math.max(from + offset, start + (fh * 60 + fm) * 60_000);
        const e = Math.min(to + offset, start + (th * 60 + tm) * 60_000);
        if (e > s) total += e - s;
      }
    }
    return total;
  }

  it('equals the day-by-day count to the millisecond, for any calendar, span and holidays', () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const window = fc
      .tuple(fc.integer({ min: 1, max: 7 }), minute, fc.integer({ min: 1, max: 600 }))
      .map(([weekday, from, length]) => ({ weekday, from, to: Math.min(24 * 60, from + length) }));
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    const day = fc
      .integer({ min: 0, max: 800 })
      .map((n) => new Date(Date.UTC(2020, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    const calendar = fc
      .record({
        utcOffsetMinutes: fc.integer({ min: -720, max: 840 }),
        windows: fc.array(window, { maxLength: 8 }),
        holidays: fc.array(day, { maxLength: 30 }),
      })
      .map(({ utcOffsetMinutes, windows, holidays }): WorkingCalendar => {
        // Windows that do not overlap their weekday's others (the calendar's own rule).
        const kept = windows.filter(
          (w, i) =>
            !windows.some((o, j) => j < i && o.weekday === w.weekday && o.from < w.to && w.from < o.to),
        );
        return {
          utcOffsetMinutes,
          hours: kept.map((w) => ({ weekday: w.weekday, from: hhmm(w.from), to: hhmm(w.to) })),
          holidays,
        };
      });
    fc.assert(
      fc.property(calendar, instant, fc.integer({ min: 0, max: 120 * 86_400_000 }), (cal, a, span) => {
        expect(workingMs(workingClock(cal), a, a + span)).toBe(dayByDay(cal, a, a + span));
      }),
      { numRuns: 200 },
    );
  });

  it('refuses hours that overlap on a weekday, naming the field and the rule', () => {
    const bad = { ...SG, hours: [...SG.hours, { weekday: 3, from: '11:00', to: '14:00' }] };
    let error: unknown;
    try {
      checkCalendar(bad);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'service.hours-overlap', field: 'calendar.hours' });
    expect(() => checkCalendar({ ...SG, hours: [{ weekday: 1, from: '10:00', to: '09:00' }] })).toThrow(
      /end after/,
    );
  });
});

describe('SLA stages', () => {
  const requested = t('2021-01-04T01:00:00Z'); // Mon 09:00 SGT
  const base: TimelineEntry[] = [
    { step: 'requested', at: requested },
    { step: 'authorised', at: requested + 2 * HOUR },
    { step: 'received', at: t('2021-01-05T01:00:00Z') },
    { step: 'diagnosed', at: t('2021-01-07T01:00:00Z') }, // 16 working hours later
    { step: 'repaired', at: t('2021-01-08T01:00:00Z') },
    { step: 'burn-in', at: t('2021-01-08T05:00:00Z') },
    { step: 'shipped', at: t('2021-01-11T01:00:00Z') },
  ];

  it('measures each stage in working hours against its target', () => {
    const stages = stageTimes(clock, base, t('2021-02-01T00:00:00Z'));
    expect(stages.map((s) => [s.stage, s.workingHours, s.met])).toEqual([
      ['authorise', 2, true],
      ['diagnose', 16, true],
      ['repair', 8, true],
      ['return', 8, true],
    ]);
  });

  it('stops the clock while waiting for parts', () => {
    const waiting: TimelineEntry[] = [
      ...base.slice(0, 3),
      { step: 'waiting', at: t('2021-01-05T02:00:00Z') },
      { step: 'resumed', at: t('2021-01-07T02:00:00Z') },
      { step: 'diagnosed', at: t('2021-01-08T01:00:00Z') },
    ];
    const diagnose = stageTimes(clock, waiting, t('2021-02-01T00:00:00Z')).find(
      (s) => s.stage === 'diagnose',
    )!;
    // 24 working hours from receipt to diagnosis, 16 of them paused.
    expect(diagnose).toMatchObject({ workingHours: 8, pausedHours: 16, done: true, met: true });
  });

  it('never counts more with a pause than without, nor below zero', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 * 24 }),
        fc.integer({ min: 0, max: 20 * 24 }),
        fc.integer({ min: 1, max: 30 * 24 }),
        (pauseAt, pauseFor, diagnosedAfter) => {
          const received = t('2021-01-05T01:00:00Z');
          const diagnosed = received + diagnosedAfter * HOUR;
          const start = Math.min(received + pauseAt * HOUR, diagnosed);
          const plain: TimelineEntry[] = [
            { step: 'received', at: received },
            { step: 'diagnosed', at: diagnosed },
          ];
          const paused: TimelineEntry[] = [
            { step: 'received', at: received },
            { step: 'waiting', at: start },
            { step: 'resumed', at: Math.min(start + pauseFor * HOUR, diagnosed) },
            { step: 'diagnosed', at: diagnosed },
          ];
          const now = diagnosed + HOUR;
          const a = stageTimes(clock, plain, now)[0]!;
          const b = stageTimes(clock, paused, now)[0]!;
          expect(b.workingHours).toBeGreaterThanOrEqual(0);
          expect(b.workingHours).toBeLessThanOrEqual(a.workingHours + 1e-9);
          expect(b.workingHours + b.pausedHours).toBeCloseTo(a.workingHours, 9);
        },
      ),
    );
  });

  it('reports a centre: SLA met %, turnaround median and p90, backlog, load', () => {
    const late: TimelineEntry[] = [...base.slice(0, 3), { step: 'diagnosed', at: t('2021-01-12T01:00:00Z') }];
    const figures = centreFigures(
      SG,
      2,
      [
        { step: 'shipped', timeline: base },
        { step: 'diagnosed', timeline: late },
        { step: 'requested', timeline: base.slice(0, 1) },
      ],
      t('2021-01-12T02:00:00Z'),
    );
    expect(figures).toMatchObject({
      tickets: 3,
      stagesMeasured: 6,
      turnaroundDays: { median: 6, p90: 6, shipped: 1 },
      backlog: 2,
      technicianLoad: 0.5,
    });
    // The late diagnosis took 40 working hours (target 16): 5 of 6 finished stages met; the third
    // ticket's authorisation is still running.
    expect(figures.slaMetPct).toBeCloseTo((100 * 5) / 6);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
  });
});
