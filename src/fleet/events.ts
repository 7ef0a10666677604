/** The fleet module's ledger events, by kind. Every payload carries the facts themselves (ids included). Pure. */
import type { EventOf } from '../ledger/events.js';
import type { MachineChangeFact, NewMachineFact, StatusChangeFact } from './store.js';

export interface MachinesRegistered {
  scan: string;
  machines: NewMachineFact[];
}
export interface MachinesChanged {
  reason: string;
  changes: MachineChangeFact[];
}
export interface StatusesChanged {
  sweep: number;
  /** When the polls that saw the changes were made (the event is recorded a moment later). */
  observedAt: string;
  changes: StatusChangeFact[];
}
export interface ControlRequested {
  controlId: number;
  action: unknown;
  selector: unknown;
  machineIds: number[];
}
export interface ControlCompleted {
  controlId: number;
  succeeded: number;
  failed: number;
  results: unknown;
}

export type FleetEvent =
  | EventOf<'fleet.machines-registered', MachinesRegistered>
  | EventOf<'fleet.machines-changed', MachinesChanged>
  | EventOf<'fleet.statuses-changed', StatusesChanged>
  | EventOf<'fleet.control-requested', ControlRequested>
  | EventOf<'fleet.control-completed', ControlCompleted>;
