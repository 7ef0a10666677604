/**
 * The service network's figures, computed on read from the tickets' steps: each centre's SLA,
 * turnaround, backlog and technician load; failure rates by model, batch, foundry lot and class.
 */
import type { AppContext } from '../app/context.js';
import type { Month } from '../kernel/calendar.js';
import { selectBuilds } from '../supply/store-production.js';
import { requireCentre } from './centres.js';
import { parseSerial, type Step } from './model.js';
import { type CentreFigures, centreFigures, type TicketTimeline, type TimelineEntry } from './sla.js';
import * as store from './store.js';

export interface CentreReport extends CentreFigures {
  centreId: string;
  name: string;
  technicians: number;
}

async function reportOf(ctx: AppContext, centreId: string, now: number): Promise<CentreReport> {
  const c = await requireCentre(ctx.db, centreId, 'id');
  const rows = await store.timelinesOfCentre(ctx.db, centreId);
  const tickets: TicketTimeline[] = rows.map((r) => ({
    step: r.step as Step,
    timeline: r.steps.map((step, i) => ({ step, at: Number(r.ats[i]) }) as TimelineEntry),
  }));
  return {
    centreId: c.id,
    name: c.name,
    technicians: c.technicians,
    ...centreFigures(c.calendar, c.technicians, tickets, now),
  };
}

/** One centre's figures, or every centre's. */
export async function slaReport(ctx: AppContext, centreId?: string): Promise<CentreReport[]> {
  const now = ctx.clock.now().getTime();
  const ids = centreId ? [centreId] : (await store.selectCentres(ctx.db)).map((c) => c.id);
  const out: CentreReport[] = [];
  for (const id of ids) out.push(await reportOf(ctx, id, now));
  return out;
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

/**
 * Hardware tickets (site-operations ones are not the machine's fault) per model, batch, foundry
 * lot, class and month opened, over the machines of that batch and lot built.
 */
export async function failureRates(
  ctx: AppContext,
  filter: { productId?: string } = {},
): Promise<FailureRate[]> {
  const [lots, builds, tickets] = await Promise.all([
    store.selectLots(ctx.db, filter.productId),
    selectBuilds(ctx.db, filter.productId ? { productIds: [filter.productId] } : {}),
    store.ticketsForRates(ctx.db, filter.productId),
  ]);
  const groupOf = (serial: string) => {
    const p = parseSerial(serial);
    if (!p) return undefined;
    const lot = lots.find(
      (l) => l.productId === p.productId && l.month === p.month && p.seq >= l.first && p.seq <= l.last,
    );
    return { productId: p.productId, batch: lot?.batch ?? p.month, foundryLot: lot?.foundryLot ?? null };
  };
  // Machines per (model, batch, lot): labelled ranges, and the rest of each build under its month.
  const machines = new Map<string, number>();
  const key = (g: { productId: string; batch: string; foundryLot: string | null }) =>
    `${g.productId}|${g.batch}|${g.foundryLot ?? ''}`;
  for (const b of builds) {
    const own = lots.filter((l) => l.productId === b.productId && l.month === b.month);
    let rest = b.units;
    for (const l of own) {
      const n = l.last - l.first + 1;
      rest -= n;
      const k = key({ productId: l.productId, batch: l.batch, foundryLot: l.foundryLot });
      machines.set(k, (machines.get(k) ?? 0) + n);
    }
    if (rest > 0) {
      const k = key({ productId: b.productId, batch: b.month, foundryLot: null });
      machines.set(k, (machines.get(k) ?? 0) + rest);
    }
  }
  const counts = new Map<string, FailureRate>();
  for (const t of tickets) {
    const g = groupOf(t.serial);
    if (!g) continue;
    const k = `${key(g)}|${t.ticketClass}|${t.month}`;
    const row = counts.get(k) ?? {
      ...g,
      ticketClass: t.ticketClass,
      month: t.month,
      tickets: 0,
      machines: machines.get(key(g)) ?? 0,
      ratePct: 0,
    };
    row.tickets++;
    row.ratePct = row.machines === 0 ? 0 : (100 * row.tickets) / row.machines;
    counts.set(k, row);
  }
  return [...counts.values()].sort(
    (a, b) =>
      a.productId.localeCompare(b.productId) ||
      a.batch.localeCompare(b.batch) ||
      a.month.localeCompare(b.month) ||
      a.ticketClass.localeCompare(b.ticketClass),
  );
}
