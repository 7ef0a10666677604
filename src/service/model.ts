/**
 * The service network's rules as pure functions: machine serials, warranty from the sale and the
 * repairs since, the RMA flow's order, parts stock and routing a ticket to a centre. No IO.
 */
import { addDays, type Day, type Month } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import type { WorkingCalendar } from './sla.js';

// ---------------------------------------------------------------- serials

/**
 * A machine's serial says what it is and when it was built: `A1246-202101-000123` is the 123rd
 * A1246 built in January 2021. A build (model, month, units) therefore implies its serials; a
 * serial range adds the batch and the foundry lot its chips came from.
 */
export interface SerialParts {
  productId: string;
  month: Month;
  seq: number;
}

const SERIAL = /^([A-Za-z0-9][A-Za-z0-9._-]{0,39})-(\d{4})(\d{2})-(\d{6})$/;
/**
 * The same shape for SQL: PostgreSQL's regular expressions take many times longer over the bounded
 * repeat `{0,39}`, so the model's length is checked apart (1 + 39 characters and the 14 after it).
 */
export const SERIAL_SQL = { pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*-[0-9]{6}-[0-9]{6}$', maxLength: 54 };
export const MAX_SEQ = 999_999;

export function formatSerial({ productId, month, seq }: SerialParts): string {
  return `${productId}-${month.slice(0, 4)}${month.slice(5, 7)}-${String(seq).padStart(6, '0')}`;
}

/** The parts of a serial, or undefined when it is not one of ours. */
export function parseSerial(serial: string): SerialParts | undefined {
  const m = SERIAL.exec(serial);
  if (!m) return undefined;
  const monthNo = Number(m[3]);
  const seq = Number(m[4]);
  if (monthNo < 1 || monthNo > 12 || seq < 1) return undefined;
  return { productId: m[1]!, month: `${m[2]}-${m[3]}`, seq };
}

export function requireSerial(serial: string, field = 'serial'): SerialParts {
  const parts = parseSerial(serial);
  if (!parts)
    throw invalid(
      field,
      `${field} must be a machine serial such as A1246-202101-000123 (model, build year and month, number), got "${serial}".`,
    );
  return parts;
}

/** Serials `first`..`last` of one model's build in one month. */
export interface SerialRange {
  productId: string;
  month: Month;
  first: number;
  last: number;
}

export const rangeSize = (r: SerialRange): number => r.last - r.first + 1;

export const inRange = (r: SerialRange, s: SerialParts): boolean =>
  r.productId === s.productId && r.month === s.month && s.seq >= r.first && s.seq <= r.last;

export const rangesOverlap = (a: SerialRange, b: SerialRange): boolean =>
  a.productId === b.productId && a.month === b.month && a.first <= b.last && b.first <= a.last;

/** A labelled range of a build: its batch and the foundry lot its chips came from. */
export interface SerialLot extends SerialRange {
  batch: string;
  foundryLot: string;
}

/** Serials that went to a customer on a delivery. */
export interface DeliveredRange extends SerialRange {
  customerId: number;
  contractId: number;
  /** When the machines left the factory, and when the customer took them. */
  dispatchedOn: Day;
  deliveredOn: Day;
}

/** A range must lie inside its build and overlap no range already recorded for the same purpose. */
export function checkRange(
  range: SerialRange,
  builtUnits: number,
  existing: readonly SerialRange[],
  what: string,
  field = 'ranges',
): void {
  if (range.first < 1 || range.last < range.first)
    throw invalid(field, `${field}: a range runs from a first number ≥ 1 to a last number ≥ the first.`);
  if (range.last > builtUnits) {
    throw ruleBroken(
      'service.serial-not-built',
      `${formatSerial({ ...range, seq: range.last })} was never built: ${builtUnits} ${range.productId} were built in ${range.month}.`,
      field,
      { productId: range.productId, month: range.month, built: builtUnits },
    );
  }
  const clash = existing.find((e) => rangesOverlap(e, range));
  if (clash) {
    throw ruleBroken(
      'service.serials-overlap',
      `${formatSerial({ ...range, seq: Math.max(range.first, clash.first) })} is already ${what}.`,
      field,
    );
  }
}

/**
 * Splits `units` machines of a model into serial ranges from the builds not yet used, oldest
 * first: what a delivery without named serials took (first built, first shipped).
 */
export function takeFirstBuilt(
  builds: readonly { productId: string; month: Month; units: number }[],
  used: readonly SerialRange[],
  productId: string,
  units: number,
): SerialRange[] {
  const taken: SerialRange[] = [];
  let left = units;
  for (const b of [...builds]
    .filter((x) => x.productId === productId)
    .sort((x, y) => (x.month < y.month ? -1 : 1))) {
    const busy = used
      .filter((u) => u.productId === productId && u.month === b.month)
      .sort((x, y) => x.first - y.first);
    let next = 1;
    for (const u of [...busy, { first: b.units + 1, last: b.units + 1 }]) {
      if (left === 0) break;
      const free = Math.min(u.first - 1, b.units) - next + 1;
      if (free > 0) {
        const n = Math.min(free, left);
        taken.push({ productId, month: b.month, first: next, last: next + n - 1 });
        left -= n;
      }
      next = Math.max(next, u.last + 1);
    }
    if (left === 0) break;
  }
  if (left > 0) {
    throw ruleBroken(
      'service.not-enough-built',
      `${units} ${productId} were delivered but only ${units - left} built machines have no serial recorded on a delivery yet.`,
      'units',
    );
  }
  return taken;
}

// ---------------------------------------------------------------- warranty

export const WARRANTY_STARTS = ['dispatch', 'delivery'] as const;
export type WarrantyStart = (typeof WARRANTY_STARTS)[number];

export interface WarrantyPolicy {
  productId: string;
  /** The batch it applies to; null for every batch of the model without its own policy. */
  batch: string | null;
  termDays: number;
  startsAt: WarrantyStart;
  /** Dead on arrival within this many days of the start: a new unit, not a repair. */
  doaDays: number;
  /** A repaired or replacement machine is warranted at least this long from its shipping back. */
  repairedDays: number;
}

/** When no policy is set for a model: a year from delivery, 30 days DOA, 90 days on a repair. */
export const DEFAULT_POLICY: Omit<WarrantyPolicy, 'productId' | 'batch'> = {
  termDays: 365,
  startsAt: 'delivery',
  doaDays: 30,
  repairedDays: 90,
};

export function policyFor(
  policies: readonly WarrantyPolicy[],
  productId: string,
  batch: string | null,
): WarrantyPolicy {
  return (
    policies.find((p) => p.productId === productId && p.batch !== null && p.batch === batch) ??
    policies.find((p) => p.productId === productId && p.batch === null) ?? {
      productId,
      batch: null,
      ...DEFAULT_POLICY,
    }
  );
}

export interface WarrantyFacts {
  policy: WarrantyPolicy;
  /** The delivery that sold it; absent for a machine never delivered (stock, self-mining). */
  delivery?: { dispatchedOn: Day; deliveredOn: Day };
  /** Days it came back from a repair (or, for a replacement unit, the day it was shipped out). */
  repairsShippedOn: readonly Day[];
}

export interface Warranty {
  inWarranty: boolean;
  /** The last day covered, or null when nothing was sold or repaired. */
  until: Day | null;
  /** What the last day comes from: the sale's term or the warranty on a repair. */
  basis: 'sale' | 'repair' | 'none';
  /** Still within the dead-on-arrival window. */
  deadOnArrival: boolean;
}

/**
 * Warranty on `today`: the sale's term from dispatch or delivery, extended by each repair to at
 * least the repaired-item term from the day it was shipped back (never shortened by one).
 */
export function warrantyOn(facts: WarrantyFacts, today: Day): Warranty {
  const { policy, delivery } = facts;
  let until: Day | null = null;
  let basis: Warranty['basis'] = 'none';
  let doa = false;
  if (delivery) {
    const start = policy.startsAt === 'dispatch' ? delivery.dispatchedOn : delivery.deliveredOn;
    until = addDays(start, policy.termDays - 1);
    basis = 'sale';
    doa = today >= start && today <= addDays(start, policy.doaDays - 1);
  }
  for (const shipped of facts.repairsShippedOn) {
    const repairedUntil = addDays(shipped, policy.repairedDays - 1);
    if (until === null || repairedUntil > until) {
      until = repairedUntil;
      basis = 'repair';
    }
  }
  return { inWarranty: until !== null && today <= until, until, basis, deadOnArrival: doa };
}

// ---------------------------------------------------------------- tickets and the RMA flow

export const TICKET_CLASSES = [
  'board-rma',
  'psu',
  'fan-spare',
  'controller',
  'environment',
  'network',
  'other',
] as const;
export type TicketClass = (typeof TICKET_CLASSES)[number];

/** Environment (not warranty) and network (not hardware) faults are the site's to fix, not an RMA. */
export const SITE_OPS_CLASSES: readonly TicketClass[] = ['environment', 'network'];
export const isSiteOps = (c: TicketClass): boolean => SITE_OPS_CLASSES.includes(c);

export const OUTCOMES = ['repaired', 'replaced', 'parts-swapped'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export const STEPS = [
  'requested',
  'authorised',
  'received',
  'diagnosed',
  ...OUTCOMES,
  'burn-in',
  'shipped',
  'closed',
  'rejected',
  'cancelled',
] as const;
export type Step = (typeof STEPS)[number];

export const WAIT_REASONS = ['customer', 'customs', 'parts'] as const;
export type WaitReason = (typeof WAIT_REASONS)[number];

/** What may follow each step of an RMA. Site-operations tickets go from requested to closed. */
const NEXT: Record<Step, readonly Step[]> = {
  requested: ['authorised', 'rejected', 'cancelled'],
  authorised: ['received', 'cancelled'],
  received: ['diagnosed'],
  diagnosed: [...OUTCOMES, 'rejected'],
  repaired: ['burn-in'],
  replaced: ['burn-in'],
  'parts-swapped': ['burn-in'],
  'burn-in': ['shipped'],
  shipped: ['closed'],
  closed: [],
  rejected: [],
  cancelled: [],
};
const SITE_OPS_NEXT: Partial<Record<Step, readonly Step[]>> = { requested: ['closed', 'cancelled'] };

export const isFinal = (step: Step): boolean => NEXT[step].length === 0;

export interface TicketState {
  ticketClass: TicketClass;
  step: Step;
  /** Set while the clock is stopped waiting for the customer, customs or parts. */
  waitingFor: WaitReason | null;
}

export function allowedNext(state: Pick<TicketState, 'ticketClass' | 'step'>): readonly Step[] {
  return isSiteOps(state.ticketClass) ? (SITE_OPS_NEXT[state.step] ?? []) : NEXT[state.step];
}

/** Refuses a step that may not follow the ticket's current one, naming the ones that may. */
export function checkStep(ticketId: number, state: TicketState, to: Step): void {
  const allowed = allowedNext(state);
  if (allowed.includes(to)) return;
  const next = allowed.length > 0 ? `next may come: ${allowed.join(', ')}` : 'it is finished';
  throw ruleBroken(
    'service.step-order',
    `Ticket ${ticketId} is ${state.step}; it cannot go to ${to}: ${next}.`,
    'step',
    { from: state.step, to, allowed },
  );
}

/** A wait starts only on an open ticket not already waiting, and ends only one that is. */
export function checkWait(ticketId: number, state: TicketState, waiting: WaitReason | null): void {
  if (isFinal(state.step))
    throw ruleBroken('service.ticket-finished', `Ticket ${ticketId} is ${state.step}.`, 'ticketId');
  if (waiting !== null && state.waitingFor !== null)
    throw ruleBroken(
      'service.already-waiting',
      `Ticket ${ticketId} is already waiting for ${state.waitingFor}; resume it first.`,
      'reason',
    );
  if (waiting === null && state.waitingFor === null)
    throw ruleBroken('service.not-waiting', `Ticket ${ticketId} is not waiting.`, 'ticketId');
}

// ---------------------------------------------------------------- parts

export const PARTS = ['hash-board', 'psu', 'fan', 'controller'] as const;
export type Part = (typeof PARTS)[number];

export interface PartUse {
  part: Part;
  qty: number;
  /** The serial of the part taken out and the one put in, so a machine's parts history is kept. */
  removedSerial?: string | undefined;
  fittedSerial?: string | undefined;
}

/** Stock after a movement; never below zero. */
export function stockAfter(
  centreId: string,
  part: Part,
  onHand: number,
  delta: number,
  field = 'qty',
): number {
  const after = onHand + delta;
  if (after < 0) {
    throw ruleBroken(
      'service.parts-short',
      `Centre ${centreId} has ${onHand} ${part} in stock; ${-delta} cannot be taken.`,
      field,
      { centreId, part, onHand, wanted: -delta },
    );
  }
  return after;
}

// ---------------------------------------------------------------- routing

export interface CentreLoad {
  id: string;
  region: string;
  country: string;
  technicians: number;
  /** Repairs one technician does a day, per model; `*` for any other model. */
  repairsPerDay: Record<string, number>;
  /** RMAs received and not yet shipped back. */
  backlog: number;
}

/** How many days of work a centre takes on before it counts as full. */
export const CAPACITY_DAYS = 10;

export function dailyCapacity(c: CentreLoad, productId: string): number {
  return c.technicians * (c.repairsPerDay[productId] ?? c.repairsPerDay['*'] ?? 1);
}

/**
 * The nearest centre with room: in the customer's country, else in the region; among those the
 * least loaded; else the least loaded with room anywhere; with no room anywhere, the least loaded
 * in the region (or of all). Undefined only when there is no centre.
 */
export function chooseCentre(
  centres: readonly CentreLoad[],
  where: { country: string; region: string },
  productId: string,
): CentreLoad | undefined {
  const load = (c: CentreLoad) => c.backlog / Math.max(1, dailyCapacity(c, productId) * CAPACITY_DAYS);
  const hasRoom = (c: CentreLoad) => load(c) < 1;
  const least = (cs: CentreLoad[]) => [...cs].sort((a, b) => load(a) - load(b) || (a.id < b.id ? -1 : 1))[0];
  const country = centres.filter((c) => c.country === where.country);
  const region = centres.filter((c) => c.region === where.region);
  return (
    least(country.filter(hasRoom)) ??
    least(region.filter(hasRoom)) ??
    least(centres.filter(hasRoom)) ??
    least(region) ??
    least([...centres])
  );
}

// ---------------------------------------------------------------- centres

export interface Centre {
  id: string;
  name: string;
  region: string;
  country: string;
  technicians: number;
  repairsPerDay: Record<string, number>;
  burnInPositions: number;
  calendar: WorkingCalendar;
}
