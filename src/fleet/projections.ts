import type { Projections } from '../ledger/ledger.js';
import {
  applyStatusChanges,
  completeControl,
  insertControl,
  insertMachines,
  type MachineChangeFact,
  type NewMachineFact,
  type StatusChangeFact,
  updateMachine,
} from './store.js';

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

/** Every payload carries the facts themselves (ids included), so a replay needs nothing else. */
export const fleetProjections: Projections = {
  'fleet.machines-registered': async (tx, e) =>
    insertMachines(tx, (e.payload as MachinesRegistered).machines, e.recordedAt),
  'fleet.machines-changed': async (tx, e) => {
    for (const change of (e.payload as MachinesChanged).changes) await updateMachine(tx, change);
  },
  'fleet.statuses-changed': async (tx, e) => {
    const p = e.payload as StatusesChanged;
    await applyStatusChanges(tx, p.changes, new Date(p.observedAt), e.id);
  },
  'fleet.control-requested': async (tx, e) => {
    const p = e.payload as ControlRequested;
    await insertControl(tx, {
      id: p.controlId,
      at: e.recordedAt,
      actor: e.actor,
      action: p.action,
      selector: p.selector,
      machineIds: p.machineIds,
    });
  },
  'fleet.control-completed': async (tx, e) => {
    const p = e.payload as ControlCompleted;
    await completeControl(tx, {
      id: p.controlId,
      at: e.recordedAt,
      succeeded: p.succeeded,
      failed: p.failed,
      results: p.results,
    });
  },
};
