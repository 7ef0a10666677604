/**
 * Service levels from a ticket's steps: working time by a centre's calendar, the clock stopped
 * while the ticket waits for the customer, customs or parts. Pure. What a finished ticket adds is
 * stored in `service_ticket_sla` by these same functions (projections.ts), worked out again whenever its
 * centre's calendar changes; a fixed rule takes `ledger rebuild` to reach the stored figures.
 */
import type { Day } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { OUTCOMES, type Step } from './model.js';

// ---------------------------------------------------------------- the working calendar

export interface WorkingHours {
  /** ISO weekday: 1 Monday … 7 Sunday. */
  weekday: number;
  /** Local time, HH:MM; `to` after `from` (24:00 for midnight). */
  from: string;
  to: string;
}

export interface WorkingCalendar {
  /** The centre's local time as an offset from UTC, in minutes (+480 for Singapore). */
  utcOffsetMinutes: number;
  hours: WorkingHours[];
  holidays: Day[];
}

const MINUTE = 60_000;
const DAY = 86_400_000;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Refuses hours that end before they start or overlap others of the same weekday. */
export function checkCalendar(cal: WorkingCalendar, field = 'calendar'): void {
  const byDay = new Map<number, WorkingHours[]>();
  cal.hours.forEach((h, i) => {
    if (minutesOf(h.to) <= minutesOf(h.from))
      throw invalid(`${field}.hours.${i}.to`, `Working hours must end after they start: ${h.from}–${h.to}.`);
    byDay.set(h.weekday, [...(byDay.get(h.weekday) ?? []), h]);
  });
  for (const [weekday, list] of byDay) {
    const sorted = [...list].sort((a, b) => minutesOf(a.from) - minutesOf(b.from));
    for (let i = 1; i < sorted.length; i++) {
      if (minutesOf(sorted[i]!.from) < minutesOf(sorted[i - 1]!.to)) {
        throw invalid(
          `${field}.hours`,
          `Working hours overlap on weekday ${weekday}: ${sorted[i - 1]!.from}–${sorted[i - 1]!.to} and ${sorted[i]!.from}–${sorted[i]!.to}.`,
          'service.hours-overlap',
        );
      }
    }
  }
}

/**
 * A calendar made ready to measure with: windows per weekday in ms, holidays as day numbers, and
 * what makes a span cost O(log holidays) instead of a loop over its days (a centre's report
 * measures every stage of every ticket it ever had).
 */
export interface Clock {
  offsetMs: number;
  windows: [number, number][][];
  holidays: Set<number>;
  /** Working ms of the days 0 … i-1 counted from a Thursday (day 0 of the epoch), i = 0 … 7. */
  cycle: number[];
  /** Holidays ascending, and the working ms the first i of them took out (i = 0 … n). */
  holidayDays: number[];
  holidayPrefix: number[];
}

/** ISO weekday of a day number: 1970-01-01 (day 0) was a Thursday, ISO weekday 4. */
const weekdayOf = (day: number): number => ((((day + 3) % 7) + 7) % 7) + 1;

export function workingClock(cal: WorkingCalendar): Clock {
  const windows: [number, number][][] = Array.from({ length: 8 }, () => []);
  for (const h of cal.hours) windows[h.weekday]!.push([minutesOf(h.from) * MINUTE, minutesOf(h.to) * MINUTE]);
  const dayMs = windows.map((w) => w.reduce((sum, [s, e]) => sum + e - s, 0));
  const cycle = [0];
  for (let i = 0; i < 7; i++) cycle.push(cycle[i]! + dayMs[weekdayOf(i)]!);
  const holidayDays = [...new Set(cal.holidays.map((d) => Date.parse(`${d}T00:00:00Z`) / DAY))].sort(
    (a, b) => a - b,
  );
  const holidayPrefix = [0];
  for (const d of holidayDays) holidayPrefix.push(holidayPrefix.at(-1)! + dayMs[weekdayOf(d)]!);
  return {
    offsetMs: cal.utcOffsetMinutes * MINUTE,
    windows,
    holidays: new Set(holidayDays),
    cycle,
    holidayDays,
    holidayPrefix,
  };
}

/** How many of the sorted `days` are before `day`. */
function countBefore(days: readonly number[], day: number): number {
  let lo = 0;
  let hi = days.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (days[mid]! < day) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Working ms from the epoch's first day to the local instant `x` (ms): whole weeks, days, then the day's part. */
function workedBy(clock: Clock, x: number): number {
  const day = Math.floor(x / DAY);
  const weeks = Math.floor(day / 7);
  let total = weeks * clock.cycle[7]! + clock.cycle[day - weeks * 7]!;
  total -= clock.holidayPrefix[countBefore(clock.holidayDays, day)]!;
  if (clock.holidays.has(day)) return total;
  const into = x - day * DAY;
  for (const [ws, we] of clock.windows[weekdayOf(day)]!) if (into > ws) total += Math.min(into, we) - ws;
  return total;
}

/** Working milliseconds from `from` to `to` (epoch ms) by the clock's calendar; 0 when to ≤ from. */
export function workingMs(clock: Clock, from: number, to: number): number {
  if (to <= from) return 0;
  return workedBy(clock, to + clock.offsetMs) - workedBy(clock, from + clock.offsetMs);
}

// ---------------------------------------------------------------- one ticket's stages

/** A step of a ticket's history as the SLA reads it; `waiting` stops the clock until the next entry. */
export interface TimelineEntry {
  step: Step | 'waiting' | 'resumed';
  at: number;
}

export const SLA_STAGES = ['authorise', 'diagnose', 'repair', 'return'] as const;
export type SlaStage = (typeof SLA_STAGES)[number];

/** Targets in working hours: authorise within a working day, diagnose within two of receipt, … */
export const SLA_TARGET_HOURS: Record<SlaStage, number> = {
  authorise: 8,
  diagnose: 16,
  repair: 40,
  return: 24,
};

const STAGE_SPAN: Record<SlaStage, [readonly Step[], readonly Step[]]> = {
  authorise: [['requested'], ['authorised']],
  diagnose: [['received'], ['diagnosed']],
  repair: [['diagnosed'], OUTCOMES],
  return: [OUTCOMES, ['shipped']],
};

export interface StageTime {
  stage: SlaStage;
  /** Working hours counted, pauses taken out; up to `now` for a stage still running. */
  workingHours: number;
  pausedHours: number;
  done: boolean;
  met: boolean;
}

/** The periods the clock stood still: from each `waiting` to the entry after it (or `now`). */
function pauses(timeline: readonly TimelineEntry[], now: number): [number, number][] {
  const out: [number, number][] = [];
  timeline.forEach((e, i) => {
    if (e.step === 'waiting') out.push([e.at, timeline[i + 1]?.at ?? now]);
  });
  return out;
}

/** Each stage the ticket has entered, with its working time and whether it met its target. */
export function stageTimes(clock: Clock, timeline: readonly TimelineEntry[], now: number): StageTime[] {
  const stopped = pauses(timeline, now);
  const out: StageTime[] = [];
  for (const stage of SLA_STAGES) {
    const [starts, ends] = STAGE_SPAN[stage];
    const start = timeline.find((e) => (starts as readonly string[]).includes(e.step));
    if (!start) continue;
    const end = timeline.find((e) => e.at >= start.at && (ends as readonly string[]).includes(e.step));
    const to = end?.at ?? now;
    let paused = 0;
    for (const [ps, pe] of stopped) paused += workingMs(clock, Math.max(start.at, ps), Math.min(to, pe));
    const hours = (workingMs(clock, start.at, to) - paused) / 3_600_000;
    out.push({
      stage,
      workingHours: hours,
      pausedHours: paused / 3_600_000,
      done: end !== undefined,
      met: hours <= SLA_TARGET_HOURS[stage],
    });
  }
  return out;
}

// ---------------------------------------------------------------- a centre's figures

export interface TicketTimeline {
  step: Step;
  timeline: readonly TimelineEntry[];
}

export interface CentreFigures {
  tickets: number;
  /** Finished stages within target, as a share of finished stages (null with none finished). */
  slaMetPct: number | null;
  stagesMeasured: number;
  /** Open stages already past their target. */
  breachedOpen: number;
  /** Days from receipt to shipping back (wall clock), over the tickets shipped. */
  turnaroundDays: { median: number | null; p90: number | null; shipped: number };
  /** Tickets not finished and not yet shipped back. */
  backlog: number;
  /** RMAs on the bench (received, not yet shipped) per technician. */
  technicianLoad: number;
}

const IN_HOUSE: readonly Step[] = ['received', 'diagnosed', ...OUTCOMES, 'burn-in'];
/** Finished tickets: what they add to a tally no longer depends on the clock (see `finishedFigures`). */
export const DONE: readonly Step[] = ['shipped', 'closed', 'rejected', 'cancelled'];

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** What a centre's figures count, ticket by ticket: a report adds its tickets in chunks, yielding between. */
export interface FiguresTally {
  tickets: number;
  measured: number;
  met: number;
  breachedOpen: number;
  backlog: number;
  onBench: number;
  turnaround: number[];
}

export const newTally = (): FiguresTally => ({
  tickets: 0,
  measured: 0,
  met: 0,
  breachedOpen: 0,
  backlog: 0,
  onBench: 0,
  turnaround: [],
});

/**
 * What a finished ticket (DONE) adds to its centre's figures: its finished stages, how many met
 * their target, and its turnaround. No clock enters: a finished ticket's stages all ended by its
 * finishing step, and a wait after shipping overlaps none of them. So it is worked out once, when
 * the ticket finishes or its centre's calendar changes, and stored in `service_ticket_sla` (projections.ts).
 */
export interface FinishedFigures {
  measured: number;
  met: number;
  /** Wall-clock ms from receipt to shipping back; null for a ticket never received or shipped. */
  turnaroundMs: number | null;
}

export function finishedFigures(clock: Clock, timeline: readonly TimelineEntry[]): FinishedFigures {
  const out: FinishedFigures = { measured: 0, met: 0, turnaroundMs: null };
  // `now` only reaches stages still running, which a finished ticket's figures leave out.
  for (const s of stageTimes(clock, timeline, timeline.at(-1)?.at ?? 0)) {
    if (!s.done) continue;
    out.measured++;
    if (s.met) out.met++;
  }
  const received = timeline.find((e) => e.step === 'received');
  const shipped = timeline.find((e) => e.step === 'shipped');
  if (received && shipped) out.turnaroundMs = shipped.at - received.at;
  return out;
}

/** Finished tickets' figures added up: one ticket's, or a centre's stored ones summed by the database. */
export interface FinishedSums {
  tickets: number;
  measured: number;
  met: number;
  turnaroundMs: readonly number[];
}

export function tallyFinished(tally: FiguresTally, s: FinishedSums): void {
  tally.tickets += s.tickets;
  tally.measured += s.measured;
  tally.met += s.met;
  for (const ms of s.turnaroundMs) tally.turnaround.push(ms / DAY);
}

/**
 * Adds one ticket to the tally: a finished one by `finishedFigures`; an open one by its finished
 * stages, its stages past their target by `now`, and its place in the backlog and on the bench
 * (an open ticket has not been shipped, so it has no turnaround yet).
 */
export function tallyTicket(clock: Clock, tally: FiguresTally, t: TicketTimeline, now: number): void {
  if (DONE.includes(t.step)) {
    const f = finishedFigures(clock, t.timeline);
    const turnaroundMs = f.turnaroundMs === null ? [] : [f.turnaroundMs];
    tallyFinished(tally, { tickets: 1, measured: f.measured, met: f.met, turnaroundMs });
    return;
  }
  tally.tickets++;
  for (const s of stageTimes(clock, t.timeline, now)) {
    if (s.done) {
      tally.measured++;
      if (s.met) tally.met++;
    } else if (!s.met) tally.breachedOpen++;
  }
  tally.backlog++;
  if (IN_HOUSE.includes(t.step)) tally.onBench++;
}

export function figuresOf(tally: FiguresTally, technicians: number): CentreFigures {
  const turnaround = [...tally.turnaround].sort((a, b) => a - b);
  return {
    tickets: tally.tickets,
    slaMetPct: tally.measured === 0 ? null : (100 * tally.met) / tally.measured,
    stagesMeasured: tally.measured,
    breachedOpen: tally.breachedOpen,
    turnaroundDays: {
      median: percentile(turnaround, 0.5),
      p90: percentile(turnaround, 0.9),
      shipped: turnaround.length,
    },
    backlog: tally.backlog,
    technicianLoad: technicians === 0 ? tally.onBench : tally.onBench / technicians,
  };
}

export function centreFigures(
  cal: WorkingCalendar,
  technicians: number,
  tickets: readonly TicketTimeline[],
  now: number,
): CentreFigures {
  const clock = workingClock(cal);
  const tally = newTally();
  for (const t of tickets) tallyTicket(clock, tally, t, now);
  return figuresOf(tally, technicians);
}
