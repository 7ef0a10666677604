/**
 * Quarter and year figures of the order book, built from what each event changed.
 *
 * Every event moves a contract from one state to the next. Its *movement* is the difference of
 * the two states' snapshots — bookings, deliveries, cancellations, payments, liability,
 * receivable, the open schedule — filed under the quarter of the event's day. Movements add up:
 * the flows of a quarter are the movements filed under it, and a stock at a quarter's end
 * (liabilities, backlog, what is still scheduled) is the sum of every movement up to it. Because
 * a contract's events are in date order, that sum is exactly the contracts as they stood that day.
 * The store keeps these sums per quarter (rollups), so a quarter's figures read a few hundred rows
 * whatever the size of the book.
 */
import {
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterOf,
  quartersOfYear,
} from '../kernel/calendar.js';
import { type Cents, numberToExactDecimal, roundHalfEven } from '../kernel/money.js';
import {
  CONTRACT_KINDS,
  type ContractKind,
  lineAmount,
  lineParts,
  lineTh,
  lineValue,
  type ProductKind,
  spotAmount,
} from './model.js';
import {
  type ContractFigures,
  type ContractState,
  consumptionOrder,
  contractFigures,
} from './model-events.js';

export interface LineMeasures {
  bookedUnits: number;
  bookedTh: number;
  bookedCents: Cents;
  deliveredUnits: number;
  deliveredTh: number;
  revenueCents: Cents;
  cancelledUnits: number;
  cancelledTh: number;
  cancelledCents: Cents;
  /** Futures machine lines whose signing day had a market spot price: the discount's two sides. */
  futuresTh: number;
  futuresLockedCents: Cents;
  futuresSpotCents: Cents;
}

export interface MoneyMeasures {
  contracts: number;
  paidCents: Cents;
  refundedCents: Cents;
  forfeitedCents: Cents;
  liabilityCents: Cents;
  receivableCents: Cents;
}

export interface ScheduleMeasures {
  units: number;
  th: number;
  valueCents: Cents;
}

export type LineRollup = {
  quarter: Quarter;
  contractKind: ContractKind;
  productKind: ProductKind;
  family: string;
} & LineMeasures;
export type MoneyRollup = { quarter: Quarter; contractKind: ContractKind } & MoneyMeasures;
export type ScheduleRollup = {
  quarter: Quarter;
  scheduledQuarter: Quarter;
  productKind: ProductKind;
} & ScheduleMeasures;

/** Sums of movements by quarter; one event's movement has the same shape. */
export interface Rollups {
  lines: LineRollup[];
  money: MoneyRollup[];
  schedule: ScheduleRollup[];
}

const LINE_KEYS = [
  'bookedUnits',
  'bookedTh',
  'bookedCents',
  'deliveredUnits',
  'deliveredTh',
  'revenueCents',
  'cancelledUnits',
  'cancelledTh',
  'cancelledCents',
  'futuresTh',
  'futuresLockedCents',
  'futuresSpotCents',
] as const satisfies readonly (keyof LineMeasures)[];
const MONEY_KEYS = [
  'contracts',
  'paidCents',
  'refundedCents',
  'forfeitedCents',
  'liabilityCents',
  'receivableCents',
] as const satisfies readonly (keyof MoneyMeasures)[];
const SCHEDULE_KEYS = ['units', 'th', 'valueCents'] as const satisfies readonly (keyof ScheduleMeasures)[];

/** The measures of a rollup row seen as plain sums; every key is a count, TH/s or cents. */
type Sums = Record<string, number | bigint>;

const zeroLine = (): LineMeasures => ({
  bookedUnits: 0,
  bookedTh: 0,
  bookedCents: 0n,
  deliveredUnits: 0,
  deliveredTh: 0,
  revenueCents: 0n,
  cancelledUnits: 0,
  cancelledTh: 0,
  cancelledCents: 0n,
  futuresTh: 0,
  futuresLockedCents: 0n,
  futuresSpotCents: 0n,
});
const zeroMoney = (): MoneyMeasures => ({
  contracts: 0,
  paidCents: 0n,
  refundedCents: 0n,
  forfeitedCents: 0n,
  liabilityCents: 0n,
  receivableCents: 0n,
});
const zeroSchedule = (): ScheduleMeasures => ({ units: 0, th: 0, valueCents: 0n });

function addInto<M extends object>(
  into: M,
  from: M,
  keys: readonly (keyof M & string)[],
  sign: 1 | -1 = 1,
): void {
  const a = into as unknown as Sums;
  const b = from as unknown as Sums;
  for (const k of keys) {
    const x = a[k]!;
    const y = b[k]!;
    if (typeof x === 'bigint') a[k] = sign === 1 ? x + (y as bigint) : x - (y as bigint);
    else a[k] = x + sign * (y as number);
  }
}

function isZero<M extends object>(m: M, keys: readonly (keyof M & string)[]): boolean {
  const sums = m as unknown as Sums;
  return keys.every((k) => sums[k] === 0 || sums[k] === 0n);
}

// --- one contract's snapshot ------------------------------------------------------------------

/** A contract's contribution to every measure; an event's movement is the difference of two. */
export interface Snapshot {
  lines: Map<string, { productKind: ProductKind; family: string } & LineMeasures>;
  money: MoneyMeasures;
  schedule: Map<string, { scheduledQuarter: Quarter; productKind: ProductKind } & ScheduleMeasures>;
}

/** `figures` are the state's, when the caller has them already. */
export function snapshot(s: ContractState, figures: ContractFigures = contractFigures(s)): Snapshot {
  const { contract } = s;
  const lines: Snapshot['lines'] = new Map();
  const schedule: Snapshot['schedule'] = new Map();
  for (const l of s.lines) {
    const { line } = l;
    const key = `${line.productKind}/${line.family}`;
    let m = lines.get(key);
    if (!m) {
      m = { productKind: line.productKind, family: line.family, ...zeroLine() };
      lines.set(key, m);
    }
    const value = lineValue(line);
    const parts = lineParts(line, l.delivered, l.cancelled);
    const earned = parts.earned;
    m.bookedUnits += line.units;
    m.bookedTh += lineTh(line, line.units);
    m.bookedCents += value;
    m.deliveredUnits += l.delivered;
    m.deliveredTh += lineTh(line, l.delivered);
    m.revenueCents += earned;
    m.cancelledUnits += l.cancelled;
    m.cancelledTh += lineTh(line, l.cancelled);
    m.cancelledCents += parts.cancelled;
    if (contract.kind === 'futures' && line.price.per === 'th' && contract.spotCentsPerTh !== null) {
      m.futuresTh += lineTh(line, line.units);
      m.futuresLockedCents += value;
      m.futuresSpotCents += spotAmount(line, line.units, contract.spotCentsPerTh);
    }
    // Open units take the line's unit positions after the delivered ones, in the order deliveries
    // will consume them, so the tranches' values add up to the line's backlog to the cent.
    let position = l.delivered;
    for (const t of consumptionOrder(l.tranches)) {
      const open = t.units - t.delivered - t.cancelled;
      if (open === 0) continue;
      const scheduledQuarter = quarterOf(t.month);
      const skey = `${scheduledQuarter}/${line.productKind}`;
      let sm = schedule.get(skey);
      if (!sm) {
        sm = { scheduledQuarter, productKind: line.productKind, ...zeroSchedule() };
        schedule.set(skey, sm);
      }
      sm.units += open;
      sm.th += lineTh(line, open);
      sm.valueCents += lineAmount(line, position + open) - lineAmount(line, position);
      position += open;
    }
  }
  return {
    lines,
    money: {
      contracts: 1,
      paidCents: s.paid,
      refundedCents: s.refunded,
      forfeitedCents: s.forfeited,
      liabilityCents: figures.liabilityCents,
      receivableCents: figures.receivableCents,
    },
    schedule,
  };
}

const emptySnapshot = (): Snapshot => ({ lines: new Map(), money: zeroMoney(), schedule: new Map() });

/**
 * What one event changed, filed under the quarter of `day`: `after` minus `before` (`before` is
 * null for the signing itself). Entries that did not change are left out.
 */
export function movementOf(before: ContractState | null, after: ContractState, day: Day): Rollups {
  return movementBetween(before ? snapshot(before) : null, snapshot(after), after.contract.kind, day);
}

/** The same from snapshots, for callers that keep the last one of each contract. */
export function movementBetween(
  before: Snapshot | null,
  a: Snapshot,
  contractKind: ContractKind,
  day: Day,
): Rollups {
  const quarter = quarterOf(day);
  const b = before ?? emptySnapshot();
  const lines: LineRollup[] = [];
  for (const key of new Set([...a.lines.keys(), ...b.lines.keys()])) {
    const x = a.lines.get(key) ?? b.lines.get(key)!;
    const delta = zeroLine();
    if (a.lines.has(key)) addInto(delta, a.lines.get(key)!, LINE_KEYS);
    if (b.lines.has(key)) addInto(delta, b.lines.get(key)!, LINE_KEYS, -1);
    if (!isZero(delta, LINE_KEYS))
      lines.push({ quarter, contractKind, productKind: x.productKind, family: x.family, ...delta });
  }
  const money = zeroMoney();
  addInto(money, a.money, MONEY_KEYS);
  addInto(money, b.money, MONEY_KEYS, -1);
  const schedule: ScheduleRollup[] = [];
  for (const key of new Set([...a.schedule.keys(), ...b.schedule.keys()])) {
    const x = a.schedule.get(key) ?? b.schedule.get(key)!;
    const delta = zeroSchedule();
    if (a.schedule.has(key)) addInto(delta, a.schedule.get(key)!, SCHEDULE_KEYS);
    if (b.schedule.has(key)) addInto(delta, b.schedule.get(key)!, SCHEDULE_KEYS, -1);
    if (!isZero(delta, SCHEDULE_KEYS))
      schedule.push({ quarter, scheduledQuarter: x.scheduledQuarter, productKind: x.productKind, ...delta });
  }
  return {
    lines,
    money: isZero(money, MONEY_KEYS) ? [] : [{ quarter, contractKind, ...money }],
    schedule,
  };
}

/** Adds movements together, one row per quarter and key (what the store's rollup tables hold). */
export function sumRollups(parts: readonly Rollups[]): Rollups {
  const lines = new Map<string, LineRollup>();
  const money = new Map<string, MoneyRollup>();
  const schedule = new Map<string, ScheduleRollup>();
  for (const part of parts) {
    for (const r of part.lines) {
      const key = `${r.quarter}/${r.contractKind}/${r.productKind}/${r.family}`;
      const into = lines.get(key);
      if (into) addInto(into, r, LINE_KEYS);
      else lines.set(key, { ...r });
    }
    for (const r of part.money) {
      const key = `${r.quarter}/${r.contractKind}`;
      const into = money.get(key);
      if (into) addInto(into, r, MONEY_KEYS);
      else money.set(key, { ...r });
    }
    for (const r of part.schedule) {
      const key = `${r.quarter}/${r.scheduledQuarter}/${r.productKind}`;
      const into = schedule.get(key);
      if (into) addInto(into, r, SCHEDULE_KEYS);
      else schedule.set(key, { ...r });
    }
  }
  return { lines: [...lines.values()], money: [...money.values()], schedule: [...schedule.values()] };
}

// --- a period's figures -------------------------------------------------------------------------

export interface Amounts {
  units: number;
  th: number;
  valueCents: Cents;
}

export interface PeriodFigures {
  from: Day;
  to: Day;
  bookings: Amounts & {
    contracts: number;
    /** Machines only: booked value ÷ booked TH/s. */
    avgCentsPerTh: Cents | null;
    byKind: Record<ContractKind, Amounts & { contracts: number }>;
    machines: Amounts;
    aiChips: Amounts;
    byFamily: (Amounts & { family: string; productKind: ProductKind })[];
  };
  deliveries: Amounts & {
    /** Machines only: revenue ÷ TH/s delivered. */
    avgCentsPerTh: Cents | null;
    byKind: Record<ContractKind, Amounts>;
    machines: Amounts;
    aiChips: Amounts;
    byFamily: (Amounts & { family: string; productKind: ProductKind })[];
  };
  cancellations: Amounts;
  forfeitedDepositsCents: Cents;
  payments: { receivedCents: Cents; refundedCents: Cents };
  /** Volume-weighted locked ÷ spot USD/TH of the futures machines booked in the period. */
  futuresDiscount: { ratio: number | null; th: number; lockedCents: Cents; spotCents: Cents };
  atEnd: {
    contractLiabilitiesCents: Cents;
    receivablesCents: Cents;
    backlog: Amounts & { byKind: Record<ContractKind, Amounts>; machines: Amounts; aiChips: Amounts };
    /** Undelivered units by the quarter they are scheduled in; quarters up to `to` are late. */
    scheduled: (Amounts & { quarter: Quarter; late: boolean })[];
  };
}

const zeroAmounts = (): Amounts => ({ units: 0, th: 0, valueCents: 0n });
const byKindOf = <T>(make: () => T): Record<ContractKind, T> =>
  Object.fromEntries(CONTRACT_KINDS.map((k) => [k, make()])) as Record<ContractKind, T>;

function add(into: Amounts, units: number, th: number, valueCents: Cents): void {
  into.units += units;
  into.th += th;
  into.valueCents += valueCents;
}

/** Cents per TH/s rounded half-even; TH/s is read through its shortest decimal form. */
export function centsPerTh(cents: Cents, th: number): Cents | null {
  const exact = numberToExactDecimal(th);
  if (!exact || exact.numerator <= 0n) return null;
  return roundHalfEven(cents * exact.denominator, exact.numerator);
}

/**
 * Figures of the quarters `from` to `to` (both included): flows are the movements filed under
 * those quarters; stocks are every movement up to the end of `to`.
 */
export function periodFigures(r: Rollups, from: Quarter, to: Quarter): PeriodFigures {
  const inPeriod = (q: Quarter) => q >= from && q <= to;
  const bookings = { ...zeroAmounts(), contracts: 0, machines: zeroAmounts(), aiChips: zeroAmounts() };
  const bookedByKind = byKindOf(() => ({ ...zeroAmounts(), contracts: 0 }));
  const deliveries = { ...zeroAmounts(), machines: zeroAmounts(), aiChips: zeroAmounts() };
  const deliveredByKind = byKindOf(zeroAmounts);
  const bookedByFamily = new Map<string, Amounts & { family: string; productKind: ProductKind }>();
  const deliveredByFamily = new Map<string, Amounts & { family: string; productKind: ProductKind }>();
  const cancellations = zeroAmounts();
  const futures = { th: 0, lockedCents: 0n, spotCents: 0n };
  const backlog = { ...zeroAmounts(), machines: zeroAmounts(), aiChips: zeroAmounts() };
  const backlogByKind = byKindOf(zeroAmounts);

  for (const row of r.lines) {
    if (row.quarter > to) continue;
    const kindSide = row.productKind === 'machine' ? 'machines' : 'aiChips';
    const openUnits = row.bookedUnits - row.deliveredUnits - row.cancelledUnits;
    const openTh = row.bookedTh - row.deliveredTh - row.cancelledTh;
    const openCents = row.bookedCents - row.revenueCents - row.cancelledCents;
    add(backlog, openUnits, openTh, openCents);
    add(backlog[kindSide], openUnits, openTh, openCents);
    add(backlogByKind[row.contractKind], openUnits, openTh, openCents);
    if (!inPeriod(row.quarter)) continue;

    add(bookings, row.bookedUnits, row.bookedTh, row.bookedCents);
    add(bookings[kindSide], row.bookedUnits, row.bookedTh, row.bookedCents);
    add(bookedByKind[row.contractKind], row.bookedUnits, row.bookedTh, row.bookedCents);
    add(deliveries, row.deliveredUnits, row.deliveredTh, row.revenueCents);
    add(deliveries[kindSide], row.deliveredUnits, row.deliveredTh, row.revenueCents);
    add(deliveredByKind[row.contractKind], row.deliveredUnits, row.deliveredTh, row.revenueCents);
    add(cancellations, row.cancelledUnits, row.cancelledTh, row.cancelledCents);
    const familyKey = `${row.productKind}/${row.family}`;
    for (const [map, units, th, cents] of [
      [bookedByFamily, row.bookedUnits, row.bookedTh, row.bookedCents],
      [deliveredByFamily, row.deliveredUnits, row.deliveredTh, row.revenueCents],
    ] as const) {
      if (units === 0 && cents === 0n) continue;
      let f = map.get(familyKey);
      if (!f) {
        f = { family: row.family, productKind: row.productKind, ...zeroAmounts() };
        map.set(familyKey, f);
      }
      add(f, units, th, cents);
    }
    futures.th += row.futuresTh;
    futures.lockedCents += row.futuresLockedCents;
    futures.spotCents += row.futuresSpotCents;
  }

  let forfeited = 0n;
  let received = 0n;
  let refunded = 0n;
  let liabilities = 0n;
  let receivables = 0n;
  for (const row of r.money) {
    if (row.quarter > to) continue;
    liabilities += row.liabilityCents;
    receivables += row.receivableCents;
    if (!inPeriod(row.quarter)) continue;
    forfeited += row.forfeitedCents;
    received += row.paidCents;
    refunded += row.refundedCents;
    bookings.contracts += row.contracts;
    bookedByKind[row.contractKind].contracts += row.contracts;
  }

  const scheduled = new Map<Quarter, Amounts>();
  for (const row of r.schedule) {
    if (row.quarter > to) continue;
    let s = scheduled.get(row.scheduledQuarter);
    if (!s) {
      s = zeroAmounts();
      scheduled.set(row.scheduledQuarter, s);
    }
    add(s, row.units, row.th, row.valueCents);
  }

  const byFamily = (m: Map<string, Amounts & { family: string; productKind: ProductKind }>) =>
    [...m.values()].sort((a, b) =>
      a.productKind !== b.productKind
        ? a.productKind < b.productKind
          ? -1
          : 1
        : a.family < b.family
          ? -1
          : 1,
    );
  return {
    from: firstDayOfQuarter(from),
    to: lastDayOfQuarter(to),
    bookings: {
      ...bookings,
      avgCentsPerTh: centsPerTh(bookings.machines.valueCents, bookings.machines.th),
      byKind: bookedByKind,
      byFamily: byFamily(bookedByFamily),
    },
    deliveries: {
      ...deliveries,
      avgCentsPerTh: centsPerTh(deliveries.machines.valueCents, deliveries.machines.th),
      byKind: deliveredByKind,
      byFamily: byFamily(deliveredByFamily),
    },
    cancellations,
    forfeitedDepositsCents: forfeited,
    payments: { receivedCents: received, refundedCents: refunded },
    futuresDiscount: {
      ratio: futures.spotCents > 0n ? Number(futures.lockedCents) / Number(futures.spotCents) : null,
      ...futures,
    },
    atEnd: {
      contractLiabilitiesCents: liabilities,
      receivablesCents: receivables,
      backlog: { ...backlog, byKind: backlogByKind },
      scheduled: [...scheduled.entries()]
        .filter(([, a]) => a.units !== 0)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([quarter, a]) => ({ quarter, late: quarter <= to, ...a })),
    },
  };
}

export const quarterFigures = (r: Rollups, quarter: Quarter): PeriodFigures =>
  periodFigures(r, quarter, quarter);

export interface YearFigures extends PeriodFigures {
  year: number;
  quarters: Quarter[];
  /** AI-chip revenue this year ÷ the year before; null when the year before had none. */
  aiChipRevenue: { thisYearCents: Cents; lastYearCents: Cents; multiple: number | null };
}

export function yearFigures(r: Rollups, year: number): YearFigures {
  const quarters = quartersOfYear(year);
  const figures = periodFigures(r, quarters[0]!, quarters[3]!);
  const lastYear = quartersOfYear(year - 1);
  const lastYearCents = periodFigures(r, lastYear[0]!, lastYear[3]!).deliveries.aiChips.valueCents;
  const thisYearCents = figures.deliveries.aiChips.valueCents;
  return {
    ...figures,
    year,
    quarters,
    aiChipRevenue: {
      thisYearCents,
      lastYearCents,
      multiple: lastYearCents > 0n ? Number(thisYearCents) / Number(lastYearCents) : null,
    },
  };
}
