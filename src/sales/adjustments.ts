/**
 * Corrections of payments recorded wrong. A payment dated in a closed period cannot change; its
 * correction is a new event dated in the open period that names the payment and carries the
 * difference (see model-adjust.ts). The closed period's figures stay as reported and the open
 * period's show the correction.
 */
import type { Actor, AppContext } from '../app/context.js';
import { notFound } from '../kernel/errors.js';
import { type EventResult, recordOnContract } from './contracts.js';
import { SALES_EVENT } from './events.js';
import type { PaymentAdjustmentInput } from './schemas.js';
import { findPayment, paymentAdjustments } from './store-reads.js';

export async function adjustPayment(
  ctx: AppContext,
  actor: Actor,
  paymentEventId: number,
  input: PaymentAdjustmentInput,
  idempotencyKey?: string,
): Promise<EventResult> {
  const eventId = BigInt(paymentEventId);
  const payment = await findPayment(ctx.db, eventId);
  if (!payment) throw notFound('Payment', paymentEventId, 'eventId');
  return recordOnContract(
    ctx,
    actor,
    {
      contractId: payment.contractId,
      kind: SALES_EVENT.paymentAdjusted,
      request: { paymentEventId, input },
    },
    async (tx) => {
      // Read again under the contract's lock: an adjustment recorded meanwhile counts.
      const now = (await findPayment(tx, eventId))!;
      return {
        type: 'payment-adjustment',
        day: input.day,
        amountCents: input.amountUsd,
        reason: input.reason,
        corrects: { eventId, day: now.day, amountCents: now.amountCents + now.adjustedCents },
      };
    },
    idempotencyKey,
  );
}

export interface PaymentWithAdjustments {
  eventId: bigint;
  contractId: number;
  day: string;
  /** As first recorded. */
  recordedCents: bigint;
  /** As it stands after every adjustment. */
  amountCents: bigint;
  adjustments: Awaited<ReturnType<typeof paymentAdjustments>>;
}

/** A payment with the adjustments that correct it, each naming it. */
export async function getPaymentAdjustments(
  ctx: AppContext,
  paymentEventId: number,
): Promise<PaymentWithAdjustments> {
  const eventId = BigInt(paymentEventId);
  const payment = await findPayment(ctx.db, eventId);
  if (!payment) throw notFound('Payment', paymentEventId, 'eventId');
  return {
    eventId,
    contractId: payment.contractId,
    day: payment.day,
    recordedCents: payment.amountCents,
    amountCents: payment.amountCents + payment.adjustedCents,
    adjustments: await paymentAdjustments(ctx.db, eventId),
  };
}
