/**
 * How supply events keep the module's tables current. Each event carries everything its rows need
 * (ids, the computed out month and expected dies), so a replay into an empty database rebuilds them.
 */

import type { Month } from '../kernel/calendar.js';
import type { Projections } from '../ledger/ledger.js';
import type { BuildRecord } from './plan.js';
import * as store from './store.js';
import * as production from './store-production.js';
import type { PartnershipSpec } from './yield.js';

export interface WaferOrderOutPayload {
  orderId: number;
  outMonth: Month;
  expectedDies: number;
}

export interface WaferOrderReceivedPayload {
  orderId: number;
  month: Month;
  chipsReceived: number;
}

export interface WaferOrderCancelledPayload {
  orderId: number;
  month: Month;
  reason: string;
}

export const supplyProjections: Projections = {
  'supply.foundry-added': (tx, e) => store.insertFoundry(tx, e.payload as store.Foundry, e.recordedAt),
  'supply.design-added': (tx, e) => store.insertDesign(tx, e.payload as store.Design, e.recordedAt),
  'supply.partnership-started': (tx, e) =>
    store.insertPartnership(tx, e.payload as PartnershipSpec, e.recordedAt),
  'supply.agreement-signed': (tx, e) => store.insertAgreement(tx, e.payload as store.Agreement, e.recordedAt),
  'supply.wafer-order-placed': (tx, e) =>
    production.insertWaferOrder(tx, e.payload as store.WaferOrder, e.recordedAt),
  'supply.wafer-order-out': (tx, e) => {
    const p = e.payload as WaferOrderOutPayload;
    return production.markOrderOut(tx, p.orderId, p.outMonth, p.expectedDies);
  },
  'supply.wafer-order-received': (tx, e) => {
    const p = e.payload as WaferOrderReceivedPayload;
    return production.markOrderReceived(tx, p.orderId, p.month, p.chipsReceived);
  },
  'supply.wafer-order-cancelled': (tx, e) => {
    const p = e.payload as WaferOrderCancelledPayload;
    return production.markOrderCancelled(tx, p.orderId, p.month, p.reason);
  },
  'supply.build-recorded': (tx, e) => production.upsertBuild(tx, e.payload as BuildRecord, e.recordedAt),
  'supply.assembly-capacity-set': (tx, e) => {
    const p = e.payload as { fromMonth: Month; machinesPerMonth: number };
    return production.upsertAssemblyCapacity(tx, p.fromMonth, p.machinesPerMonth, e.recordedAt);
  },
  'supply.self-mining-share-set': (tx, e) => {
    const p = e.payload as { fromMonth: Month; shareBp: number };
    return production.upsertSelfMiningShare(tx, p.fromMonth, p.shareBp, e.recordedAt);
  },
};
