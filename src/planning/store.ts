/** Saved scenarios, one row each as their events leave them. */
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import { fromStoredJson, toStoredJsonText } from '../kernel/json.js';
import type { ScenarioInput } from './schemas.js';

export type PlanningTables = {
  planning_scenarios: {
    id: number;
    name: string;
    as_of: Day;
    inputs: unknown;
    created_at: Date;
    created_by: string;
  };
};

const planningDb = (db: Db) => db.withTables<PlanningTables>();

export interface SavedScenario {
  id: number;
  name: string;
  asOf: Day;
  inputs: ScenarioInput;
  createdAt: Date;
  createdBy: string;
}

export async function saveScenario(
  tx: Db,
  s: { id: number; inputs: ScenarioInput; at: Date; by: string },
): Promise<void> {
  await planningDb(tx)
    .insertInto('planning_scenarios')
    .values({
      id: s.id,
      name: s.inputs.name,
      as_of: s.inputs.asOf,
      inputs: toStoredJsonText(s.inputs),
      created_at: s.at,
      created_by: s.by,
    })
    .execute();
}

const toSaved = (r: PlanningTables['planning_scenarios']): SavedScenario => ({
  id: r.id,
  name: r.name,
  asOf: r.as_of,
  inputs: fromStoredJson<ScenarioInput>(r.inputs),
  createdAt: r.created_at,
  createdBy: r.created_by,
});

export async function findScenario(db: Db, id: number): Promise<SavedScenario | undefined> {
  const r = await planningDb(db)
    .selectFrom('planning_scenarios')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return r && toSaved(r);
}

export async function selectScenarios(db: Db): Promise<SavedScenario[]> {
  return (
    await planningDb(db).selectFrom('planning_scenarios').selectAll().orderBy('id', 'desc').execute()
  ).map(toSaved);
}
