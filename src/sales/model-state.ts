/**
 * A contract as its events leave it, and the readings every rule takes of it: units open per
 * tranche and line, revenue earned, value cancelled, the balance held. Pure: no IO, no clock.
 */
import type { Day } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { type Contract, type ContractLine, lineParts, type Tranche } from './model.js';

export interface TrancheState extends Tranche {
  delivered: number;
  cancelled: number;
}

export interface LineState {
  line: ContractLine;
  delivered: number;
  cancelled: number;
  tranches: TrancheState[];
}

export interface ContractState {
  contract: Contract;
  value: Cents;
  deposit: Cents;
  lines: LineState[];
  paid: Cents;
  refunded: Cents;
  forfeited: Cents;
  /** The day the last open units were cancelled (the contract ends there), null until then. */
  cancelledOn: Day | null;
  /** The day of the latest event (the signing day before any). */
  lastDay: Day;
  /** Each delivery's day and the revenue recognised on the contract once it was made. */
  deliveries: { day: Day; earnedAfter: Cents }[];
}

export const openUnits = (t: TrancheState): number => t.units - t.delivered - t.cancelled;
export const lineOpen = (l: LineState): number => l.line.units - l.delivered - l.cancelled;
const partsOf = (l: LineState) => lineParts(l.line, l.delivered, l.cancelled);
export const lineEarned = (l: LineState): Cents => partsOf(l).earned;
export const lineCancelledValue = (l: LineState): Cents => partsOf(l).cancelled;

export const earnedOf = (s: ContractState): Cents => s.lines.reduce((sum, l) => sum + lineEarned(l), 0n);
export const cancelledValueOf = (s: ContractState): Cents =>
  s.lines.reduce((sum, l) => sum + lineCancelledValue(l), 0n);

/** Prepaid minus earned minus forfeited: above zero a contract liability, below a receivable. */
export const balanceOf = (s: ContractState): Cents => s.paid - s.refunded - earnedOf(s) - s.forfeited;

/** Tranches in the order deliveries consume them: earliest month first, then by number. */
export const consumptionOrder = (tranches: readonly TrancheState[]): TrancheState[] =>
  [...tranches].sort((a, b) => (a.month === b.month ? a.tranche - b.tranche : a.month < b.month ? -1 : 1));

/** A copy of the lines and their tranches that a rule may change without touching the state. */
export const copyLines = (s: ContractState): LineState[] =>
  s.lines.map((l) => ({ ...l, tranches: l.tranches.map((t) => ({ ...t })) }));

/** A line of the contract (from `lines`, a working copy, when given); an unknown one names `field`. */
export function lineById(s: ContractState, lineId: number, field: string, lines = s.lines): LineState {
  const line = lines.find((l) => l.line.lineId === lineId);
  if (!line) {
    const ids = s.lines.map((l) => l.line.lineId).join(', ');
    throw invalid(field, `Contract ${s.contract.id} has no line ${lineId}; its lines are ${ids}.`);
  }
  return line;
}

/** A tranche of a line; an unknown one names `field`. */
export function trancheById(line: LineState, tranche: number, field: string): TrancheState {
  const found = line.tranches.find((t) => t.tranche === tranche);
  if (!found) {
    const numbers = line.tranches.map((t) => t.tranche).join(', ');
    throw invalid(field, `Line ${line.line.lineId} has no tranche ${tranche}; its tranches are ${numbers}.`);
  }
  return found;
}
