import { defineProjections, recorder } from '../ledger/events.js';
import type { FleetEvent } from './events.js';
import { wantedPowerOf } from './model.js';
import {
  applyStatusChanges,
  completeControl,
  insertControl,
  insertMachines,
  setPowerIntent,
  updateMachine,
} from './store.js';

/** Writes one of the module's events, its payload checked against its kind. */
export const recordFleet = recorder<FleetEvent>();

/** Every payload carries the facts themselves (ids included), so a replay needs nothing else. */
export const fleetProjections = defineProjections<FleetEvent>({
  'fleet.machines-registered': async (tx, e) => insertMachines(tx, e.payload.machines, e.recordedAt),
  'fleet.machines-changed': async (tx, e) => {
    for (const change of e.payload.changes) await updateMachine(tx, change);
  },
  'fleet.statuses-changed': async (tx, e) => {
    const p = e.payload;
    await applyStatusChanges(tx, p.changes, new Date(p.observedAt), e.id);
  },
  'fleet.control-requested': async (tx, e) => {
    const p = e.payload;
    await insertControl(tx, {
      id: p.controlId,
      at: e.recordedAt,
      actor: e.actor,
      action: p.action,
      selector: p.selector,
      machineIds: p.machineIds,
    });
    const wanted = wantedPowerOf(p.action);
    if (wanted) {
      await setPowerIntent(tx, {
        id: p.controlId,
        at: e.recordedAt,
        actor: e.actor,
        wanted,
        machineIds: p.machineIds,
      });
    }
  },
  'fleet.control-completed': async (tx, e) => {
    const p = e.payload;
    await completeControl(tx, {
      id: p.controlId,
      at: e.recordedAt,
      succeeded: p.succeeded,
      failed: p.failed,
      results: p.results,
    });
  },
});
