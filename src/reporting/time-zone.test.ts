/**
 * The quarterly report's figures are UTC days and months whatever the time zone of the session that
 * reads them: a server set to another zone (or a role's own setting) gives the same report.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Quarter } from '../kernel/calendar.js';
import { type TestApp, testApp } from '../testing/index.js';
import { FRESH } from './reads.js';
import { computeQuarterlyReport } from './service.js';

/** UTC+14 and UTC-8 (UTC-7 in summer): a day's edges fall on either side of UTC midnight. */
const ZONES = ['Pacific/Kiritimati', 'America/Los_Angeles'];

describe('the quarterly report in a session of another time zone', { timeout: 120_000 }, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ demo: 'demo@2021-01-15' });
  });
  afterAll(async () => app?.close());

  /** The report as JSON, computed in one transaction whose session keeps its time in `zone`. */
  const reportIn = (zone: string, quarter: Quarter) =>
    app.db.transaction().execute(async (tx) => {
      await sql`set local time zone ${sql.lit(zone)}`.execute(tx);
      const report = await computeQuarterlyReport({ ...app, db: tx }, quarter, { reads: FRESH });
      return JSON.parse(JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
    });

  // Every module's figures (the demo's mid-January snapshot has them all), a quarter closed.
  it('gives the figures a UTC session does', async () => {
    const utc = await reportIn('UTC', '2020Q4');
    for (const zone of ZONES) expect(await reportIn(zone, '2020Q4'), zone).toEqual(utc);
  });
});
