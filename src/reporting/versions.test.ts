/**
 * The report remembered while nothing it reads has changed, whatever else is written (reads.ts,
 * migration 1010): a ledger event, a market price or a measurement of a past day computes afresh and
 * shows; a measurement of today, which the fleet writes every sweep, leaves a closed quarter's
 * report as remembered and computes the current quarter's measured figures afresh.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSweepTotals } from '../fleet/series-store.js';
import { addQuarters, type Day, quarterOf } from '../kernel/calendar.js';
import { toWireJson } from '../kernel/json.js';
import { setSpotPrices } from '../market/service.js';
import { outlookSection } from '../planning/report-section.js';
import { type TestApp, testApp } from '../testing/index.js';
import { listGuidance } from './guidance.js';
import { FRESH } from './reads.js';
import { computeQuarterlyReport } from './service.js';

let app: TestApp;
let site: string;
const Q = '2022Q2';
const DEMO_DAY = '2022-07-15T00:00:00Z';
const wire = (x: unknown) => JSON.parse(toWireJson(x)) as unknown;
const remembered = (quarter = Q) => computeQuarterlyReport(app, quarter);
const fresh = (quarter = Q) => computeQuarterlyReport(app, quarter, { reads: FRESH });
let sweeps = 0;
/** One sweep's total for the site in the minute starting at `at`: the fleet's own write, as it lands. */
const measure = (at: string, ths: number) =>
  addSweepTotals(
    app.db,
    new Date(at),
    new Map([[site, { machines: 1, reporting: 1, stale: 0, offline: 0, ths }]]),
    `versions-test:${++sweeps}`,
  );
const counters = async () =>
  (await sql<{ c: string }>`select past_measurements::text as c from report_versions`.execute(app.db)).rows[0]
    ?.c;

beforeAll(async () => {
  app = await testApp({ demo: 'demo@2022-07-15-no-service' });
  const r = await sql<{ code: string }>`select code from mining_sites order by code limit 1`.execute(app.db);
  site = r.rows[0]!.code;
}, 900_000);
afterAll(async () => app?.close());

describe('reads shared by sections', () => {
  it('the outlook from the report’s sales quarters is the outlook read on its own', async () => {
    app.clock.set(DEMO_DAY);
    const shared = (await fresh('2021Q4')).outlook;
    expect(shared.available).toBe(true);
    expect(wire(shared)).toEqual(wire(await outlookSection(app, '2021Q4', await listGuidance(app))));
  });
});

describe('what moves the remembered report', () => {
  it('a market price of the quarter: computed afresh, and it shows', async () => {
    app.clock.set(DEMO_DAY);
    const before = await remembered();
    expect((await remembered()).machines).toBe(before.machines);
    const spot = before.machines.spotAtEnd.centsPerTh!;
    await setSpotPrices(
      app,
      app.actor('admin'),
      [{ day: '2022-06-30', usdPerTh: spot + 100n }],
      'versions test',
    );
    const after = await remembered();
    expect(after.machines.spotAtEnd.centsPerTh).toBe(spot + 100n);
    expect(wire(after)).toEqual(wire(await fresh()));
  });

  it('a measurement of a past day: computed afresh, and it shows', async () => {
    app.clock.set(DEMO_DAY);
    const before = await remembered();
    const count = await counters();
    // The demo's fleet measured nothing on its own: one sweep of 5,000 TH/s on the quarter's last day.
    await measure('2022-06-30T12:00:00Z', 5000);
    expect(await counters()).not.toBe(count);
    const after = await remembered();
    const measured = (r: typeof before) => (r.selfMining as { measuredPh: number | null }).measuredPh;
    expect(measured(after)).not.toBe(measured(before));
    expect(measured(after)).toBeGreaterThanOrEqual(5);
    expect(wire(after)).toEqual(wire(await fresh()));
  });

  it('a measurement of today: a closed quarter stays remembered, the current one computes afresh', async () => {
    // Today by the database's clock too: the counters tell today's measurements by its clock.
    const now = new Date();
    app.clock.set(now.toISOString());
    const today = now.toISOString().slice(0, 10) as Day;
    const current = quarterOf(today);
    // The pair is asked until no other write (another test file's, on a shared server) fell between.
    for (let attempt = 1; ; attempt++) {
      const count = await counters();
      const closed = await remembered();
      const live = await remembered(current);
      await measure(`${today}T00:00:00Z`, 1234);
      const closedAgain = await remembered();
      const liveAgain = await remembered(current);
      if ((await counters()) !== count && attempt < 20) continue;
      expect(closedAgain.selfMining).toBe(closed.selfMining);
      expect(closedAgain.treasury).toBe(closed.treasury);
      expect(closedAgain.machines).toBe(closed.machines);
      expect(wire(closedAgain)).toEqual(wire(await fresh()));
      // The current quarter's measured figures read today's: those are computed afresh.
      expect(liveAgain.selfMining).not.toBe(live.selfMining);
      expect(liveAgain.machines).toBe(live.machines);
      expect(wire(liveAgain)).toEqual(wire(await fresh(current)));
      break;
    }
    expect(addQuarters(Q, 1) <= current).toBe(true);
  });
});
