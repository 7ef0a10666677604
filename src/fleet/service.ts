/**
 * The fleet's use cases, one file each; this is what other modules and the edges import.
 * (self-mining's curtailment advice `--apply` calls `controlMachines`.)
 */
export { type ControlReport, controlMachines, type MachineControlResult } from './control.js';
export { type ScanResult, scanRange } from './discovery.js';
export {
  type FleetSummary,
  fleetSummary,
  getMachine,
  listMachines,
  listStatusEvents,
  machineHistory,
  measuredHashrateSeries,
} from './queries.js';
export { RECONCILER, reconcilePower, sweepAndReconcile } from './reconcile.js';
export { type SweepReport, sweepFleet } from './sweep.js';
