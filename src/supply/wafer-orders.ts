/** Wafer orders: placed under a capacity agreement, out of the fab, received with the chips counted. */

import type { Actor, AppContext } from '../app/context.js';
import { refuseIfMonthClosed } from '../books/guard.js';
import type { Db } from '../db/db.js';
import type { Month } from '../kernel/calendar.js';
import { invalid, notFound, ruleBroken } from '../kernel/errors.js';
import type { PageAfter } from '../kernel/paging.js';
import type { PayloadOf } from '../ledger/events.js';
import { nextNumber } from '../ledger/ledger.js';
import type {
  SupplyEvent,
  WaferOrderCancelledPayload,
  WaferOrderOutPayload,
  WaferOrderReceivedPayload,
  WaferOrderStepKind,
} from './events.js';
import { requireDesign, requireFoundry } from './lookups.js';
import { checkChipsReceived, checkWaferOrder, checkWaferOrderStep } from './model.js';
import { recordSupply } from './projections.js';
import type { NewWaferOrderInput } from './schemas.js';
import * as store from './store.js';
import * as production from './store-production.js';
import { goodDies, yieldInMonth } from './yield.js';

export async function placeWaferOrder(
  ctx: AppContext,
  actor: Actor,
  input: NewWaferOrderInput,
  idempotencyKey?: string,
): Promise<ListedWaferOrder> {
  return named(
    ctx,
    await recordSupply(
      ctx,
      // The agreement's stream: two orders racing for its last wafers of a month are serialised.
      {
        actor,
        kind: 'supply.wafer-order-placed',
        stream: `agreement:${input.agreementId}`,
        idempotencyKey,
        request: input,
      },
      async (tx) => {
        await refuseIfMonthClosed(tx, input.placedMonth, 'placedMonth');
        const agreement = await store.findAgreement(tx, input.agreementId);
        if (!agreement) throw notFound('Capacity agreement', input.agreementId, 'agreementId');
        const foundry = await requireFoundry(tx, agreement.foundryId);
        const design = await requireDesign(tx, input.designId);
        const partnership = await store.findPartnershipOf(tx, foundry.id, design.id);
        if (!partnership) {
          throw ruleBroken(
            'supply.no-partnership',
            `${foundry.name} does not make the ${design.name} design; start a partnership with its yield curve first.`,
            'designId',
          );
        }
        const leadTimeMonths = input.leadTimeMonths ?? foundry.leadTimeMonths;
        const { outMonth } = checkWaferOrder({
          agreement: { ...agreement, foundryName: foundry.name },
          partnership: {
            foundryId: partnership.foundryId,
            startMonth: partnership.startMonth,
            designName: design.name,
          },
          placedMonth: input.placedMonth,
          wafers: input.wafers,
          leadTimeMonths,
          alreadyPlaced: await production.wafersPlaced(tx, agreement.id, input.placedMonth),
        });
        const yieldBp = yieldInMonth(partnership.curve, partnership.startMonth, outMonth);
        const id = await nextNumber(tx, 'supply-wafer-order');
        return {
          id,
          agreementId: agreement.id,
          partnershipId: partnership.id,
          wafers: input.wafers,
          placedMonth: input.placedMonth,
          leadTimeMonths,
          outMonth,
          status: 'placed',
          expectedDies: goodDies(input.wafers, design.diesPerWafer, yieldBp),
          receivedMonth: null,
          chipsReceived: null,
        } satisfies store.WaferOrder;
      },
      async (_tx, event) => event.payload,
    ),
  );
}

async function requireWaferOrder(db: Db, orderId: number): Promise<store.WaferOrder> {
  const order = await production.findWaferOrder(db, orderId);
  if (!order) throw notFound('Wafer order', orderId, 'id');
  return order;
}

async function orderWithDesign(db: Db, orderId: number) {
  const order = await requireWaferOrder(db, orderId);
  const partnership = (await store.findPartnership(db, order.partnershipId))!;
  const design = await requireDesign(db, partnership.designId);
  return { order, partnership, design };
}

/**
 * One step in an order's life (out, received, cancelled), on the order's own stream so that two
 * steps racing for one order are serialised; answered with the order as it now stands, named.
 */
async function recordOrderStep<K extends WaferOrderStepKind, R extends store.WaferOrder>(
  ctx: AppContext,
  step: { actor: Actor; kind: K; orderId: number; input: object; idempotencyKey: string | undefined },
  decide: (tx: Db) => Promise<PayloadOf<SupplyEvent, K>>,
  answer: (order: store.WaferOrder) => R,
): Promise<R & ListedWaferOrder> {
  const { actor, kind, orderId, input, idempotencyKey } = step;
  return named(
    ctx,
    await recordSupply(
      ctx,
      { actor, kind, stream: `wafer-order:${orderId}`, idempotencyKey, request: { orderId, ...input } },
      decide,
      async (tx) => answer((await production.findWaferOrder(tx, orderId))!),
    ),
  );
}

export async function markWaferOrderOut(
  ctx: AppContext,
  actor: Actor,
  orderId: number,
  input: { month: Month },
  idempotencyKey?: string,
): Promise<ListedWaferOrder> {
  return recordOrderStep(
    ctx,
    { actor, kind: 'supply.wafer-order-out', orderId, input, idempotencyKey },
    async (tx) => {
      await refuseIfMonthClosed(tx, input.month, 'month');
      const { order, partnership, design } = await orderWithDesign(tx, orderId);
      checkWaferOrderStep({ ...order, orderId, to: 'out', month: input.month });
      if (input.month < partnership.startMonth) {
        throw invalid(
          'month',
          `The partnership making order #${orderId} starts in ${partnership.startMonth}, after ${input.month}.`,
        );
      }
      // Wafers out early or late meet the yield of the month they actually come out.
      const yieldBp = yieldInMonth(partnership.curve, partnership.startMonth, input.month);
      return {
        orderId,
        outMonth: input.month,
        expectedDies: goodDies(order.wafers, design.diesPerWafer, yieldBp),
      } satisfies WaferOrderOutPayload;
    },
    (order) => order,
  );
}

export async function receiveWaferOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: number,
  input: { month: Month; chipsReceived: number },
  idempotencyKey?: string,
): Promise<ListedWaferOrder & { shortfall: number }> {
  return recordOrderStep(
    ctx,
    { actor, kind: 'supply.wafer-order-received', orderId, input, idempotencyKey },
    async (tx) => {
      await refuseIfMonthClosed(tx, input.month, 'month');
      const { order, design } = await orderWithDesign(tx, orderId);
      checkWaferOrderStep({ ...order, orderId, to: 'received', month: input.month });
      checkChipsReceived({
        orderId,
        wafers: order.wafers,
        diesPerWafer: design.diesPerWafer,
        chips: input.chipsReceived,
      });
      return {
        orderId,
        month: input.month,
        chipsReceived: input.chipsReceived,
      } satisfies WaferOrderReceivedPayload;
    },
    (order) => ({ ...order, shortfall: order.expectedDies - input.chipsReceived }),
  );
}

/**
 * Cancels an order the fab has not yet run. The order stays, marked cancelled with when and why;
 * its wafers no longer count against the agreement's month, and the plan expects no chips from it.
 */
export async function cancelWaferOrder(
  ctx: AppContext,
  actor: Actor,
  orderId: number,
  input: { month: Month; reason: string },
  idempotencyKey?: string,
): Promise<ListedWaferOrder> {
  return recordOrderStep(
    ctx,
    { actor, kind: 'supply.wafer-order-cancelled', orderId, input, idempotencyKey },
    async (tx) => {
      await refuseIfMonthClosed(tx, input.month, 'month');
      const order = await requireWaferOrder(tx, orderId);
      checkWaferOrderStep({ ...order, orderId, to: 'cancelled', month: input.month });
      return { orderId, month: input.month, reason: input.reason } satisfies WaferOrderCancelledPayload;
    },
    (order) => order,
  );
}

/** A wafer order as the API shows it: with the foundry that runs it and the design it makes, by name. */
export interface ListedWaferOrder extends store.WaferOrder {
  foundry: { id: string; name: string };
  design: { id: string; name: string };
}

/** Reads the partnerships, foundries and designs once; names any number of orders with them. */
async function orderNamer(ctx: AppContext) {
  const [partnerships, foundries, designs] = await Promise.all([
    store.selectPartnerships(ctx.db),
    store.selectFoundries(ctx.db),
    store.selectDesigns(ctx.db),
  ]);
  const partnership = new Map(partnerships.map((p) => [p.id, p]));
  const foundryName = new Map(foundries.map((f) => [f.id, f.name]));
  const designName = new Map(designs.map((d) => [d.id, d.name]));
  return <T extends store.WaferOrder>(o: T): T & ListedWaferOrder => {
    const p = partnership.get(o.partnershipId)!;
    return {
      ...o,
      foundry: { id: p.foundryId, name: foundryName.get(p.foundryId) ?? p.foundryId },
      design: { id: p.designId, name: designName.get(p.designId) ?? p.designId },
    };
  };
}

const named = async <T extends store.WaferOrder>(ctx: AppContext, order: T) => (await orderNamer(ctx))(order);

/** Wafer orders in id order; a page of them when `limit` is given. */
export async function listWaferOrders(
  ctx: AppContext,
  filter: { status?: store.WaferOrder['status'] | undefined } & PageAfter = {},
): Promise<ListedWaferOrder[]> {
  const [orders, name] = await Promise.all([production.selectWaferOrders(ctx.db, filter), orderNamer(ctx)]);
  return orders.map(name);
}
