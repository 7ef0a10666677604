import type { Db } from '../db/db.js';
import type { Guidance, GuidanceMetric } from './guidance-model.js';

export type ReportingTables = {
  reporting_guidance: {
    id: bigint;
    given_with: string;
    metric: string;
    period: string;
    family: string | null;
    low: number | null;
    high: number | null;
    statement: string;
    event_id: bigint;
    recorded_at: Date;
  };
};

const tables = (db: Db) => db.withTables<ReportingTables>();

export async function insertGuidance(db: Db, g: Guidance, eventId: bigint, at: Date): Promise<void> {
  await tables(db)
    .insertInto('reporting_guidance')
    .values({
      id: BigInt(g.id),
      given_with: g.givenWith,
      metric: g.metric,
      period: g.period,
      family: g.family,
      low: g.low,
      high: g.high,
      statement: g.statement,
      event_id: eventId,
      recorded_at: at,
    })
    .execute();
}

/** Guidance given with `quarter`'s results, or about a period that `quarter` falls in or is. */
export async function selectGuidance(
  db: Db,
  f: { givenWith?: string; periods?: string[] } = {},
): Promise<Guidance[]> {
  let q = tables(db).selectFrom('reporting_guidance').selectAll().orderBy('id');
  if (f.givenWith || f.periods) {
    q = q.where((eb) =>
      eb.or([
        ...(f.givenWith ? [eb('given_with', '=', f.givenWith)] : []),
        ...(f.periods && f.periods.length > 0 ? [eb('period', 'in', f.periods)] : []),
      ]),
    );
  }
  return (await q.execute()).map((r) => ({
    id: Number(r.id),
    givenWith: r.given_with,
    metric: r.metric as GuidanceMetric,
    period: r.period,
    family: r.family,
    low: r.low,
    high: r.high,
    statement: r.statement,
  }));
}
