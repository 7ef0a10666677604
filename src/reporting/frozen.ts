/**
 * A closed quarter's report is frozen: when finance closes the quarter (books), what the report
 * said is stored with a hash of its figures; asked again, the report is the stored one, and the
 * same figures recomputed from today's books say whether anything behind it changed since.
 */
import { createHash } from 'node:crypto';
import type { AppContext } from '../app/context.js';
import type { ReportAtClose } from '../books/events.js';
import { closedReport, findPeriod } from '../books/store.js';
import type { Quarter } from '../kernel/calendar.js';
import { fromStoredJsonText, toStoredJsonText, toWireJson } from '../kernel/json.js';
import type { QuarterlyReport } from './model.js';
import { reportReads } from './reads.js';
import { computeQuarterlyReport, OPTIONAL_SECTIONS, type OptionalSection, type Unhashed } from './service.js';

/** Keys in order, so the hash depends on the figures only. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const o = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, canonical(o[k])]),
  );
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * The parts of a report that are about its quarter, each hashed. Left out: the day it was computed
 * (`asOf`), the quarter after (`machines.nextQuarter`, later points of the series), the
 * guidance, whose actuals run on with the books of later periods, the service network, whose
 * turnaround figures run to the day the report is computed, and the outlook, a forecast of the
 * quarter after.
 */
export function reportHashes(r: QuarterlyReport): { hash: string; sectionHashes: Record<string, string> } {
  // The sections listed below are the hashed ones; those in UNHASHED must never be among them.
  const about = {
    period: { quarter: r.quarter, from: r.from, to: r.to },
    machines: { ...r.machines, nextQuarter: null },
    orderBook: r.orderBook,
    books: r.books,
    aiChips: r.aiChips,
    supply: r.supply,
    selfMining: r.selfMining,
    treasury: r.treasury,
    series: r.series.filter((p) => p.quarter <= r.quarter),
  };
  const sectionHashes = Object.fromEntries(
    Object.entries(about).map(([k, v]) => [k, sha256(toWireJson(canonical(v)))]),
  );
  return { hash: sha256(toWireJson(canonical(sectionHashes))), sectionHashes };
}

/** Sections reportHashes leaves out that a comparison need not compute (the others cost little). */
export const UNHASHED: readonly Unhashed[] = ['outlook', 'serviceNetwork'];

/** What closing `quarter` stores: the report as computed now, and its hashes. */
export async function reportAtClose(ctx: AppContext, quarter: Quarter): Promise<ReportAtClose> {
  const report = await computeQuarterlyReport(ctx, quarter);
  return { text: toStoredJsonText(report), ...reportHashes(report) };
}

/**
 * The quarter's report: the frozen one while the quarter is closed, with whether it still holds;
 * once reopened, computed afresh and compared with what was closed, so a back-dated change made
 * while it is open is reported until it closes again (which freezes the new figures).
 * `sections`: the optional sections the caller shows (the rest answer "not computed"); a frozen
 * report is served whole, as it was stored.
 */
export async function quarterlyReport(
  ctx: AppContext,
  quarter: Quarter,
  opts: { sections?: readonly OptionalSection[] } = {},
): Promise<QuarterlyReport> {
  const [frozen, period] = await Promise.all([closedReport(ctx.db, quarter), findPeriod(ctx.db, quarter)]);
  const reopened = period?.closed !== true;
  const notAsked = OPTIONAL_SECTIONS.filter((s) => opts.sections && !opts.sections.includes(s));
  // While the quarter is closed the stored report is served, and today's figures only compared with
  // it: the sections the comparison leaves out are not computed. Reopened, a section the comparison
  // hashes is computed even when not asked for, or it would count as changed.
  const skip = !frozen
    ? notAsked
    : reopened
      ? notAsked.filter((s) => (UNHASHED as readonly OptionalSection[]).includes(s))
      : UNHASHED;
  // Compared with a frozen report, every figure holds only while the snapshot does (reads.ts).
  const live = await computeQuarterlyReport(ctx, quarter, {
    skip,
    ...(frozen ? { reads: await reportReads(ctx, { strict: true }) } : {}),
  });
  if (!frozen) return live;
  const now = reportHashes(live);
  return {
    ...(reopened ? live : fromStoredJsonText<QuarterlyReport>(frozen.text)),
    closed: {
      reopened,
      closedAt: frozen.closedAt,
      closedBy: frozen.closedBy,
      hash: frozen.hash,
      currentHash: now.hash,
      changedSinceClose: now.hash !== frozen.hash,
      changedSections: Object.keys(now.sectionHashes).filter(
        (k) => now.sectionHashes[k] !== frozen.sectionHashes[k],
      ),
    },
  };
}
