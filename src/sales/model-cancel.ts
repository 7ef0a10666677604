/**
 * Cancelling part of a contract, or all that is still open. Pure: no IO, no clock.
 *
 * Cancelled units take a line's last unit positions (see `lineParts`), so a cancellation moves
 * value only from the open part to the cancelled part, whatever is delivered before or after.
 *
 * The deposit is spread over the contract pro rata, like its application to deliveries: the
 * goods cancelled carry deposit × their value ÷ the contract value. Under terms that forfeit the
 * deposit on cancellation, that share is forfeited, as far as the contract holds prepayments not
 * earned (a deposit never paid cannot be kept). The shares are worked out on the cumulative
 * cancelled value, so successive partial cancellations forfeit, to the cent, what one
 * cancellation of the same units would. Whatever prepayment is not forfeited stays a contract
 * liability, for the goods still to come or paid back by a refund on the day it is paid.
 */
import type { Day, Month } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { depositApplied, lineTh } from './model.js';
import type { Applied, EventEffect } from './model-events.js';
import {
  balanceOf,
  type ContractState,
  cancelledValueOf,
  consumptionOrder,
  copyLines,
  type LineState,
  lineById,
  lineCancelledValue,
  lineOpen,
  openUnits,
  trancheById,
} from './model-state.js';

/** One thing to cancel: a tranche (its open units, or `units` of them), or `units` of a line. */
export interface CancelPart {
  /** May be left out on a contract of one line. */
  lineId?: number | undefined;
  tranche?: number | undefined;
  /** Without a tranche, taken from the line's latest tranches first. */
  units?: number | undefined;
}

type Taken = Map<number, { tranche: number; month: Month; units: number }[]>;

/** The deposit carried by goods worth `cancelledValue` of the contract, cumulative. */
const depositShareCancelled = (s: ContractState, cancelledValue: Cents): Cents =>
  s.deposit - depositApplied(s.deposit, s.value - cancelledValue, s.value);

/**
 * Cancels `parts`, or every open unit (`remainder`). A cancellation recorded before parts existed
 * (`parts` absent) cancelled the remainder and paid back the prepayment not forfeited the same
 * day; it is replayed as it was decided.
 */
export function cancel(
  s: ContractState,
  day: Day,
  parts: readonly CancelPart[] | 'remainder' | undefined,
): Applied {
  const lines = copyLines(s);
  const taken: Taken = new Map();
  if (parts === undefined || parts === 'remainder') takeRemainder(s, lines, taken);
  else
    parts.forEach((p, i) => {
      takePart(s, lines, taken, p, `parts.${i}`);
    });

  const after: ContractState = { ...s, lines };
  const share =
    depositShareCancelled(s, cancelledValueOf(after)) - depositShareCancelled(s, cancelledValueOf(s));
  const held = balanceOf(s) > 0n ? balanceOf(s) : 0n;
  const forfeited = s.contract.terms.depositForfeitedOnCancel ? (share < held ? share : held) : 0n;
  const refunded = parts === undefined ? held - forfeited : 0n;
  const effectLines = lines
    .filter((l) => taken.has(l.line.lineId))
    .map((l) => {
      const before = s.lines.find((b) => b.line.lineId === l.line.lineId)!;
      const tranches = taken.get(l.line.lineId)!;
      const units = tranches.reduce((sum, t) => sum + t.units, 0);
      return {
        lineId: l.line.lineId,
        units,
        th: lineTh(l.line, units),
        valueCents: lineCancelledValue(l) - lineCancelledValue(before),
        ...(parts === undefined ? {} : { tranches }),
      };
    });
  const nothingOpen = lines.every((l) => lineOpen(l) === 0);
  const effect: EventEffect = {
    type: 'cancellation',
    valueCents: effectLines.reduce((sum, l) => sum + l.valueCents, 0n),
    forfeitedCents: forfeited,
    refundedCents: refunded,
    lines: effectLines,
  };
  return {
    state: {
      ...after,
      forfeited: s.forfeited + forfeited,
      refunded: s.refunded + refunded,
      cancelledOn: nothingOpen ? day : null,
    },
    effect,
  };
}

function take(taken: Taken, line: LineState, t: LineState['tranches'][number], units: number): void {
  t.cancelled += units;
  line.cancelled += units;
  const list = taken.get(line.line.lineId) ?? [];
  const same = list.find((x) => x.tranche === t.tranche);
  if (same) same.units += units;
  else list.push({ tranche: t.tranche, month: t.month, units });
  taken.set(line.line.lineId, list);
}

function takeRemainder(s: ContractState, lines: LineState[], taken: Taken): void {
  if (lines.every((l) => lineOpen(l) === 0)) {
    throw ruleBroken(
      'sales.nothing-to-cancel',
      `Contract ${s.contract.id} has been delivered in full; there is nothing left to cancel.`,
    );
  }
  for (const l of lines) {
    for (const t of consumptionOrder(l.tranches)) if (openUnits(t) > 0) take(taken, l, t, openUnits(t));
  }
}

function takePart(s: ContractState, lines: LineState[], taken: Taken, p: CancelPart, field: string): void {
  const line =
    p.lineId === undefined ? onlyLine(s, lines, field) : lineById(s, p.lineId, `${field}.lineId`, lines);
  const id = line.line.lineId;
  if (p.tranche !== undefined) {
    const t = trancheById(line, p.tranche, `${field}.tranche`);
    const open = openUnits(t);
    if (open === 0) {
      const delivered = t.cancelled === 0;
      throw ruleBroken(
        delivered ? 'sales.tranche-delivered' : 'sales.tranche-cancelled',
        `Tranche ${t.tranche} of line ${id} has nothing left to cancel: ${t.delivered} of its ${t.units} units delivered, ${t.cancelled} cancelled.`,
        `${field}.tranche`,
        { delivered: t.delivered, cancelled: t.cancelled },
      );
    }
    const units = p.units ?? open;
    refuseOver(units, open, `Tranche ${t.tranche} of line ${id}`, `${field}.units`);
    take(taken, line, t, units);
    return;
  }
  const units = p.units!;
  refuseOver(units, lineOpen(line), `Line ${id} of contract ${s.contract.id}`, `${field}.units`);
  let left = units;
  for (const t of consumptionOrder(line.tranches).reverse()) {
    const n = Math.min(left, openUnits(t));
    if (n > 0) take(taken, line, t, n);
    left -= n;
    if (left === 0) break;
  }
}

function refuseOver(units: number, open: number, what: string, field: string): void {
  if (units <= open) return;
  throw ruleBroken(
    'sales.over-cancellation',
    `${what} has ${open} units left to deliver; ${units} cannot be cancelled.`,
    field,
    { unitsOpen: open },
  );
}

function onlyLine(s: ContractState, lines: LineState[], field: string): LineState {
  if (lines.length === 1) return lines[0]!;
  const ids = lines.map((l) => l.line.lineId).join(', ');
  throw invalid(
    `${field}.lineId`,
    `Contract ${s.contract.id} has ${lines.length} lines (${ids}); say which line the part cancels.`,
  );
}
