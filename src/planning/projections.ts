import { defineProjections, recorder } from '../ledger/events.js';
import type { PlanningEvent } from './events.js';
import { saveScenario } from './store.js';

export const recordPlanning = recorder<PlanningEvent>();

export const planningProjections = defineProjections<PlanningEvent>({
  'planning.scenario-saved': async (tx, e) =>
    saveScenario(tx, { id: e.payload.scenarioId, inputs: e.payload.inputs, at: e.recordedAt, by: e.actor }),
});
