/**
 * What finance reads off the order book at a quarter's end, beyond its totals: the contract
 * liability's roll-forward, the remaining performance obligations by when they fall, deposits
 * taken more than a year ahead of delivery, customer concentration and ageing. Pure: the service
 * (books-section.ts) hands in each contract's money after each of its events.
 */
import {
  addQuarters,
  type Day,
  daysBetween,
  type Month,
  monthOf,
  monthsBetween,
  type Quarter,
} from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import type { MoneyStep } from '../sales/model-events.js';

export interface RollForward {
  openingCents: Cents;
  /** Cash received that went into liabilities (the rest settled receivables). */
  cashReceivedCents: Cents;
  revenueFromOpeningCents: Cents;
  revenueFromQuarterCashCents: Cents;
  refundsCents: Cents;
  forfeitedCents: Cents;
  closingCents: Cents;
  /** What the lines above leave out: cash that settled receivables, revenue billed rather than prepaid. */
  cashToReceivablesCents: Cents;
  revenueBilledCents: Cents;
}

const liability = (balance: Cents): Cents => (balance > 0n ? balance : 0n);
const balanceOf = (s: MoneyStep): Cents => s.paidCents - s.refundedCents - s.forfeitedCents - s.earnedCents;

/**
 * The contract liability from the day before `from` to `to`, line by line. Each event moves a
 * contract's balance (paid − refunded − forfeited − earned; above zero a liability, below a
 * receivable) one part at a time — cash in, then refunds, forfeits and revenue out — and each line
 * is the sum of what its part moved the liability, so the lines add up to the closing balance
 * exactly. Revenue is taken out of the opening balance first (first in, first out), as are refunds
 * and forfeits, so what revenue consumes after that came from the quarter's cash.
 */
export function liabilityRollForward(
  contracts: readonly (readonly MoneyStep[])[],
  from: Day,
  to: Day,
): RollForward {
  const r: RollForward = {
    openingCents: 0n,
    cashReceivedCents: 0n,
    revenueFromOpeningCents: 0n,
    revenueFromQuarterCashCents: 0n,
    refundsCents: 0n,
    forfeitedCents: 0n,
    closingCents: 0n,
    cashToReceivablesCents: 0n,
    revenueBilledCents: 0n,
  };
  for (const steps of contracts) {
    const zero = { day: from, paidCents: 0n, refundedCents: 0n, forfeitedCents: 0n, earnedCents: 0n };
    let last: MoneyStep = zero;
    for (const s of steps) if (s.day < from) last = s;
    let balance = balanceOf(last);
    let fromOpening = liability(balance);
    r.openingCents += fromOpening;
    /** Moves the balance by `delta`; returns what that did to the liability. */
    const move = (delta: Cents): Cents => {
      const before = liability(balance);
      balance += delta;
      const moved = liability(balance) - before;
      // biome-ignore lint/complexity/useMathMinMax: cents are bigints, which Math.min does not take
      if (moved < 0n) fromOpening -= -moved < fromOpening ? -moved : fromOpening;
      return moved;
    };
    for (const s of steps) {
      if (s.day < from || s.day > to) continue;
      const cash = s.paidCents - last.paidCents;
      const movedIn = move(cash);
      r.cashReceivedCents += movedIn;
      r.cashToReceivablesCents += cash - movedIn;
      r.refundsCents -= move(-(s.refundedCents - last.refundedCents));
      r.forfeitedCents -= move(-(s.forfeitedCents - last.forfeitedCents));
      const openingLeft = fromOpening;
      const revenue = s.earnedCents - last.earnedCents;
      const out = -move(-revenue);
      const outOfOpening = openingLeft - fromOpening;
      r.revenueFromOpeningCents += outOfOpening;
      r.revenueFromQuarterCashCents += out - outOfOpening;
      r.revenueBilledCents += revenue - out;
      last = s;
    }
    r.closingCents += liability(balance);
  }
  return r;
}

export interface ScheduledAmounts {
  units: number;
  th: number;
  valueCents: Cents;
}
export type ScheduledValue = ScheduledAmounts & { quarter: Quarter };

/**
 * Remaining performance obligations at the end of `quarter` by when they are scheduled: within the
 * next twelve months (the next four quarters, late tranches included) or later.
 */
export function obligationsByBand(scheduled: readonly ScheduledValue[], quarter: Quarter) {
  const limit = addQuarters(quarter, 4);
  const band = () => ({ units: 0, th: 0, valueCents: 0n });
  const within = band();
  const later = band();
  for (const s of scheduled) {
    const into = s.quarter <= limit ? within : later;
    into.units += s.units;
    into.th += s.th;
    into.valueCents += s.valueCents;
  }
  return { withinTwelveMonths: { ...within, throughQuarter: limit }, later };
}

export interface OpenContractFacts {
  contractId: number;
  customer: string;
  valueCents: Cents;
  backlogCents: Cents;
  liabilityCents: Cents;
  /** The first day money was received on it; null when nothing was. */
  firstPaidOn: Day | null;
  /** The month of its latest tranche still to deliver; null when none is. */
  lastOpenMonth: Month | null;
}

/**
 * Open contracts whose first payment came more than twelve months before the month of their last
 * delivery: the prepayments a financing component may sit in.
 */
export function depositsAheadOfDelivery(contracts: readonly OpenContractFacts[]) {
  const of = contracts.filter(
    (c) =>
      c.firstPaidOn !== null &&
      c.lastOpenMonth !== null &&
      monthsBetween(monthOf(c.firstPaidOn), c.lastOpenMonth) > 12,
  );
  return {
    contracts: of.length,
    valueCents: of.reduce((s, c) => s + c.valueCents, 0n),
    backlogCents: of.reduce((s, c) => s + c.backlogCents, 0n),
    liabilityCents: of.reduce((s, c) => s + c.liabilityCents, 0n),
    contractIds: of.map((c) => c.contractId),
  };
}

/** Customers whose share of `total` is 10% or more, largest first. */
export function customersAtOrAbove<C extends { customerId: number; customer: string; valueCents: Cents }>(
  rows: readonly C[],
  totalCents: Cents,
  percent = 10,
) {
  const by = new Map<number, { customerId: number; customer: string; valueCents: Cents }>();
  for (const r of rows) {
    const c = by.get(r.customerId) ?? { customerId: r.customerId, customer: r.customer, valueCents: 0n };
    c.valueCents += r.valueCents;
    by.set(r.customerId, c);
  }
  if (totalCents <= 0n) return [];
  return [...by.values()]
    .filter((c) => c.valueCents * 100n >= totalCents * BigInt(percent))
    .sort((a, b) =>
      a.valueCents === b.valueCents ? a.customerId - b.customerId : a.valueCents > b.valueCents ? -1 : 1,
    )
    .map((c) => ({ ...c, sharePct: Number((c.valueCents * 10_000n) / totalCents) / 100 }));
}

export const RECEIVABLE_BANDS = ['not due', '1-30 days', '31-60 days', '61-90 days', 'over 90 days'] as const;
export const BACKLOG_BANDS = ['0-90 days', '91-180 days', '181-365 days', 'over a year'] as const;

const receivableBand = (daysPastDue: number) =>
  daysPastDue <= 0 ? 0 : daysPastDue <= 30 ? 1 : daysPastDue <= 60 ? 2 : daysPastDue <= 90 ? 3 : 4;
const backlogBand = (age: number) => (age <= 90 ? 0 : age <= 180 ? 1 : age <= 365 ? 2 : 3);

export interface ReceivableFacts {
  receivableCents: Cents;
  /** Each delivery's day and the revenue recognised on the contract once it was made. */
  deliveries: readonly { day: Day; earnedAfter: Cents }[];
  creditDays: number;
}

/**
 * Receivables at `day` by days past due. Payments settle the oldest deliveries first, so what is
 * still owed is the latest deliveries' revenue; each part is due `creditDays` after its delivery.
 */
export function receivablesAgeing(contracts: readonly ReceivableFacts[], day: Day) {
  const bands = RECEIVABLE_BANDS.map((band) => ({ band, valueCents: 0n, contracts: 0 }));
  for (const c of contracts) {
    let left = c.receivableCents;
    const seen = new Set<number>();
    for (let i = c.deliveries.length - 1; i >= 0 && left > 0n; i--) {
      const d = c.deliveries[i]!;
      const amount = d.earnedAfter - (i > 0 ? c.deliveries[i - 1]!.earnedAfter : 0n);
      const part = i === 0 || amount > left ? left : amount;
      const b = receivableBand(daysBetween(d.day, day) - c.creditDays);
      bands[b]!.valueCents += part;
      if (!seen.has(b)) bands[b]!.contracts += 1;
      seen.add(b);
      left -= part;
    }
  }
  return bands;
}

/** Backlog at `day` by how long ago its contract was signed. */
export function backlogAgeing(
  contracts: readonly { signedOn: Day; backlogUnits: number; backlogCents: Cents }[],
  day: Day,
) {
  const bands = BACKLOG_BANDS.map((band) => ({ band, units: 0, valueCents: 0n, contracts: 0 }));
  for (const c of contracts) {
    if (c.backlogUnits === 0 && c.backlogCents === 0n) continue;
    const b = bands[backlogBand(daysBetween(c.signedOn, day))]!;
    b.units += c.backlogUnits;
    b.valueCents += c.backlogCents;
    b.contracts += 1;
  }
  return bands;
}

export interface BookedLine {
  contractId: number;
  contractKind: string;
  productKind: string;
  units: number;
  th: number;
  valueCents: Cents;
}

/**
 * Bookings by product kind and contract kind, each in its own row: a contract counts once in each
 * row it has a line in, so a contract of machines and AI chips counts in both kinds.
 */
export function bookingsByKind(lines: readonly BookedLine[]) {
  const rows = new Map<
    string,
    {
      productKind: string;
      contractKind: string;
      units: number;
      th: number;
      valueCents: Cents;
      ids: Set<number>;
    }
  >();
  for (const l of lines) {
    const key = `${l.productKind}/${l.contractKind}`;
    const row = rows.get(key) ?? {
      productKind: l.productKind,
      contractKind: l.contractKind,
      units: 0,
      th: 0,
      valueCents: 0n,
      ids: new Set<number>(),
    };
    row.units += l.units;
    row.th += l.th;
    row.valueCents += l.valueCents;
    row.ids.add(l.contractId);
    rows.set(key, row);
  }
  return [...rows.values()]
    .sort((a, b) => (a.productKind + a.contractKind < b.productKind + b.contractKind ? -1 : 1))
    .map(({ ids, ...r }) => ({ ...r, contracts: ids.size }));
}

// --- the section ----------------------------------------------------------------------------------

type Band<T> = { band: string } & T;
export interface Concentrated {
  customerId: number;
  customer: string;
  valueCents: Cents;
  sharePct: number;
}

export interface BooksSection {
  day: Day;
  rollForward: RollForward & {
    /** The contract liabilities of the balance sheet at `day`; the roll-forward's closing ties to it. */
    balanceSheetCents: Cents;
    ties: boolean;
    forfeitedTo: string;
    source: string[];
  };
  obligations: {
    withinTwelveMonths: ScheduledAmounts & { throughQuarter: Quarter };
    later: ScheduledAmounts;
    source: string;
  };
  depositsAheadOfDelivery: {
    contracts: number;
    valueCents: Cents;
    backlogCents: Cents;
    liabilityCents: Cents;
    contractIds: number[];
    source: string;
  };
  cancellations: {
    units: number;
    th: number;
    valueCents: Cents;
    forfeitedCents: Cents;
    contracts: {
      contractId: number;
      customer: string;
      units: number;
      th: number;
      valueCents: Cents;
      forfeitedCents: Cents;
      source: string;
    }[];
    source: string;
  };
  concentration: {
    revenueCents: Cents;
    backlogCents: Cents;
    revenue: Concentrated[];
    backlog: Concentrated[];
    source: string[];
  };
  receivablesAgeing: { bands: Band<{ valueCents: Cents; contracts: number }>[]; source: string };
  backlogAgeing: { bands: Band<{ units: number; valueCents: Cents; contracts: number }>[]; source: string };
  bookings: {
    rows: {
      productKind: string;
      contractKind: string;
      units: number;
      th: number;
      valueCents: Cents;
      contracts: number;
    }[];
    source: string;
  };
}
