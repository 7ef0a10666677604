/**
 * Supply's records that other modules' tests start from, written through supply's own services:
 * the chips a machine is built from, so a test of mining or treasury does not spell them out again.
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Month } from '../kernel/calendar.js';
import type { NewAgreementInput, NewPartnershipInput } from './schemas.js';
import {
  addDesign,
  addFoundry,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  signAgreement,
  startPartnership,
} from './service.js';

/** TSMC making the A12 chip (600 dies a wafer, 100 of them in an A1246) under one agreement. */
export async function tsmcMakingA12(
  ctx: AppContext,
  actor: Actor,
  o: {
    leadTimeMonths: number;
    yieldCurve: NewPartnershipInput['yieldCurve'];
    agreement: Omit<NewAgreementInput, 'foundryId'>;
  },
) {
  await addFoundry(ctx, actor, { id: 'tsmc', name: 'TSMC', country: 'TW', leadTimeMonths: o.leadTimeMonths });
  await addDesign(ctx, actor, {
    id: 'A12',
    name: 'A12',
    processNm: 8,
    diesPerWafer: 600,
    models: [{ productId: 'A1246', chipsPerMachine: 100 }],
  });
  await startPartnership(ctx, actor, {
    foundryId: 'tsmc',
    designId: 'A12',
    startMonth: '2020-01',
    yieldCurve: o.yieldCurve,
  });
  return signAgreement(ctx, actor, { foundryId: 'tsmc', ...o.agreement });
}

/** An A12 wafer order placed, out of the fab and received with its chips. */
export async function receivedA12Order(
  ctx: AppContext,
  actor: Actor,
  agreementId: number,
  o: { wafers: number; placedMonth: Month; outMonth: Month; chipsReceived: number },
) {
  const order = await placeWaferOrder(ctx, actor, {
    agreementId,
    designId: 'A12',
    wafers: o.wafers,
    placedMonth: o.placedMonth,
  });
  await markWaferOrderOut(ctx, actor, order.id, { month: o.outMonth });
  await receiveWaferOrder(ctx, actor, order.id, { month: o.outMonth, chipsReceived: o.chipsReceived });
  return order;
}
