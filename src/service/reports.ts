/**
 * The service network's figures: each centre's SLA, turnaround, backlog and technician load (the
 * finished tickets' from the figures stored in `service_ticket_sla`, the open ones' from their steps);
 * failure rates by model, batch, foundry lot and class.
 */
import { setImmediate } from 'node:timers/promises';
import type { AppContext } from '../app/context.js';
import { type Db, inSnapshot } from '../db/db.js';
import {
  addDays,
  addMonths,
  type Day,
  firstDayOfMonth,
  lastDayOfMonth,
  type Month,
  monthOf,
  todayUtc,
} from '../kernel/calendar.js';
import { selectBuilds } from '../supply/store-production.js';
import { requireCentre } from './centres.js';
import type { Centre, Step } from './model.js';
import { DEFAULT_FAILURE_MONTHS, type FailureRatesQueryInput } from './schemas.js';
import {
  type CentreFigures,
  type Clock,
  type FiguresTally,
  figuresOf,
  newTally,
  type TimelineEntry,
  tallyFinished,
  tallyTicket,
  workingClock,
} from './sla.js';
import * as store from './store.js';

export interface CentreReport extends CentreFigures {
  centreId: string;
  name: string;
  technicians: number;
}

/** Tickets measured between two looks at the event loop: a few milliseconds of work. */
const TALLY_CHUNK = 1000;

/** Adds a centre's tickets, a line each (`slaByCentre`'s), to the tally, yielding between chunks. */
async function tallyLines(clock: Clock, tally: FiguresTally, lines: readonly string[], now: number) {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const space = line.indexOf(' ');
    const timeline = store.parseTimeline(line.slice(space + 1)) as TimelineEntry[];
    tallyTicket(clock, tally, { step: line.slice(0, space) as Step, timeline }, now);
    // A centre's whole history is thousands of tickets: let other requests in between chunks.
    if ((i + 1) % TALLY_CHUNK === 0) await setImmediate();
  }
}

/**
 * Each centre's report: its finished tickets by their stored figures, the others (the open ones,
 * and any finished before the figures were stored) measured from their timelines up to `now`.
 */
async function reportsOf(
  centres: readonly Centre[],
  rows: Map<string, store.CentreSlaRows>,
  now: number,
): Promise<CentreReport[]> {
  const out: CentreReport[] = [];
  for (const c of centres) {
    const tally = newTally();
    const r = rows.get(c.id);
    if (r) {
      tallyFinished(tally, r);
      await tallyLines(workingClock(c.calendar), tally, r.lines, now);
    }
    out.push({
      centreId: c.id,
      name: c.name,
      technicians: c.technicians,
      ...figuresOf(tally, c.technicians),
    });
  }
  return out;
}

/** One centre's figures, or every centre's. */
export async function slaReport(ctx: AppContext, centreId?: string): Promise<CentreReport[]> {
  const now = ctx.clock.now().getTime();
  const { centres, rows } = await centresAndRows(ctx.db, centreId);
  return reportsOf(centres, rows, now);
}

/**
 * The centres (one, or every one) and their SLA rows, in one repeatable-read snapshot: read apart, a
 * calendar change committed between the two reads mixed the finished tickets' figures, stored by the
 * new calendar, with the open ones measured by the old. Inside a transaction already open, in it.
 */
async function centresAndRows(db: Db, centreId?: string, shippedIn?: { from: Day; to: Day }) {
  const read = async (tx: Db) => {
    const centres = centreId ? [await requireCentre(tx, centreId, 'id')] : await store.selectCentres(tx);
    return { centres, rows: await store.slaByCentre(tx, centreId, shippedIn) };
  };
  return inSnapshot(db, read);
}

/**
 * Each centre's figures over the RMAs it shipped back on these days (a quarter's report): their
 * turnaround and the share of their stages that met the SLA. Finished tickets only, so the clock
 * does not enter and a past quarter's figures stand; one read of the span's tickets for every centre.
 */
export async function shippedFigures(ctx: AppContext, span: { from: Day; to: Day }): Promise<CentreReport[]> {
  const { centres, rows } = await centresAndRows(ctx.db, undefined, span);
  return reportsOf(centres, rows, Date.parse(`${addDays(span.to, 1)}T00:00:00Z`));
}

export interface FailureRate {
  productId: string;
  batch: string;
  foundryLot: string | null;
  ticketClass: string;
  month: Month;
  tickets: number;
  /** Machines of the batch and lot built, the base the rate is taken over. */
  machines: number;
  /** Tickets per 100 machines of that batch and lot. */
  ratePct: number;
}

/** The months a failure-rates answer covers and its rows. */
export interface FailureRatesAnswer {
  from: Month;
  to: Month;
  rates: FailureRate[];
}

/**
 * The failure rates of a month range (the route's and the CLI's): a range the query leaves open is
 * 12 months from the end it names, or up to the latest month with a hardware ticket.
 */
export async function failureRatesOver(
  ctx: AppContext,
  query: FailureRatesQueryInput,
): Promise<FailureRatesAnswer> {
  const span = DEFAULT_FAILURE_MONTHS - 1;
  const latest = async () =>
    (await store.latestRmaMonth(ctx.db, query.productId)) ?? monthOf(todayUtc(ctx.clock.now()));
  const to = query.to ?? (query.from ? addMonths(query.from, span) : await latest());
  const from = query.from ?? addMonths(to, -span);
  const opened = { from: firstDayOfMonth(from), to: lastDayOfMonth(to) };
  return { from, to, rates: await failureRates(ctx, { productId: query.productId, opened }) };
}

/** Months of tickets one count reads: a few tens of milliseconds the embedded database holds the event loop. */
const COUNT_CHUNK_MONTHS = 3;

/**
 * The counts of a range of days, read a few months at a time with the event loop let in between;
 * each ticket is read once (an index finds a chunk's), and as the counts are per month opened and
 * the chunks end at month ends, the chunks' rows are the whole range's.
 */
async function countsOver(db: Db, productId?: string, opened?: { from: Day; to: Day }) {
  if (!opened) return store.failureCounts(db, productId);
  const out: Awaited<ReturnType<typeof store.failureCounts>> = [];
  for (let from = opened.from; from <= opened.to; ) {
    const monthEnd = lastDayOfMonth(addMonths(monthOf(from), COUNT_CHUNK_MONTHS - 1));
    // biome-ignore lint/complexity/useMathMinMax: days are ISO text, compared as text
    const to = monthEnd < opened.to ? monthEnd : opened.to;
    out.push(...(await store.failureCounts(db, productId, { from, to })));
    from = addDays(to, 1);
    if (from <= opened.to) await setImmediate();
  }
  return out;
}

/**
 * Hardware tickets (site-operations ones are not the machine's fault) per model, batch, foundry
 * lot, class and month opened, over the machines of that batch and lot built: of the tickets opened
 * within `opened`, or of every ticket ever opened.
 */
export async function failureRates(
  ctx: AppContext,
  filter: { productId?: string; opened?: { from: Day; to: Day } } = {},
): Promise<FailureRate[]> {
  const [lots, builds, counts] = await Promise.all([
    store.selectLots(ctx.db, { productId: filter.productId }),
    selectBuilds(ctx.db, filter.productId ? { productIds: [filter.productId] } : {}),
    countsOver(ctx.db, filter.productId, filter.opened),
  ]);
  // Machines per (model, batch, lot): labelled ranges, and the rest of each build under its month.
  const machines = new Map<string, number>();
  const key = (g: { productId: string; batch: string; foundryLot: string | null }) =>
    `${g.productId}|${g.batch}|${g.foundryLot ?? ''}`;
  const add = (k: string, n: number) => machines.set(k, (machines.get(k) ?? 0) + n);
  for (const b of builds) {
    let rest = b.units;
    for (const l of lots) {
      if (l.productId !== b.productId || l.month !== b.month) continue;
      rest -= l.last - l.first + 1;
      add(key(l), l.last - l.first + 1);
    }
    if (rest > 0) add(key({ productId: b.productId, batch: b.month, foundryLot: null }), rest);
  }
  return counts
    .map((c) => {
      const group = { productId: c.product_id, batch: c.batch, foundryLot: c.foundry_lot };
      const base = machines.get(key(group)) ?? 0;
      return {
        ...group,
        ticketClass: c.class,
        month: c.month,
        tickets: c.tickets,
        machines: base,
        ratePct: base === 0 ? 0 : (100 * c.tickets) / base,
      };
    })
    .sort(
      (a, b) =>
        a.productId.localeCompare(b.productId) ||
        a.batch.localeCompare(b.batch) ||
        a.month.localeCompare(b.month) ||
        a.ticketClass.localeCompare(b.ticketClass) ||
        (a.foundryLot ?? '').localeCompare(b.foundryLot ?? ''),
    );
}
