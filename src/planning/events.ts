import type { EventOf } from '../ledger/events.js';
import type { ScenarioInput } from './schemas.js';

/** A scenario as saved: its number and its inputs exactly as checked (the seed among them). */
export interface ScenarioSaved {
  scenarioId: number;
  inputs: ScenarioInput;
}

export type PlanningEvent = EventOf<'planning.scenario-saved', ScenarioSaved>;
