/**
 * How supply events keep the module's tables current. Each event carries everything its rows need
 * (ids, the computed out month and expected dies), so a replay into an empty database rebuilds them.
 */

import { dayOf, monthOf } from '../kernel/calendar.js';
import { defineProjections, recorder } from '../ledger/events.js';
import type { SupplyEvent } from './events.js';
import * as store from './store.js';
import * as production from './store-production.js';

/** Writes one of the module's events, its payload checked against its kind. */
export const recordSupply = recorder<SupplyEvent>();

export const supplyProjections = defineProjections<SupplyEvent>({
  'supply.foundry-added': (tx, e) => store.insertFoundry(tx, e.payload, e.recordedAt),
  'supply.design-added': (tx, e) => store.insertDesign(tx, e.payload, e.recordedAt),
  'supply.partnership-started': (tx, e) => store.insertPartnership(tx, e.payload, e.recordedAt),
  // Recorded before agreements carried a signing month: signed by its start at the latest, and no
  // later than it was recorded (migration 0860 dates the rows it found the same way).
  'supply.agreement-signed': (tx, { payload: p, recordedAt }) => {
    const recorded = monthOf(dayOf(recordedAt));
    const signedMonth = p.signedMonth ?? [recorded, p.startMonth].sort()[0]!;
    return store.insertAgreement(tx, { ...p, signedMonth }, recordedAt);
  },
  'supply.wafer-order-placed': (tx, e) => production.insertWaferOrder(tx, e.payload, e.recordedAt),
  'supply.wafer-order-out': (tx, { payload: p }) =>
    production.markOrderOut(tx, p.orderId, p.outMonth, p.expectedDies),
  'supply.wafer-order-received': (tx, { payload: p }) =>
    production.markOrderReceived(tx, p.orderId, p.month, p.chipsReceived),
  'supply.wafer-order-cancelled': (tx, { payload: p }) =>
    production.markOrderCancelled(tx, p.orderId, p.month, p.reason),
  'supply.build-recorded': (tx, e) => production.upsertBuild(tx, e.payload, e.recordedAt),
  'supply.assembly-capacity-set': (tx, e) =>
    production.upsertAssemblyCapacity(tx, e.payload.fromMonth, e.payload.machinesPerMonth, e.recordedAt),
  'supply.self-mining-share-set': (tx, e) =>
    production.upsertSelfMiningShare(tx, e.payload.fromMonth, e.payload.shareBp, e.recordedAt),
});
