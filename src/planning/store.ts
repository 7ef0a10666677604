/** Saved scenarios, one row each as their events leave them. */
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import { fromStoredJson, toStoredJsonText } from '../kernel/json.js';
import type { ReadSnapshot } from '../ledger/latest.js';
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
  planning_scenario_results: {
    scenario_id: number;
    through_snapshot: string;
    stale_on: Day | null;
    result: unknown;
    computed_at: Date;
    computed_by: string;
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

/** A run's results as stored, with what tells whether they still hold (migrations 0961, 1050). */
export interface StoredResults<R> {
  scenarioId: number;
  /** The snapshot the run read from (src/ledger/latest.ts). */
  throughSnapshot: ReadSnapshot;
  staleOn: Day | null;
  result: R;
  computedAt: Date;
  computedBy: string;
}

/** Stores a run's results in place of the last run's: one statement, its own transaction. */
export async function saveResults<R>(db: Db, r: StoredResults<R>): Promise<void> {
  const row = {
    scenario_id: r.scenarioId,
    through_snapshot: r.throughSnapshot,
    stale_on: r.staleOn,
    result: toStoredJsonText(r.result),
    computed_at: r.computedAt,
    computed_by: r.computedBy,
  };
  await planningDb(db)
    .insertInto('planning_scenario_results')
    .values(row)
    .onConflict((oc) => oc.column('scenario_id').doUpdateSet(row))
    .execute();
}

export async function findResults<R>(db: Db, scenarioId: number): Promise<StoredResults<R> | undefined> {
  const r = await planningDb(db)
    .selectFrom('planning_scenario_results')
    .selectAll()
    .where('scenario_id', '=', scenarioId)
    .executeTakeFirst();
  return (
    r && {
      scenarioId: r.scenario_id,
      throughSnapshot: r.through_snapshot,
      staleOn: r.stale_on,
      result: fromStoredJson<R>(r.result),
      computedAt: r.computed_at,
      computedBy: r.computed_by,
    }
  );
}
