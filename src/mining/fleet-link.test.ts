/**
 * The fleet's measurements by UTC day, whatever the time zone of the session that reads them: a
 * range's end was its last day's UTC midnight plus `interval '1 day'`, which a session in a zone with
 * daylight saving time adds as 25 hours on the day the clocks go back, taking in the next day's first hour.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/db.js';
import { type TestApp, testApp } from '../testing/index.js';
import { measuredThsByDay } from './fleet-link.js';

/** Los Angeles's clocks went back on 2020-11-01 (09:00 UTC): that day was 25 hours long there. */
const ZONE = 'America/Los_Angeles';

/** `work` in a transaction whose session keeps its time in `ZONE`. */
function inZone<T>(db: Db, work: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await sql`set local time zone ${sql.lit(ZONE)}`.execute(tx);
    return work(tx);
  });
}

describe('measurements by UTC day in a session of another time zone', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => app?.close());

  it('ends a range at the UTC midnight after its last day, on the day the clocks go back too', async () => {
    // Noon on the last day, and half past midnight the day after: only the first is in the range.
    await sql`
      insert into fleet_hashrate_minutes (site, minute, sweeps, ths_sum, machines, reporting, stale, offline)
      values ('*', '2020-11-01T12:00:00Z', 1, 100, 1, 1, 0, 0), ('*', '2020-11-02T00:30:00Z', 1, 200, 1, 1, 0, 0)`.execute(
      app.db,
    );
    const days = (m: Map<string, Map<string, unknown>>) => [...(m.get('*')?.keys() ?? [])];
    expect(days(await measuredThsByDay(app.db, '2020-11-01', '2020-11-01'))).toEqual(['2020-11-01']);
    expect(days(await inZone(app.db, (tx) => measuredThsByDay(tx, '2020-11-01', '2020-11-01')))).toEqual([
      '2020-11-01',
    ]);
  });
});
