/** The service module's ledger events, by kind. Each carries everything its rows need for a replay. */
import type { Day } from '../kernel/calendar.js';
import type { Json } from '../kernel/json.js';
import type { EventOf } from '../ledger/events.js';
import type {
  Centre,
  Part,
  PartUse,
  SerialLot,
  SerialRange,
  Step,
  TicketClass,
  WaitReason,
  WarrantyPolicy,
} from './model.js';

export interface SerialsDelivered {
  contractId: number;
  customerId: number;
  dispatchedOn: Day;
  deliveredOn: Day;
  ranges: SerialRange[];
}

export interface PartsMoved {
  moves: { centreId: string; part: Part; delta: number }[];
  reason: 'transfer' | 'repair';
  ticketId: number | null;
}

/** An alert of the alerts module taken up by a fleet ticket: the same fault, seen by its rule. */
export interface AlertLink {
  alertId: number;
  rule: string;
}

export interface TicketOpened {
  ticketId: number;
  origin: 'customer' | 'fleet';
  ticketClass: TicketClass;
  serial: string | null;
  productId: string | null;
  customerId: number | null;
  machineId: number | null;
  site: string | null;
  centreId: string | null;
  summary: string;
  /** When it was requested (the write's time, or the time an imported history says). */
  at: string;
  /** The poll reply that proved a fleet fault. */
  evidence: { fault: string; reply: Json } | null;
  /** The alerts that fired on the same fault (a fleet ticket's; absent on older events). */
  alerts?: AlertLink[];
}

/** What a step records beyond its name: findings, parts, the replacement and the cost. */
export interface StepDetail {
  note?: string;
  warranty?: boolean;
  partsUsed?: PartUse[];
  replacementSerial?: string;
  costCents?: bigint;
}

export interface TicketStepped {
  ticketId: number;
  step: Step | 'waiting' | 'resumed';
  at: string;
  waitingFor?: WaitReason;
  detail: StepDetail;
}

/** A ticket's whole history written at once (the demo's and the benchmark's imports). */
export interface ImportedTicket {
  opened: TicketOpened;
  steps: (TicketStepped & { actor: string })[];
}

export type ServiceEvent =
  | EventOf<'service.serials-lotted', SerialLot>
  | EventOf<'service.serials-delivered', SerialsDelivered>
  | EventOf<'service.machine-linked', { machineId: number; serial: string }>
  | EventOf<'service.policy-set', WarrantyPolicy>
  | EventOf<'service.centre-set', Centre>
  | EventOf<'service.parts-moved', PartsMoved>
  | EventOf<'service.ticket-opened', TicketOpened>
  | EventOf<'service.ticket-stepped', TicketStepped>
  | EventOf<'service.ticket-moved', { ticketId: number; from: string | null; to: string; reason: string }>
  | EventOf<
      'service.fault-evidence-added',
      { ticketId: number; at: string; fault: string; reply: Json; alerts?: AlertLink[] }
    >
  | EventOf<'service.tickets-imported', { tickets: ImportedTicket[] }>;
