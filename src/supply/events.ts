/**
 * The supply module's ledger events, by kind. Each carries everything its rows need (ids, the
 * computed out month and expected dies), so a replay into an empty database rebuilds them. Pure.
 */
import type { Month } from '../kernel/calendar.js';
import type { EventOf } from '../ledger/events.js';
import type { BuildRecord } from './plan.js';
import type { Agreement, Design, Foundry, WaferOrder } from './store.js';
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

/** An agreement as signed; events recorded before signing months were dated carry none. */
export type AgreementSigned = Omit<Agreement, 'signedMonth'> & { signedMonth?: Month };

export type SupplyEvent =
  | EventOf<'supply.foundry-added', Foundry>
  | EventOf<'supply.design-added', Design>
  | EventOf<'supply.partnership-started', PartnershipSpec>
  | EventOf<'supply.agreement-signed', AgreementSigned>
  | EventOf<'supply.wafer-order-placed', WaferOrder>
  | EventOf<'supply.wafer-order-out', WaferOrderOutPayload>
  | EventOf<'supply.wafer-order-received', WaferOrderReceivedPayload>
  | EventOf<'supply.wafer-order-cancelled', WaferOrderCancelledPayload>
  | EventOf<'supply.build-recorded', BuildRecord>
  | EventOf<'supply.assembly-capacity-set', { fromMonth: Month; machinesPerMonth: number }>
  | EventOf<'supply.self-mining-share-set', { fromMonth: Month; shareBp: number }>;

/** The steps in a wafer order's life after it is placed, each on the order's own stream. */
export type WaferOrderStepKind =
  | 'supply.wafer-order-out'
  | 'supply.wafer-order-received'
  | 'supply.wafer-order-cancelled';
