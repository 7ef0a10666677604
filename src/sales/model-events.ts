/**
 * What happens to a contract after signing: payments, refunds, deliveries, cancellation of a
 * part or of all that is undelivered (model-cancel.ts), rescheduling of tranches, corrections of
 * a payment (model-adjust.ts); the state they act on is in model-state.ts. `applyEvent` checks one event against the
 * contract's state and returns the new state and what the event did (its effect, which is
 * recorded with it); `foldContract` replays a contract's events; `contractFigures` reads the
 * figures finance reports off a state. Pure: no IO, no clock.
 *
 * Events of one contract are kept in date order (a later event never carries an earlier day), so
 * the state after the events up to a day is the contract as it stood that day.
 */
import { addDays, type Day, type Month, monthOf } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import { type Cents, formatUsd } from '../kernel/money.js';
import { type Contract, contractValue, depositApplied, depositDue, lineAmount, lineTh } from './model.js';
import { adjustPayment, type PaymentCorrected } from './model-adjust.js';
import { type CancelPart, cancel } from './model-cancel.js';
import {
  type ContractState,
  cancelledValueOf,
  consumptionOrder,
  copyLines,
  earnedOf,
  type LineState,
  lineById,
  lineEarned,
  lineOpen,
  openUnits,
  trancheById,
} from './model-state.js';

export type { PaymentCorrected } from './model-adjust.js';
export type { CancelPart } from './model-cancel.js';
export {
  type ContractState,
  consumptionOrder,
  earnedOf,
  type LineState,
  type TrancheState,
} from './model-state.js';

export interface TrancheMove {
  lineId: number;
  tranche: number;
  month: Month;
  /** How many of the tranche's open units move; all of them when absent. */
  units?: number | undefined;
}

export type ContractEvent =
  | { type: 'payment-received'; day: Day; amountCents: Cents; reference?: string | null | undefined }
  | { type: 'refund'; day: Day; amountCents: Cents; reason?: string | null | undefined }
  | { type: 'delivery'; day: Day; lines: { lineId: number; units: number }[] }
  | {
      type: 'cancellation';
      day: Day;
      reason?: string | null | undefined;
      /**
       * What is cancelled: the parts listed, or `remainder` for every unit still open. Absent in
       * cancellations recorded before parts existed: those cancelled the remainder and paid back
       * the prepayment not forfeited on the same day (see model-cancel.ts).
       */
      parts?: CancelPart[] | 'remainder' | undefined;
    }
  | { type: 'reschedule'; day: Day; moves: TrancheMove[]; reason?: string | null | undefined }
  | {
      type: 'payment-adjustment';
      day: Day;
      /** The payment corrected, as recorded: its event, day and amount (with earlier adjustments). */
      corrects: PaymentCorrected;
      /** Signed: what the payment really was minus what was recorded. */
      amountCents: Cents;
      reason: string;
    };

export type ContractEventType = ContractEvent['type'];

/** What an event did, worked out when it was decided and recorded with it. */
export type EventEffect =
  | { type: 'payment-received' | 'refund'; amountCents: Cents }
  | {
      type: 'delivery';
      revenueCents: Cents;
      lines: {
        lineId: number;
        units: number;
        th: number;
        revenueCents: Cents;
        tranches: { tranche: number; month: Month; units: number }[];
      }[];
    }
  | {
      type: 'cancellation';
      valueCents: Cents;
      forfeitedCents: Cents;
      refundedCents: Cents;
      lines: {
        lineId: number;
        units: number;
        th: number;
        valueCents: Cents;
        /** The tranches the units came from (absent in cancellations recorded before parts existed). */
        tranches?: { tranche: number; month: Month; units: number }[];
      }[];
    }
  | { type: 'payment-adjustment'; amountCents: Cents; correctsEventId: bigint }
  | {
      type: 'reschedule';
      moves: {
        lineId: number;
        tranche: number;
        fromMonth: Month;
        toTranche: number;
        toMonth: Month;
        units: number;
      }[];
    };

export type ContractStatus = 'signed' | 'delivering' | 'delivered' | 'cancelled';

export interface ContractFigures {
  valueCents: Cents;
  depositCents: Cents;
  paidCents: Cents;
  refundedCents: Cents;
  netPaidCents: Cents;
  units: number;
  th: number;
  deliveredUnits: number;
  deliveredTh: number;
  revenueCents: Cents;
  cancelledUnits: number;
  cancelledTh: number;
  cancelledValueCents: Cents;
  backlogUnits: number;
  backlogTh: number;
  backlogCents: Cents;
  forfeitedDepositCents: Cents;
  /** Prepaid and not yet earned (nor forfeited). */
  liabilityCents: Cents;
  /** Earned and not yet paid. */
  receivableCents: Cents;
  /** What the customer may still pay: the rest of the price (of what is not cancelled) and any deposit forfeited, less what was paid; never below 0. */
  owedCents: Cents;
  status: ContractStatus;
}

export function openContract(contract: Contract): ContractState {
  const value = contractValue(contract);
  return {
    contract,
    value,
    deposit: depositDue(contract, value),
    lines: contract.lines.map((line) => ({
      line,
      delivered: 0,
      cancelled: 0,
      tranches: line.tranches.map((t) => ({ ...t, delivered: 0, cancelled: 0 })),
    })),
    paid: 0n,
    refunded: 0n,
    forfeited: 0n,
    cancelledOn: null,
    lastDay: contract.signedOn,
    deliveries: [],
  };
}

// --- reading a state ----------------------------------------------------------------------------

export function contractFigures(s: ContractState): ContractFigures {
  const earned = earnedOf(s);
  const cancelledValue = cancelledValueOf(s);
  const balance = s.paid - s.refunded - earned - s.forfeited;
  // Below zero once a cancellation leaves more prepaid than the goods kept: a refund is due.
  const owed = s.value - cancelledValue + s.forfeited - (s.paid - s.refunded);
  const sum = (f: (l: LineState) => number) => s.lines.reduce((acc, l) => acc + f(l), 0);
  const units = sum((l) => l.line.units);
  const deliveredUnits = sum((l) => l.delivered);
  const cancelledUnits = sum((l) => l.cancelled);
  const backlogUnits = units - deliveredUnits - cancelledUnits;
  const status: ContractStatus =
    s.cancelledOn !== null
      ? 'cancelled'
      : backlogUnits === 0
        ? 'delivered'
        : deliveredUnits > 0
          ? 'delivering'
          : 'signed';
  return {
    valueCents: s.value,
    depositCents: s.deposit,
    paidCents: s.paid,
    refundedCents: s.refunded,
    netPaidCents: s.paid - s.refunded,
    units,
    th: sum((l) => lineTh(l.line, l.line.units)),
    deliveredUnits,
    deliveredTh: sum((l) => lineTh(l.line, l.delivered)),
    revenueCents: earned,
    cancelledUnits,
    cancelledTh: sum((l) => lineTh(l.line, l.cancelled)),
    cancelledValueCents: cancelledValue,
    backlogUnits,
    backlogTh: sum((l) => lineTh(l.line, lineOpen(l))),
    backlogCents: s.value - earned - cancelledValue,
    forfeitedDepositCents: s.forfeited,
    liabilityCents: balance > 0n ? balance : 0n,
    receivableCents: balance < 0n ? -balance : 0n,
    owedCents: owed > 0n ? owed : 0n,
    status,
  };
}

/** A contract's money after one of its events, each figure cumulative since signing. */
export interface MoneyStep {
  day: Day;
  paidCents: Cents;
  refundedCents: Cents;
  forfeitedCents: Cents;
  earnedCents: Cents;
}

/** The money of a contract whose figures on `day` are `f`. */
export const moneyStep = (day: Day, f: ContractFigures): MoneyStep => ({
  day,
  paidCents: f.paidCents,
  refundedCents: f.refundedCents,
  forfeitedCents: f.forfeitedDepositCents,
  earnedCents: f.revenueCents,
});

/**
 * What must have been paid before goods can ship, once revenue `earnedShipped` has shipped of which
 * `earnedDue` is due for payment: the whole deposit, plus the balance (the part the deposit does
 * not cover) of every delivery due.
 */
function paymentRequired(s: ContractState, earnedDue: Cents): Cents {
  return depositInForce(s) + earnedDue - depositApplied(s.deposit, earnedDue, s.value);
}

/**
 * The deposit the customer must have paid: the share of the goods still under contract (delivered
 * or open), plus what was forfeited of the cancelled goods' share. Without cancellations, the deposit.
 */
const depositInForce = (s: ContractState): Cents =>
  s.forfeited + depositApplied(s.deposit, s.value - cancelledValueOf(s), s.value);

/** Revenue of the deliveries whose payment is overdue on `day` under on-delivery credit terms. */
function earnedOverdue(s: ContractState, day: Day, creditDays: number): Cents {
  let earned = 0n;
  for (const d of s.deliveries) if (addDays(d.day, creditDays) < day) earned = d.earnedAfter;
  return earned;
}

export interface OpenTrancheFacts {
  lineId: number;
  tranche: number;
  productId: string;
  month: Month;
  unitsOpen: number;
  /** Whether it may ship today under the payment terms (earlier open tranches shipping first). */
  paidForShipment: boolean;
}

export function openTranches(s: ContractState, today: Day): OpenTrancheFacts[] {
  if (s.cancelledOn !== null) return [];
  const netPaid = s.paid - s.refunded;
  const queue = s.lines.flatMap((l) =>
    consumptionOrder(l.tranches)
      .filter((t) => openUnits(t) > 0)
      .map((t) => ({ l, t })),
  );
  queue.sort((a, b) =>
    a.t.month !== b.t.month ? (a.t.month < b.t.month ? -1 : 1) : a.l.line.lineId - b.l.line.lineId,
  );
  const terms = s.contract.terms.balance;
  const creditOk =
    terms.due === 'on-delivery' && netPaid >= paymentRequired(s, earnedOverdue(s, today, terms.creditDays));
  const shipped = new Map(s.lines.map((l) => [l.line.lineId, l.delivered]));
  let earned = earnedOf(s);
  return queue.map(({ l, t }) => {
    const before = shipped.get(l.line.lineId)!;
    const open = openUnits(t);
    shipped.set(l.line.lineId, before + open);
    earned += lineAmount(l.line, before + open) - lineAmount(l.line, before);
    const paidForShipment = terms.due === 'on-delivery' ? creditOk : netPaid >= paymentRequired(s, earned);
    return {
      lineId: l.line.lineId,
      tranche: t.tranche,
      productId: l.line.productId,
      month: t.month,
      unitsOpen: open,
      paidForShipment,
    };
  });
}

// --- applying an event --------------------------------------------------------------------------

export interface Applied {
  state: ContractState;
  effect: EventEffect;
}

const usd = formatUsd;

function positiveUnits(units: number, field: string): void {
  if (!Number.isSafeInteger(units) || units <= 0) {
    throw invalid(field, `${field} must be a whole number of units above 0, got ${units}.`);
  }
}

function positiveAmount(amount: Cents): void {
  if (amount <= 0n) throw invalid('amountUsd', `amountUsd must be above $0.00, got ${usd(amount)}.`);
}

function checkCommon(s: ContractState, event: ContractEvent): void {
  if (event.day < s.lastDay) {
    throw ruleBroken(
      'sales.event-out-of-order',
      `Contract ${s.contract.id} is recorded up to ${s.lastDay} (signed ${s.contract.signedOn}); an event dated ${event.day} would come before that. Record events in date order.`,
      'day',
      { lastDay: s.lastDay },
    );
  }
  if (s.cancelledOn === null) return;
  // Goods delivered before the cancellation must still be paid for, prepayments not forfeited
  // are paid back (each on its own day), a payment entered wrong is corrected; nothing else.
  const receivable = contractFigures(s).receivableCents;
  const allowed =
    event.type === 'refund' ||
    event.type === 'payment-adjustment' ||
    (event.type === 'payment-received' && receivable > 0n);
  if (!allowed) {
    throw ruleBroken(
      'sales.contract-cancelled',
      `Contract ${s.contract.id} was cancelled on ${s.cancelledOn}; no ${event.type} can be recorded on it.`,
      undefined,
      { cancelledOn: s.cancelledOn },
    );
  }
}

/** What can be wrong with an event whatever the contract: reported before any rule of the book. */
function checkShape(event: ContractEvent): void {
  switch (event.type) {
    case 'payment-received':
    case 'refund':
      positiveAmount(event.amountCents);
      return;
    case 'delivery': {
      if (event.lines.length === 0) throw invalid('lines', 'A delivery needs at least one line with units.');
      const seen = new Set<number>();
      event.lines.forEach((l, i) => {
        if (seen.has(l.lineId))
          throw invalid(`lines.${i}.lineId`, `Line ${l.lineId} appears twice in the delivery.`);
        seen.add(l.lineId);
        positiveUnits(l.units, `lines.${i}.units`);
      });
      return;
    }
    case 'reschedule': {
      if (event.moves.length === 0)
        throw invalid('moves', 'A reschedule needs at least one tranche to move.');
      const seen = new Set<string>();
      event.moves.forEach((m, i) => {
        const key = `${m.lineId}/${m.tranche}`;
        if (seen.has(key)) {
          throw invalid(
            `moves.${i}.tranche`,
            `Tranche ${m.tranche} of line ${m.lineId} appears twice in the reschedule.`,
          );
        }
        seen.add(key);
        if (m.units !== undefined) positiveUnits(m.units, `moves.${i}.units`);
      });
      return;
    }
    case 'cancellation':
      if (Array.isArray(event.parts)) {
        if (event.parts.length === 0)
          throw invalid('parts', 'A cancellation needs at least one part (a tranche or units of a line).');
        event.parts.forEach((p, i) => {
          if (p.units !== undefined) positiveUnits(p.units, `parts.${i}.units`);
          if (p.tranche === undefined && p.units === undefined) {
            throw invalid(
              `parts.${i}.units`,
              `parts.${i} must name a tranche or a number of units of line ${p.lineId ?? '?'}.`,
            );
          }
        });
      }
      return;
    case 'payment-adjustment':
      if (event.amountCents === 0n)
        throw invalid('amountUsd', 'amountUsd must not be $0.00: an adjustment changes the amount.');
      if (event.reason.trim() === '') throw invalid('reason', 'reason must say what was wrong.');
      return;
  }
}

export function applyEvent(s: ContractState, event: ContractEvent): Applied {
  checkShape(event);
  checkCommon(s, event);
  const next = applyChecked(s, event);
  next.state.lastDay = event.day;
  return next;
}

function applyChecked(s: ContractState, event: ContractEvent): Applied {
  switch (event.type) {
    case 'payment-received':
      return pay(s, event.amountCents);
    case 'refund':
      return refund(s, event.amountCents);
    case 'delivery':
      return deliver(s, event.day, event.lines);
    case 'cancellation':
      return cancel(s, event.day, event.parts);
    case 'reschedule':
      return reschedule(s, event.day, event.moves);
    case 'payment-adjustment':
      return adjustPayment(s, event, contractFigures(s));
  }
}

function pay(s: ContractState, amount: Cents): Applied {
  const owed = contractFigures(s).owedCents;
  if (amount > owed) {
    throw ruleBroken(
      'sales.overpayment',
      `A payment of ${usd(amount)} is more than the ${usd(owed)} still owed on contract ${s.contract.id}.`,
      'amountUsd',
      { owedCents: owed },
    );
  }
  return {
    state: { ...s, paid: s.paid + amount },
    effect: { type: 'payment-received', amountCents: amount },
  };
}

function refund(s: ContractState, amount: Cents): Applied {
  const liability = contractFigures(s).liabilityCents;
  if (amount > liability) {
    throw ruleBroken(
      'sales.over-refund',
      `A refund of ${usd(amount)} is more than the ${usd(liability)} contract ${s.contract.id} holds in prepayments not yet earned.`,
      'amountUsd',
      { liabilityCents: liability },
    );
  }
  return { state: { ...s, refunded: s.refunded + amount }, effect: { type: 'refund', amountCents: amount } };
}

function deliver(s: ContractState, day: Day, wanted: { lineId: number; units: number }[]): Applied {
  const lines = copyLines(s);
  const effects: Extract<EventEffect, { type: 'delivery' }>['lines'] = [];
  wanted.forEach((w, i) => {
    const field = `lines.${i}`;
    const before = lineById(s, w.lineId, `${field}.lineId`);
    const line = lines.find((l) => l.line.lineId === w.lineId)!;
    const open = lineOpen(before);
    if (w.units > open) {
      throw ruleBroken(
        'sales.over-delivery',
        `Line ${w.lineId} of contract ${s.contract.id} has ${open} of ${before.line.units} units left to deliver; a delivery of ${w.units} is more than that.`,
        `${field}.units`,
        { unitsOpen: open },
      );
    }
    const consumed: { tranche: number; month: Month; units: number }[] = [];
    let left = w.units;
    for (const t of consumptionOrder(line.tranches)) {
      const take = Math.min(left, openUnits(t));
      if (take === 0) continue;
      t.delivered += take;
      consumed.push({ tranche: t.tranche, month: t.month, units: take });
      left -= take;
      if (left === 0) break;
    }
    line.delivered += w.units;
    effects.push({
      lineId: w.lineId,
      units: w.units,
      th: lineTh(line.line, w.units),
      revenueCents: lineEarned(line) - lineEarned(before),
      tranches: consumed,
    });
  });
  const revenue = effects.reduce((sum, e) => sum + e.revenueCents, 0n);
  const earnedAfter = earnedOf(s) + revenue;
  const state: ContractState = { ...s, lines, deliveries: [...s.deliveries, { day, earnedAfter }] };
  checkPaidForShipment(s, state, day);
  return { state, effect: { type: 'delivery', revenueCents: revenue, lines: effects } };
}

function checkPaidForShipment(before: ContractState, after: ContractState, day: Day): void {
  const terms = before.contract.terms.balance;
  const due =
    terms.due === 'before-shipment' ? earnedOf(after) : earnedOverdue(before, day, terms.creditDays);
  const required = paymentRequired(before, due);
  const netPaid = before.paid - before.refunded;
  if (netPaid >= required) return;
  const why =
    terms.due === 'before-shipment'
      ? `the deposit of ${usd(before.deposit)} and the balance of everything shipped, this delivery included, are due before shipment`
      : `the deposit of ${usd(before.deposit)} and the balance of deliveries more than ${terms.creditDays} days old are due`;
  throw ruleBroken(
    'sales.unpaid-tranche',
    `Contract ${before.contract.id} must have ${usd(required)} paid before this delivery (${why}); ${usd(netPaid)} has been paid.`,
    'lines',
    { requiredCents: required, paidCents: netPaid },
  );
}

function reschedule(s: ContractState, day: Day, moves: TrancheMove[]): Applied {
  const lines = copyLines(s);
  const effect: Extract<EventEffect, { type: 'reschedule' }>['moves'] = [];
  moves.forEach((m, i) => {
    const field = `moves.${i}`;
    const line = lineById(s, m.lineId, `${field}.lineId`, lines);
    const tranche = trancheById(line, m.tranche, `${field}.tranche`);
    const open = openUnits(tranche);
    if (open === 0) {
      throw ruleBroken(
        'sales.tranche-closed',
        `Tranche ${m.tranche} of line ${m.lineId} has nothing left to deliver, so it cannot be rescheduled.`,
        `${field}.tranche`,
      );
    }
    const units = m.units ?? open;
    if (units > open) {
      throw ruleBroken(
        'sales.over-reschedule',
        `Tranche ${m.tranche} of line ${m.lineId} has ${open} units left to deliver; ${units} cannot be moved.`,
        `${field}.units`,
        { unitsOpen: open },
      );
    }
    if (m.month < monthOf(day)) {
      throw ruleBroken(
        'sales.reschedule-into-past',
        `Tranche ${m.tranche} of line ${m.lineId} cannot be moved to ${m.month}, which is before the reschedule (${day}).`,
        `${field}.month`,
      );
    }
    if (m.month === tranche.month) {
      throw invalid(
        `${field}.month`,
        `Tranche ${m.tranche} of line ${m.lineId} is already scheduled for ${m.month}.`,
      );
    }
    const fromMonth = tranche.month;
    let toTranche = tranche.tranche;
    if (units === tranche.units) {
      tranche.month = m.month;
    } else {
      // Part of a tranche moves (or a tranche partly delivered): the moved units become a new one.
      toTranche = Math.max(...line.tranches.map((t) => t.tranche)) + 1;
      tranche.units -= units;
      line.tranches.push({ tranche: toTranche, month: m.month, units, delivered: 0, cancelled: 0 });
    }
    effect.push({ lineId: m.lineId, tranche: m.tranche, fromMonth, toTranche, toMonth: m.month, units });
  });
  return { state: { ...s, lines }, effect: { type: 'reschedule', moves: effect } };
}

/** The contract after its events, applied in the order they were recorded. */
export function foldContract(contract: Contract, events: readonly ContractEvent[]): ContractState {
  let state = openContract(contract);
  for (const event of events) state = applyEvent(state, event).state;
  return state;
}

/** The contract as it stood at the end of `day`. */
export function contractOn(contract: Contract, events: readonly ContractEvent[], day: Day): ContractState {
  return foldContract(
    contract,
    events.filter((e) => e.day <= day),
  );
}

/**
 * Decides a new event: it may not be dated after today, and must pass every rule. Returns the
 * new state and the effect to record.
 */
export function decideEvent(s: ContractState, event: ContractEvent, today: Day): Applied {
  if (event.day > today) {
    throw invalid(
      'day',
      `day ${event.day} is in the future (today is ${today}); record events once they happen.`,
    );
  }
  return applyEvent(s, event);
}
