/**
 * Why a tranche will be late, in words a planner can act on: what its model had that month (built,
 * from stock, limited by chips or assembly, which lots at which yield) against what was due, what
 * went ahead of it, and when it fills.
 */
import { type Month, monthsBetween } from '../kernel/calendar.js';
import type { ProductMonthAllocation, TrancheOutcome } from './allocation.js';
import { formatCount as fmt } from './format.js';
import type { DesignMonth, DesignSpec, ModelMonth } from './output.js';
import type { LateTranche, PlanInput } from './plan.js';
import { basisPointsToPercent } from './yield.js';

/** Why the output of a month was what it was, in one clause. */
function outputReason(
  mm: ModelMonth | undefined,
  dm: DesignMonth | undefined,
  design: DesignSpec | undefined,
): string {
  if (!mm || !dm || !design) return 'no ASIC design makes this model, so none are built';
  if (mm.source === 'actual') return `${fmt(mm.built)} built, as recorded`;
  if (mm.limitedBy === 'assembly') {
    return `${fmt(mm.built)} built, limited by assembly capacity (chips allowed ${fmt(mm.buildableByChips)})`;
  }
  const lots =
    dm.lots.length === 0
      ? `no wafers of ${design.name} come out that month`
      : `${fmt(dm.wafersOut)} wafers of ${design.name} come out (${dm.lots
          .map(
            (l) =>
              `${l.foundryName} ${fmt(l.wafers)} at ${basisPointsToPercent(l.yieldBp)}% yield` +
              (l.source === 'expected' && l.partnershipAge < 12
                ? `, month ${l.partnershipAge + 1} of its ramp`
                : ''),
          )
          .join('; ')})`;
  const carried = dm.chipsCarriedIn > 0 ? ` with ${fmt(dm.chipsCarriedIn)} carried in` : '';
  const share =
    mm.chips < dm.chipsCarriedIn + dm.goodDies ? ` of which this model's share is ${fmt(mm.chips)}` : '';
  return (
    `${fmt(mm.built)} built, limited by chips: ${lots}, giving ${fmt(dm.chipsCarriedIn + dm.goodDies)} chips${carried}${share}, ` +
    `at ${mm.chipsPerMachine} chips a machine`
  );
}

export function explainLate(
  t: TrancheOutcome,
  input: PlanInput,
  situation: (productId: string, month: Month) => string,
): LateTranche {
  const judged = t.overdueAtStart ? input.from : t.dueMonth;
  const parts: string[] = [
    t.overdueAtStart
      ? `Due ${t.dueMonth}, already overdue when the plan starts: ${fmt(t.unitsShortAtDue)} of ${fmt(t.unitsOpen)} units open.`
      : `Due ${t.dueMonth}: ${fmt(t.unitsShortAtDue)} of ${fmt(t.unitsOpen)} units short.`,
    `${situation(t.productId, judged)}; ${fmt(t.unitsAheadInQueue)} went to tranches ahead of it ` +
      '(due earlier, or the same month on an earlier contract).',
  ];
  const monthsLate = t.filledMonth === null ? null : monthsBetween(t.dueMonth, t.filledMonth);
  parts.push(
    t.filledMonth === null
      ? `Still ${fmt(t.unitsOpenAtEnd)} units open at the end of the plan (${input.to}).`
      : `Filled in ${t.filledMonth}, ${monthsLate} month${monthsLate === 1 ? '' : 's'} late.`,
  );
  if (!t.paidForShipment) parts.push('Not yet paid as its terms require for shipment.');
  // Listed rather than spread: a plan can have tens of thousands of these, and spreading is slow.
  return {
    contractId: t.contractId,
    lineId: t.lineId,
    tranche: t.tranche,
    productId: t.productId,
    customer: t.customer,
    kind: t.kind,
    paidForShipment: t.paidForShipment,
    dueMonth: t.dueMonth,
    unitsOpen: t.unitsOpen,
    allocatedByDue: t.allocatedByDue,
    unitsShortAtDue: t.unitsShortAtDue,
    overdueAtStart: t.overdueAtStart,
    unitsAheadInQueue: t.unitsAheadInQueue,
    filledMonth: t.filledMonth,
    unitsOpenAtEnd: t.unitsOpenAtEnd,
    monthsLate,
    why: parts.join(' '),
  };
}

/** What a model had in a month and why: the same for every tranche that fell short then. */
export function situationOf(
  outputByMonth: ReadonlyMap<Month, { designs: DesignMonth[]; models: ModelMonth[] }>,
  allocationIndex: ReadonlyMap<string, ProductMonthAllocation>,
  designs: ReadonlyMap<string, DesignSpec>,
): (productId: string, month: Month) => string {
  const cache = new Map<string, string>();
  return (productId, month) => {
    const key = `${productId}|${month}`;
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const om = outputByMonth.get(month);
    const mm = om?.models.find((m) => m.productId === productId);
    const dm = mm ? om?.designs.find((d) => d.designId === mm.designId) : undefined;
    const pm = allocationIndex.get(key);
    const available = (pm?.stockStart ?? 0) + (pm?.built ?? 0);
    const text =
      `In ${month}, ${fmt(available)} ${productId} were available ` +
      `(${outputReason(mm, dm, mm ? designs.get(mm.designId) : undefined)}` +
      `${pm && pm.stockStart > 0 ? `; ${fmt(pm.stockStart)} from stock` : ''}) ` +
      `against ${fmt(pm?.unitsDue ?? 0)} units due`;
    cache.set(key, text);
    return text;
  };
}
