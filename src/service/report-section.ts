/**
 * The quarterly report's "Service network" section, computed from the service module alone:
 * centres, tickets and RMA volumes in the quarter, turnaround, warranty cost and failure rates.
 * Kept in its own function so that the report wires it in with one line beside its other sections.
 */
import type { AppContext } from '../app/context.js';
import { inSnapshot } from '../db/db.js';
import { firstDayOfQuarter, lastDayOfQuarter, type Quarter, quarterMonths } from '../kernel/calendar.js';
import type { Section } from '../reporting/model.js';
import { failureRates, shippedFigures } from './reports.js';
import { quarterTickets, selectCentres } from './store.js';

export interface ServiceNetworkSection {
  centres: { id: string; region: string; country: string; technicians: number }[];
  tickets: { opened: number; fromCustomers: number; fromFleet: number; rmasShipped: number };
  /**
   * Over the RMAs each centre shipped back in the quarter: the median and p90 of their days from
   * receipt to shipping, and the share of their stages that met the SLA (null with none shipped).
   */
  turnaround: {
    centreId: string;
    medianDays: number | null;
    p90Days: number | null;
    slaMetPct: number | null;
  }[];
  /** What repairs under warranty cost in the quarter, in cents. */
  warrantyCostCents: bigint;
  /** The quarter's worst failure rates by model, batch and lot. */
  failureRates: {
    productId: string;
    batch: string;
    foundryLot: string | null;
    ticketClass: string;
    ratePct: number;
  }[];
}

/**
 * Its reads in one snapshot: read apart, a ticket shipped back between them was counted by one
 * figure and not another, and a centre set up between them had turnaround figures but no entry.
 */
export function serviceNetworkSection(
  ctx: AppContext,
  quarter: Quarter,
): Promise<Section<ServiceNetworkSection>> {
  return inSnapshot(ctx.db, (db) => sectionAsOf({ ...ctx, db }, quarter));
}

async function sectionAsOf(ctx: AppContext, quarter: Quarter): Promise<Section<ServiceNetworkSection>> {
  const centres = await selectCentres(ctx.db);
  if (centres.length === 0) return { available: false, reason: 'No service centres are recorded.' };
  const from = firstDayOfQuarter(quarter);
  const to = lastDayOfQuarter(quarter);
  const months = quarterMonths(quarter);
  const [q, centreFigures, rates] = await Promise.all([
    quarterTickets(ctx.db, from, to),
    shippedFigures(ctx, { from, to }),
    // Only the quarter's tickets: the section shows the quarter's worst rates, and counting every
    // ticket ever opened was most of the report's time.
    failureRates(ctx, { opened: { from, to } }),
  ]);
  return {
    available: true,
    centres: centres.map((c) => ({
      id: c.id,
      region: c.region,
      country: c.country,
      technicians: c.technicians,
    })),
    tickets: {
      opened: q.opened,
      fromCustomers: q.fromCustomers,
      fromFleet: q.fromFleet,
      rmasShipped: q.shipped,
    },
    turnaround: centreFigures.map((c) => ({
      centreId: c.centreId,
      medianDays: c.turnaroundDays.median,
      p90Days: c.turnaroundDays.p90,
      slaMetPct: c.slaMetPct,
    })),
    warrantyCostCents: q.warrantyCostCents,
    failureRates: rates
      .filter((r) => months.includes(r.month))
      .sort((a, b) => b.ratePct - a.ratePct)
      .slice(0, 10)
      .map(({ productId, batch, foundryLot, ticketClass, ratePct }) => ({
        productId,
        batch,
        foundryLot,
        ticketClass,
        ratePct,
      })),
  };
}
