/**
 * The sales module's ledger events, by kind: what each kind's payload carries. Pure: the kinds,
 * the payload types and their union, no IO.
 */
import type { EventOf, Recorded } from '../ledger/events.js';
import type { ImportReport } from './import.js';
import type { Contract, Customer } from './model.js';
import type { ContractEvent, EventEffect } from './model-events.js';

export const SALES_EVENT = {
  customerAdded: 'sales.customer-added',
  contractSigned: 'sales.contract-signed',
  paymentReceived: 'sales.payment-received',
  refundPaid: 'sales.refund-paid',
  deliveryRecorded: 'sales.delivery-recorded',
  contractCancelled: 'sales.contract-cancelled',
  tranchesRescheduled: 'sales.tranches-rescheduled',
  paymentAdjusted: 'sales.payment-adjusted',
  importCompleted: 'sales.import-completed',
} as const;

/** The ledger event kind of each contract event type. */
export const KIND_OF = {
  'payment-received': SALES_EVENT.paymentReceived,
  refund: SALES_EVENT.refundPaid,
  delivery: SALES_EVENT.deliveryRecorded,
  cancellation: SALES_EVENT.contractCancelled,
  reschedule: SALES_EVENT.tranchesRescheduled,
  'payment-adjustment': SALES_EVENT.paymentAdjusted,
} as const satisfies Record<ContractEvent['type'], string>;

/** The kinds of the events that happen to a signed contract; they share one payload. */
export type ContractEventKind = (typeof KIND_OF)[ContractEvent['type']];

export interface CustomerAdded {
  customer: Customer;
}
export interface ContractSigned {
  contract: Contract;
}
export interface ContractEventRecorded {
  contractId: number;
  event: ContractEvent;
  effect: EventEffect;
}

export type SalesEvent =
  | EventOf<typeof SALES_EVENT.customerAdded, CustomerAdded>
  | EventOf<typeof SALES_EVENT.contractSigned, ContractSigned>
  | EventOf<ContractEventKind, ContractEventRecorded>
  | EventOf<typeof SALES_EVENT.importCompleted, ImportReport>;

/** Every kind of `SalesEvent`, for narrowing events read back from the ledger. */
export const SALES_KINDS = Object.values(SALES_EVENT);

const CONTRACT_EVENT_KINDS: readonly string[] = Object.values(KIND_OF);

/** Whether a sales event is one that happened to a signed contract (payment, delivery, ...). */
export const isContractEvent = (
  e: Recorded<SalesEvent>,
): e is Recorded<Extract<SalesEvent, { kind: ContractEventKind }>> => CONTRACT_EVENT_KINDS.includes(e.kind);
