/**
 * Correcting a payment recorded wrong. The correction is a new event dated on its own (open) day
 * that names the payment it corrects and carries the difference, so the period of the original
 * keeps its figures and the period of the correction shows it. Pure: no IO, no clock.
 */
import type { Day } from '../kernel/calendar.js';
import { ruleBroken } from '../kernel/errors.js';
import { type Cents, formatUsd as usd } from '../kernel/money.js';
import type { Applied, ContractFigures } from './model-events.js';
import type { ContractState } from './model-state.js';

/** The payment an adjustment corrects, as it stands when the adjustment is decided. */
export interface PaymentCorrected {
  eventId: bigint;
  day: Day;
  /** The amount recorded plus every earlier adjustment of it. */
  amountCents: Cents;
}

export function adjustPayment(
  s: ContractState,
  a: { day: Day; corrects: PaymentCorrected; amountCents: Cents },
  f: ContractFigures,
): Applied {
  const { corrects, amountCents: delta } = a;
  if (a.day < corrects.day) {
    throw ruleBroken(
      'sales.adjustment-before-payment',
      `An adjustment dated ${a.day} cannot correct payment ${corrects.eventId} of ${corrects.day}, which came later.`,
      'day',
    );
  }
  if (corrects.amountCents + delta < 0n) {
    throw ruleBroken(
      'sales.adjustment-below-zero',
      `Payment ${corrects.eventId} stands at ${usd(corrects.amountCents)}; an adjustment of ${usd(delta)} would make it negative.`,
      'amountUsd',
      { paymentCents: corrects.amountCents },
    );
  }
  if (delta > 0n && delta > f.owedCents) {
    throw ruleBroken(
      'sales.overpayment',
      `An adjustment of ${usd(delta)} is more than the ${usd(f.owedCents)} still owed on contract ${s.contract.id}.`,
      'amountUsd',
      { owedCents: f.owedCents },
    );
  }
  // Money paid back or forfeited was paid: a correction may not leave less paid than that.
  const kept = s.paid - s.refunded - s.forfeited;
  if (delta < 0n && -delta > kept) {
    throw ruleBroken(
      'sales.adjustment-exceeds-paid',
      `Contract ${s.contract.id} keeps ${usd(kept)} of what was paid (net of refunds and forfeited deposit); an adjustment of ${usd(delta)} would take more than that.`,
      'amountUsd',
      { keptCents: kept },
    );
  }
  return {
    state: { ...s, paid: s.paid + delta },
    effect: { type: 'payment-adjustment', amountCents: delta, correctsEventId: corrects.eventId },
  };
}
