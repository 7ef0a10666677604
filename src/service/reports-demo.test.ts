/**
 * The service reports on the demo company. Failure rates counted in one pass (a few months a query)
 * are the rows the count model by model gave, and a month range is the all-time list's rows of its
 * months. Each finished RMA's stored SLA figures are what the rule makes of its timeline, before
 * and after its centre's calendar changes, and the SLA reports summing them equal ones measured
 * afresh from every ticket's timeline.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, testApp } from '../testing/index.js';
import { fillFiguresFinishedEarlier } from './background.js';
import { setCentre } from './centres.js';
import type { Step } from './model.js';
import { failureRates, failureRatesOver, shippedFigures, slaReport } from './reports.js';
import { CentreInput } from './schemas.js';
import { centreFigures, DONE, finishedFigures, type TimelineEntry, workingClock } from './sla.js';
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

  const ticketOf = (line: string) => {
    const space = line.indexOf(' ');
    return {
      step: line.slice(0, space) as Step,
      timeline: parseTimeline(line.slice(space + 1)) as TimelineEntry[],
    };
  };
  /** Every centre's figures measured from every ticket's timeline, nothing stored read. */
  const afresh = async () => {
    const now = app.clock.now().getTime();
    const all = await timelinesByCentre(app.db);
    return (await selectCentres(app.db)).map((c) => ({
      centreId: c.id,
      ...centreFigures(c.calendar, c.technicians, (all.get(c.id) ?? []).map(ticketOf), now),
    }));
  };
  /** Each finished RMA's stored figures beside what the rule makes of its timeline by today's calendar. */
  const storedAndMeasured = async () => {
    const clocks = new Map((await selectCentres(app.db)).map((c) => [c.id, workingClock(c.calendar)]));
    const rows = await sql<{
      centre_id: string;
      timeline: string;
      measured: number | null;
      met: number | null;
      turnaround: string | null;
    }>`
      select t.centre_id, t.timeline, s.measured, s.met, s.turnaround_ms::text as turnaround
      from service_tickets t left join service_ticket_sla s on s.ticket_id = t.id
      where t.route = 'rma' and t.centre_id is not null and t.step = any(${[...DONE]}::text[])
      order by t.id`.execute(app.db);
    return {
      stored: rows.rows.map((r) => ({
        measured: r.measured,
        met: r.met,
        turnaroundMs: r.turnaround === null ? null : Number(r.turnaround),
      })),
      measured: rows.rows.map((r) =>
        finishedFigures(clocks.get(r.centre_id)!, parseTimeline(r.timeline) as TimelineEntry[]),
      ),
    };
  };

  it('stores each finished RMA’s SLA figures as the rule measures its timeline', async () => {
    const { stored, measured } = await storedAndMeasured();
    expect(stored.length).toBeGreaterThan(5000);
    expect(stored).toEqual(measured);
  });

  it('gives the SLA from the stored figures as measured afresh, whatever the clock', async () => {
    const first = await slaReport(app);
    expect(first.some((c) => c.tickets > 1000)).toBe(true);
    expect(first).toMatchObject(await afresh());
    // A month on (open tickets' stages run to the clock).
    app.clock.set('2021-02-15T00:00:00Z');
    expect(await slaReport(app)).toMatchObject(await afresh());
  });

  it('gives a quarter’s shipped RMAs from their stored figures as measured afresh', async () => {
    const span = { from: '2020-10-01', to: '2020-12-31' } as const;
    const shipped = await sql<{ centre_id: string; line: string }>`
      select centre_id, step || ' ' || timeline as line from service_tickets
      where route = 'rma' and centre_id is not null
        and shipped_at::date between ${span.from}::date and ${span.to}::date`.execute(app.db);
    const end = Date.parse('2021-01-01T00:00:00Z');
    const expected = (await selectCentres(app.db)).map((c) => ({
      centreId: c.id,
      ...centreFigures(
        c.calendar,
        c.technicians,
        shipped.rows.filter((r) => r.centre_id === c.id).map((r) => ticketOf(r.line)),
        end,
      ),
    }));
    expect(expected.reduce((n, c) => n + c.turnaroundDays.shipped, 0)).toBeGreaterThan(500);
    expect(await shippedFigures(app, span)).toMatchObject(expected);
  });

  it('works a centre’s finished tickets out again when its calendar changes', async () => {
    const first = await slaReport(app);
    const busiest = [...first].sort((a, b) => b.tickets - a.tickets)[0]!;
    const centre = (await selectCentres(app.db)).find((c) => c.id === busiest.centreId)!;
    // Fridays off: fewer working hours, so more stages within their targets.
    const hours = centre.calendar.hours.filter((h) => h.weekday !== 5);
    await setCentre(
      app,
      app.actor(),
      CentreInput.parse({ ...centre, calendar: { ...centre.calendar, hours } }),
    );
    const after = await slaReport(app);
    expect(after.find((c) => c.centreId === centre.id)!.slaMetPct).toBeGreaterThan(busiest.slaMetPct!);
    expect(after).toMatchObject(await afresh());
    const { stored, measured } = await storedAndMeasured();
    expect(stored).toEqual(measured);
  });

  it('measures on read a finished ticket stored without figures (finished before migration 1100)', async () => {
    // As migration 1100 leaves a ticket finished before it: a row, no figures.
    await sql`update service_ticket_sla set measured = null, met = null where ticket_id % 3 = 0`.execute(
      app.db,
    );
    expect(await slaReport(app)).toMatchObject(await afresh());
  });

  it('works out, behind a start, the figures of the tickets stored without them', async () => {
    const missing = sql<{
      n: number;
    }>`select count(*)::int as n from service_ticket_sla where measured is null`;
    expect((await missing.execute(app.db)).rows[0]!.n).toBeGreaterThan(1000);
    expect(await fillFiguresFinishedEarlier(app, () => false)).toBe(true);
    expect((await missing.execute(app.db)).rows[0]!.n).toBe(0);
    const { stored, measured } = await storedAndMeasured();
    expect(stored).toEqual(measured);
    expect(await fillFiguresFinishedEarlier(app, () => false)).toBe(false);
  });
});
