/**
 * The service reports on the demo company. Failure rates counted in one pass (a few months a query)
 * are the rows the count model by model gave, and a month range is the all-time list's rows of its
 * months. The SLA report, which remembers its centres' finished tickets, equals one counted afresh.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
import type { Step } from './model.js';
import { failureRates, failureRatesOver, slaReport } from './reports.js';
import { centreFigures, type TimelineEntry } from './sla.js';
import { failureCounts, parseTimeline, selectCentres, timelinesByCentre } from './store.js';

describe('the service reports on the demo company', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ demo: 'demo@2021-01-15' });
  }, 600_000);
  afterAll(async () => {
    await app?.close();
  });

  type Count = Awaited<ReturnType<typeof failureCounts>>[number];
  const key = (c: Count) => [c.product_id, c.batch, c.foundry_lot ?? '', c.class, c.month].join('|');
  const sorted = (cs: Count[]) => [...cs].sort((a, b) => key(a).localeCompare(key(b)));

  it('counts every model in one pass as the count model by model did', async () => {
    // The previous computation: the models tickets were opened for, then one count each.
    const models = await sql<{ product_id: string }>`
      select distinct product_id from service_tickets
      where route = 'rma' and serial is not null and product_id is not null order by product_id`.execute(
      app.db,
    );
    expect(models.rows.length).toBeGreaterThan(1);
    const perModel: Count[] = [];
    for (const { product_id } of models.rows) perModel.push(...(await failureCounts(app.db, product_id)));
    expect(perModel.length).toBeGreaterThan(100);
    expect(sorted(await failureCounts(app.db))).toEqual(sorted(perModel));
  });

  it('gives a range of months, read a few months at a time, as the all-time rows of those months', async () => {
    const all = await failureRates(app);
    const answer = await failureRatesOver(app, { from: '2020-02', to: '2020-12' });
    const months = new Set(answer.rates.map((r) => r.month));
    expect([...months].sort()).toEqual([
      '2020-02',
      '2020-03',
      '2020-04',
      '2020-05',
      '2020-06',
      '2020-07',
      '2020-08',
      '2020-09',
      '2020-10',
      '2020-11',
      '2020-12',
    ]);
    expect(answer.rates).toEqual(all.filter((r) => r.month >= '2020-02' && r.month <= '2020-12'));
    // No range: the 12 months up to the latest with a hardware ticket (the demo stands at 2021-01-15).
    const latest = await failureRatesOver(app, {});
    expect([latest.from, latest.to]).toEqual(['2020-02', '2021-01']);
    expect(latest.rates).toEqual(all.filter((r) => r.month >= '2020-02'));
  });

  it('gives the SLA from remembered finished tickets as counted afresh, whatever the clock', async () => {
    const afresh = async () => {
      const now = app.clock.now().getTime();
      const all = await timelinesByCentre(app.db);
      return (await selectCentres(app.db)).map((c) => {
        const tickets = (all.get(c.id) ?? []).map((line) => {
          const space = line.indexOf(' ');
          const timeline = parseTimeline(line.slice(space + 1)) as TimelineEntry[];
          return { step: line.slice(0, space) as Step, timeline };
        });
        return { centreId: c.id, ...centreFigures(c.calendar, c.technicians, tickets, now) };
      });
    };
    const first = await slaReport(app);
    expect(first.some((c) => c.tickets > 1000)).toBe(true);
    expect(first).toMatchObject(await afresh());
    // A month on (open tickets' stages run to the clock), from what the first report remembered.
    app.clock.set('2021-02-15T00:00:00Z');
    expect(await slaReport(app)).toMatchObject(await afresh());
  });
});
