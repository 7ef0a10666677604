/**
 * The service network over the HTTP API on a real database: serials from real builds and
 * deliveries, warranty, centres and parts, a customer's RMA through every step, the SLA report,
 * fleet faults from the simulator over real TCP, and bad input refused with nothing written.
 * Each test builds on the one before, as a service desk's day would.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { replayInto } from '../ledger/replay.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { seedCatalog } from '../sales/test-fixtures.js';
import { type Json, type TestServer, tableCounts, testApp, testServer } from '../testing/index.js';
import { serviceNetworkSection } from './report-section.js';
import { failureRates, slaReport } from './reports.js';
import { centreInput as centre, REPLACED_RMA_STEPS, soldMachines } from './test-fixtures.js';

const S = (n: number) => `A1246-202012-${String(n).padStart(6, '0')}`;
describe('the service network', () => {
  let s: TestServer;
  let sim: Simulator;
  let customerId: number;
  let ticketId: number;

  const ok = async (method: string, path: string, body?: unknown, role: Json = 'service') => {
    const r = await s.call(method, path, { role, body });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  /** A refusal: its status and body, and proof that nothing was written. */
  const refused = async (method: string, path: string, body: unknown, role: Json = 'service') => {
    const before = await tableCounts(s.app);
    const r = await s.call(method, path, { role, body });
    expect(await tableCounts(s.app)).toEqual(before);
    return r;
  };

  beforeAll(async () => {
    s = await testServer();
    sim = await startSimulator({ count: 2, base: '127.186.1.1', seed: 'service' });
    const admin = s.app.actor();
    s.app.clock.set('2021-01-15T00:00:00Z');
    await seedCatalog(s.app);
    ({ customerId } = await soldMachines(s.app, admin));
  });
  afterAll(async () => {
    await sim.stop();
    await s.close();
  });

  it('labels a build’s serials with batch and lot, and gives delivered machines their serials', async () => {
    const lot = {
      productId: 'A1246',
      month: '2020-12',
      first: 1,
      last: 10,
      batch: 'A1246-B1',
      foundryLot: 'TW-0042',
    };
    expect(await ok('POST', '/api/service/serials/lots', lot, 'supply')).toMatchObject({
      firstSerial: S(1),
      units: 10,
    });
    const overlap = await refused(
      'POST',
      '/api/service/serials/lots',
      { ...lot, first: 10, last: 12 },
      'supply',
    );
    expect(overlap.status).toBe(409);
    expect(overlap.body.error).toMatchObject({ code: 'service.serials-overlap', field: 'first' });
    const unbuilt = await refused(
      'POST',
      '/api/service/serials/lots',
      { ...lot, first: 11, last: 21 },
      'supply',
    );
    expect(unbuilt.body.error).toMatchObject({ code: 'service.serial-not-built' });

    expect(await ok('POST', '/api/service/serials/sync')).toEqual({ serialised: 5 });
    expect(await ok('GET', `/api/service/serials/${S(3)}`, undefined, 'viewer')).toMatchObject({
      batch: 'A1246-B1',
      foundryLot: 'TW-0042',
      customerId,
      deliveredOn: '2021-01-10',
    });
    expect((await s.call('GET', `/api/service/serials/${S(21)}`, { role: 'viewer' })).status).toBe(404);
  });

  it('answers warranty from the delivery, and knows an unknown serial', async () => {
    await ok('POST', '/api/service/warranty/policies', {
      productId: 'A1246',
      termDays: 365,
      startsAt: 'delivery',
      doaDays: 30,
      repairedDays: 90,
    });
    const r = await ok('POST', '/api/service/warranty/query', { serials: [S(1), S(6), 'junk'] }, 'viewer');
    expect(r[0]).toMatchObject({
      inWarranty: true,
      until: '2022-01-09',
      basis: 'sale',
      deadOnArrival: true,
      customerId,
    });
    expect(r[1]).toMatchObject({ known: true, inWarranty: false, basis: 'none' });
    expect(r[2]).toMatchObject({ known: false });
    const unknown = await s.call('GET', '/api/service/warranty/A1246-202012-000099', { role: 'viewer' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.field).toBe('serial');
  });

  it('sets up centres and parts, refusing overlapping hours and negative counts', async () => {
    await ok('POST', '/api/service/centres', centre('SG1', 'SG', 'asia-pacific', 480));
    await ok('POST', '/api/service/centres', centre('US1', 'US', 'north-america', -300));
    const overlap = centre('MY1', 'MY', 'asia-pacific', 480);
    overlap.calendar.hours.push({ weekday: 2, from: '17:00', to: '20:00' });
    const bad = await refused('POST', '/api/service/centres', overlap);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'service.hours-overlap', field: 'calendar.hours' });

    await ok('POST', '/api/service/parts/transfers', { centreId: 'SG1', part: 'hash-board', qty: 3 });
    const negative = await refused('POST', '/api/service/parts/transfers', {
      centreId: 'SG1',
      part: 'psu',
      qty: -1,
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.field).toBe('qty');
    const short = await refused('POST', '/api/service/parts/transfers', {
      centreId: 'US1',
      part: 'hash-board',
      qty: 4,
      fromCentreId: 'SG1',
    });
    expect(short.body.error).toMatchObject({ code: 'service.parts-short' });
  });

  it('lets sales open a customer’s ticket, routed to the nearest centre, and refuses a duplicate', async () => {
    const body = { serial: S(2), ticketClass: 'board-rma', summary: 'one board hashes at 0', customerId };
    const t = await ok('POST', '/api/service/tickets', body, 'sales');
    expect(t).toMatchObject({ origin: 'customer', centreId: 'SG1', step: 'requested', customerId });
    ticketId = t.id;
    const again = await refused('POST', '/api/service/tickets', body, 'sales');
    expect(again.body.error).toMatchObject({ code: 'service.duplicate-ticket', field: 'ticketClass' });
    const unsold = await refused('POST', '/api/service/tickets', { ...body, serial: S(7) }, 'sales');
    expect(unsold.body.error.code).toBe('service.not-sold');
    expect((await s.call('POST', '/api/service/tickets', { role: 'viewer', body })).status).toBe(403);
  });

  it('takes an RMA through every step, the SLA clock paused while waiting for parts', async () => {
    const step = async (at: string, body: unknown) => {
      s.app.clock.set(at);
      return ok('POST', `/api/service/tickets/${ticketId}/steps`, body);
    };
    const early = await refused('POST', `/api/service/tickets/${ticketId}/steps`, { step: 'shipped' });
    expect(early.status).toBe(409);
    expect(early.body.error).toMatchObject({ code: 'service.step-order', field: 'step' });
    expect(early.body.error.message).toMatch(/requested; it cannot go to shipped/);

    await step('2021-01-18T02:00:00Z', { step: 'authorised' });
    await step('2021-01-19T01:00:00Z', { step: 'received' });
    s.app.clock.set('2021-01-19T02:00:00Z');
    await ok('POST', `/api/service/tickets/${ticketId}/wait`, { reason: 'parts' });
    s.app.clock.set('2021-01-21T02:00:00Z');
    await ok('POST', `/api/service/tickets/${ticketId}/wait`, { reason: null });
    const diagnosed = await step('2021-01-21T04:00:00Z', { step: 'diagnosed', note: 'board 2 dead' });
    expect(diagnosed.warranty).toBe(true);
    const short = await refused('POST', `/api/service/tickets/${ticketId}/steps`, {
      step: 'parts-swapped',
      partsUsed: [{ part: 'hash-board', qty: 4 }],
    });
    expect(short.body.error).toMatchObject({ code: 'service.parts-short', field: 'partsUsed' });
    const replaced = await step('2021-01-22T02:00:00Z', {
      step: 'replaced',
      replacementSerial: S(11),
      partsUsed: [{ part: 'hash-board', qty: 1, removedSerial: 'HB-1', fittedSerial: 'HB-2' }],
      costCents: 45_000,
    });
    expect(replaced).toMatchObject({ replacementSerial: S(11), costCents: '45000' });
    await step('2021-01-22T06:00:00Z', { step: 'burn-in' });
    const shipped = await step('2021-01-25T02:00:00Z', { step: 'shipped' });
    expect(shipped.steps.map((x: Json) => x.step)).toEqual(REPLACED_RMA_STEPS);
    await step('2021-01-26T02:00:00Z', { step: 'closed' });

    // The replacement is on the customer's record, warranted for the repaired-item term.
    const record = await ok('GET', `/api/service/customers/${customerId}`, undefined, 'sales');
    expect(record.replacements).toEqual([
      { ticketId, serial: S(11), replaces: S(2), shippedOn: '2021-01-25' },
    ]);
    // A page of each list with the totals: the second page of one row holds the second row of each.
    const tickets = record.tickets.map((t: Json) => t.id);
    expect(record.totals).toEqual({
      delivered: record.delivered.length,
      replacements: 1,
      tickets: tickets.length,
    });
    const second = await ok(
      'GET',
      `/api/service/customers/${customerId}?offset=1&limit=1`,
      undefined,
      'sales',
    );
    expect(second).toMatchObject({ offset: 1, limit: 1, totals: record.totals, replacements: [] });
    expect(second.tickets.map((t: Json) => t.id)).toEqual(tickets.slice(1, 2));
    expect(second.delivered).toEqual(record.delivered.slice(1, 2));
    const tooMany = await s.call('GET', `/api/service/customers/${customerId}?limit=5000`, { role: 'sales' });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.field).toBe('limit');
    const w = await ok('GET', `/api/service/warranty/${S(11)}`, undefined, 'viewer');
    expect(w).toMatchObject({ inWarranty: true, until: '2021-04-24', basis: 'repair' });
    expect((await ok('GET', '/api/service/parts?centreId=SG1', undefined, 'viewer'))[0]).toMatchObject({
      onHand: 2,
    });

    const [sg1] = await ok('GET', '/api/service/sla?centreId=SG1', undefined, 'viewer');
    // Received Tue 09:00 SGT, shipped the next Mon 10:00: 6 days. Diagnosis took 2 working hours
    // after 16 paused and met its target; authorisation took 10 (Friday 09-18 and Monday's first
    // hour, target 8) and did not: 3 of 4 stages met.
    expect(sg1, JSON.stringify(sg1)).toMatchObject({
      tickets: 1,
      slaMetPct: 75,
      stagesMeasured: 4,
      backlog: 0,
    });
    expect(sg1.turnaroundDays.median).toBeCloseTo(6.04, 2);
  });

  it('opens one board-RMA ticket from a simulated machine’s lost board; the same fault’s poll is added hourly', async () => {
    s.app.clock.set('2021-01-26T03:00:00Z');
    await addTestSite(s.app, s.app.actor('ops'), 'SG1');
    await ok('POST', '/api/fleet/scans', { range: '127.186.1.1-127.186.1.2', site: 'SG1' }, 'ops');
    await sim.setFault(sim.addresses[0]!, 'board-down');
    // Each sweep's faults become tickets when the sweep is evaluated, as `serve`'s evaluator does.
    const sweep = async () => {
      await ok('POST', '/api/fleet/polls', {}, 'ops');
      return (await ok('POST', '/api/alerts/evaluations', undefined, 'ops')).tickets;
    };
    expect(await sweep()).toEqual({ opened: 1, added: 0 });
    // The same board still down a minute later tells nothing new; an hour later, that it persists.
    s.app.clock.set('2021-01-26T03:01:00Z');
    expect(await sweep()).toEqual({ opened: 0, added: 0 });
    s.app.clock.set('2021-01-26T04:00:00Z');
    expect(await sweep()).toEqual({ opened: 0, added: 1 });

    const fleet = await ok('GET', '/api/service/tickets?origin=fleet', undefined, 'ops');
    expect(fleet).toHaveLength(1);
    expect(fleet[0]).toMatchObject({ ticketClass: 'board-rma', route: 'rma', evidence: 2, site: 'SG1' });
    const detail = await ok('GET', `/api/service/tickets/${fleet[0].id}`, undefined, 'ops');
    expect(detail.evidenceReplies[0].reply.telemetry.boards.length).toBeGreaterThan(1);
    // Ops sees what its fleet opened, not the customers' tickets.
    expect(await ok('GET', '/api/service/tickets', undefined, 'ops')).toHaveLength(1);
    expect((await s.call('GET', `/api/service/tickets/${ticketId}`, { role: 'ops' })).status).toBe(404);
  });

  it('reports failure rates by batch and lot, and rebuilds every table from the events', async () => {
    // No range: the 12 months up to the latest with a hardware ticket (January 2021 here).
    const rates = await ok('GET', '/api/service/failure-rates?productId=A1246', undefined, 'viewer');
    expect(rates).toMatchObject({ from: '2020-02', to: '2021-01' });
    expect(rates.rates).toContainEqual(
      expect.objectContaining({
        batch: 'A1246-B1',
        foundryLot: 'TW-0042',
        month: '2021-01',
        tickets: 1,
        machines: 10,
        ratePct: 10,
      }),
    );
    // A quarter's rates, counted from its own tickets only, are the all-time list's rows of its months.
    const all = await failureRates(s.app);
    const q1 = { from: '2021-01-01', to: '2021-03-31' };
    expect(await failureRates(s.app, { opened: q1 })).toEqual(
      all.filter((r) => ['2021-01', '2021-02', '2021-03'].includes(r.month)),
    );
    expect(all.some((r) => r.month === '2021-01')).toBe(true);
    expect(await failureRates(s.app, { opened: { from: '2020-10-01', to: '2020-12-31' } })).toEqual([]);
    // A range the query names is counted as the report's days are; one end alone is 12 months from it.
    expect(
      await ok('GET', '/api/service/failure-rates?from=2021-01&to=2021-03', undefined, 'viewer'),
    ).toEqual({ from: '2021-01', to: '2021-03', rates: await failureRates(s.app, { opened: q1 }) });
    expect(await ok('GET', '/api/service/failure-rates?from=2020-06', undefined, 'viewer')).toMatchObject({
      from: '2020-06',
      to: '2021-05',
    });
    // Bounds: from after to, a span over 36 months, a month that is no month — each a 400 naming its field.
    for (const [query, field] of [
      ['from=2021-03&to=2021-01', 'from'],
      ['from=2018-01&to=2021-01', 'to'],
      ['from=2021-13', 'from'],
      ['to=', 'to'],
    ]) {
      const r = await s.call('GET', `/api/service/failure-rates?${query}`, { role: 'viewer' });
      expect([r.status, r.body.error?.field], query).toEqual([400, field]);
    }
    expect(await ok('GET', '/api/service/failure-rates?to=2020-12', undefined, 'viewer')).toEqual({
      from: '2020-01',
      to: '2020-12',
      rates: [],
    });
    const section = await serviceNetworkSection(s.app, '2021Q1');
    expect(section).toMatchObject({
      available: true,
      tickets: { opened: 2, fromCustomers: 1, fromFleet: 1, rmasShipped: 1 },
      warrantyCostCents: 45_000n,
    });
    // Turnaround over the RMAs shipped in the quarter: SG1's one (6 days, 3 of 4 stages met, as the
    // SLA report counts it) in 2021Q1; none the quarter before, and none from the other centres.
    const turnaround = (sec: typeof section) => (sec.available ? sec.turnaround : []);
    const [slaSg1] = await slaReport(s.app, 'SG1');
    expect(turnaround(section).find((c) => c.centreId === 'SG1')).toEqual({
      centreId: 'SG1',
      medianDays: slaSg1!.turnaroundDays.median,
      p90Days: slaSg1!.turnaroundDays.p90,
      slaMetPct: 75,
    });
    expect(turnaround(section).filter((c) => c.medianDays !== null)).toHaveLength(1);
    const before = turnaround(await serviceNetworkSection(s.app, '2020Q4'));
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((c) => c.medianDays === null && c.slaMetPct === null)).toBe(true);
    // The quarterly report carries it, as JSON and as the text finance reads.
    const report = await s.call('GET', '/api/reports/quarterly/2021Q1', { role: 'viewer' });
    expect(report.body.serviceNetwork).toMatchObject({ available: true, warrantyCostCents: '45000' });
    const md = await fetch(`${s.url}/api/reports/quarterly/2021Q1?format=md`, {
      headers: { authorization: `Bearer ${await s.token('viewer')}` },
    });
    expect(await md.text()).toContain('## Service network');
    const copy = await testApp();
    try {
      await replayInto(s.app, copy);
      const counts = await tableCounts(copy);
      const original = await tableCounts(s.app);
      for (const t of Object.keys(original).filter((n) => n.startsWith('service_')))
        expect(counts[t], t).toBe(original[t]);
    } finally {
      await copy.close();
    }
  });
});
