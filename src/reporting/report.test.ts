/**
 * The demo company, loaded through the services, read back through the report's API: every figure
 * of the 2020Q4 earnings-call notes (listed in data/demo/README.md), within the rounding the
 * notes use; then one delivery through the API, and the report moving by exactly that delivery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemo } from '../demo/load.js';
import { addQuarters } from '../kernel/calendar.js';
import { futuresTerms } from '../sales/test-fixtures.js';
import { type Json, type TestServer, tableCounts, testServer } from '../testing/index.js';

let server: TestServer;
const reports = new Map<string, Json>();
async function report(quarter: string): Promise<Json> {
  let r = reports.get(quarter);
  if (!r) {
    const res = await server.call('GET', `/api/reports/quarterly/${quarter}`, { role: 'viewer' });
    expect(res.status).toBe(200);
    r = res.body;
    reports.set(quarter, r);
  }
  return r;
}

/** A money figure (cents, as a wire string) within `tolerance` dollars of `usd`. */
function usdNear(cents: string, usd: number, toleranceUsd: number) {
  expect(Math.abs(Number(cents) / 100 - usd)).toBeLessThanOrEqual(toleranceUsd);
}

const DEMO = { service: false };

beforeAll(async () => {
  // The whole history, loaded once per run (src/testing/demo-snapshot.ts) and copied here; the
  // figures checked here are the earnings call's; the service network's demo is checked by
  // src/demo/service-plan.test.ts and the dashboard's tests, and would double the load.
  server = await testServer({ demo: 'demo@2022-07-15-no-service' });
}, 900_000);
afterAll(async () => server?.close());

describe('the 2020Q4 report of the demo company reads as the notes do', () => {
  it('is loaded through the services, and loading it again changes nothing', async () => {
    const counts = await tableCounts(server.app);
    expect(counts.sales_contracts).toBe(259);
    await loadDemo(server.app, server.app.actor('admin'), undefined, DEMO);
    expect(await tableCounts(server.app)).toEqual(counts);
  }, 300_000);

  it('1. contracts worth $0.174b, prepaid $66M', async () => {
    const r = await report('2020Q4');
    usdNear(r.orderBook.backlog.valueCents, 174e6, 0.5e6);
    usdNear(r.orderBook.contractLiabilities.valueCents, 66e6, 0.5e6);
    expect(r.orderBook.backlog.source).toBe('/api/sales/contracts?backlogAt=2020-12-31');
    expect(r.orderBook.contractLiabilities.source).toBe('/api/sales/contracts?liabilityAt=2020-12-31');
  });

  it('2. A12 delivery starts in 2020Q4 and is massive in 2021Q1', async () => {
    const r = await report('2020Q4');
    expect(r.machines.deliveries.firstDeliveries).toEqual(['A12']);
    const q4 = r.machines.deliveries.byFamily.find((f: Json) => f.family === 'A12').th;
    const q1 = r.machines.nextQuarter.deliveries.byFamily.find((f: Json) => f.family === 'A12').th;
    expect(q1).toBeGreaterThan(5 * q4);
    const a12 = r.guidance.givenWithThisQuarter.find((g: Json) => g.metric === 'machine-deliveries-th');
    expect(a12.status).toBe('met');
  });

  it('3. AI-chip sales 2020 are three times 2019, and 2021 goes up as well', async () => {
    const r = await report('2020Q4');
    expect(r.aiChips.yearToDate.multiple).toBeCloseTo(3, 2);
    const ai = r.guidance.givenWithThisQuarter.find((g: Json) => g.metric === 'ai-chip-revenue-growth');
    expect(ai.actual).toBeGreaterThan(1);
    expect(ai.status).toBe('met');
  });

  it('4. 2020: 172,000 machines sold, Q4 92,000, Blue Energy 15,000', async () => {
    const r = await report('2020Q4');
    expect(r.machines.bookingsYearToDate.units).toBe(172_000);
    expect(r.machines.bookings.units).toBe(92_000);
    expect(r.machines.topCustomers[0]).toMatchObject({ customer: 'Blue Energy', units: 15_000 });
    expect(r.machines.topCustomers[0].source).toMatch(
      /^\/api\/sales\/contracts\?signedIn=2020Q4&productKind=machine&customerId=\d+&asOf=2020-12-31$/,
    );
  });

  it('5. 2021Q1: sold 156,000 = $0.238b', async () => {
    const r = await report('2020Q4');
    expect(r.machines.nextQuarter.bookings.units).toBe(156_000);
    usdNear(r.machines.nextQuarter.bookings.valueCents, 238e6, 0.5e6);
    const q1 = await report('2021Q1');
    expect(q1.machines.bookings.units).toBe(156_000);
    usdNear(q1.machines.bookings.valueCents, 238e6, 0.5e6);
  });

  it('Q&A 5: Q4 revenue was weak: about 0.2M TH/s and $6M delivered, futures locked at 60-80% of spot, some to 2022Q2, spot $50-100/TH by 2021Q1', async () => {
    const r = await report('2020Q4');
    expect(Math.abs(r.machines.deliveries.th - 200_000)).toBeLessThanOrEqual(10_000);
    usdNear(r.machines.deliveries.valueCents, 6e6, 0.5e6);
    expect(r.machines.futuresDiscount.ratio).toBeGreaterThanOrEqual(0.6);
    expect(r.machines.futuresDiscount.ratio).toBeLessThanOrEqual(0.8);
    expect(r.orderBook.scheduled.map((s: Json) => s.quarter)).toContain('2022Q2');
    const q1 = await report('2021Q1');
    expect(q1.machines.futuresDiscount.ratio).toBeGreaterThanOrEqual(0.6);
    expect(q1.machines.futuresDiscount.ratio).toBeLessThanOrEqual(0.8);
    expect(Number(q1.machines.spotAtEnd.centsPerTh)).toBeGreaterThanOrEqual(50 * 100);
    expect(Number(q1.machines.spotAtEnd.centsPerTh)).toBeLessThanOrEqual(100 * 100);
  });

  it('8-10. three tiers of AI chips; K510 taking small pre-orders; K230 upgrades K210', async () => {
    const r = await report('2020Q4');
    const chips = new Map(r.aiChips.chips.map((c: Json) => [c.id, c]));
    expect(new Set(r.aiChips.chips.map((c: Json) => c.tier))).toEqual(
      new Set(['low-cost', 'vision', 'high-end']),
    );
    expect(chips.get('K510')).toMatchObject({ stage: 'pre-order', tier: 'high-end' });
    expect(chips.get('K230')).toMatchObject({ predecessor: 'K210' });
    expect(r.aiChips.preOrders.openUnits).toBeGreaterThan(0);
    expect(r.aiChips.preOrders.openUnits).toBeLessThan(1000);
  });

  it('11. self-mining with A11 and A12 at 350-400 PH by 2021Q1, about 10% of production, 2-4 EH targeted and reached by the end of 2021', async () => {
    const q1 = await report('2021Q1');
    expect(q1.selfMining.available).toBe(true);
    expect(q1.selfMining.installedPh).toBeGreaterThanOrEqual(350);
    expect(q1.selfMining.installedPh).toBeLessThanOrEqual(400);
    expect(q1.selfMining.target).toMatchObject({
      byDay: '2021-12-31',
      lowPh: 2000,
      highPh: 4000,
      sharePct: 10,
    });
    const q4 = await report('2020Q4');
    const ph = q4.guidance.givenWithThisQuarter.find((g: Json) => g.metric === 'self-mining-ph');
    expect(ph.actual).toBeGreaterThanOrEqual(2000);
    expect(ph.actual).toBeLessThanOrEqual(4000);
    expect(ph.status).toBe('met');
    const share = q4.guidance.givenWithThisQuarter.find((g: Json) => g.metric === 'self-mining-share-pct');
    expect(Math.abs(share.actual - 10)).toBeLessThanOrEqual(2);
    const q3 = await report('2021Q3');
    expect(Math.abs(q3.selfMining.shareOfProductionPct - 10)).toBeLessThanOrEqual(0.5);
  });

  it('Q&A 1-3, 5: two foundries, the new partner ramping until 2021Q2; sites in North America and a Singapore one waiting for its permit', async () => {
    const q4 = await report('2020Q4');
    expect(new Set(q4.supply.yields.map((y: Json) => y.foundry)).size).toBe(2);
    const ramp = q4.supply.yields.filter((y: Json) => y.ramping);
    expect(ramp).toHaveLength(1);
    expect(ramp[0].matureMonth <= '2021-06').toBe(true);
    const q2 = await report('2021Q2');
    expect(q2.supply.yields.filter((y: Json) => y.ramping)).toEqual([]);
    const sites = new Map(q2.selfMining.sites.map((s: Json) => [s.site, s.status]));
    expect(sites.get('NA1')).toBe('approved');
    expect(sites.get('SG1')).toBe('pending');
  });

  it('Q&A 6: mined BTC is held, none sold', async () => {
    const q = await report('2021Q4');
    expect(BigInt(q.treasury.btcHeldSats)).toBeGreaterThan(0n);
    expect(q.treasury.flaggedSales).toBe(0);
    expect(BigInt(q.treasury.btcHeldSats)).toBeGreaterThanOrEqual(BigInt(q.treasury.minedInQuarterSats));
  });

  it('rolls the contract liability forward to the balance sheet, and schedules the whole backlog', async () => {
    for (const quarter of ['2020Q4', '2021Q1', '2021Q4']) {
      const r = await report(quarter);
      const f = r.books.rollForward;
      const n = (k: string) => BigInt(f[k]);
      expect(
        n('openingCents') +
          n('cashReceivedCents') -
          n('revenueFromOpeningCents') -
          n('revenueFromQuarterCashCents') -
          n('refundsCents') -
          n('forfeitedCents'),
      ).toBe(n('closingCents'));
      expect(f.closingCents).toBe(r.orderBook.contractLiabilities.valueCents);
      expect(f.ties).toBe(true);
      const prior = await report(addQuarters(quarter, -1));
      expect(f.openingCents).toBe(prior.orderBook.contractLiabilities.valueCents);
      const scheduled = r.orderBook.scheduled;
      expect(scheduled.reduce((s: bigint, x: Json) => s + BigInt(x.valueCents), 0n)).toBe(
        BigInt(r.orderBook.backlog.valueCents),
      );
      expect(scheduled.reduce((s: number, x: Json) => s + x.units, 0)).toBe(r.orderBook.backlog.units);
      const o = r.books.obligations;
      expect(BigInt(o.withinTwelveMonths.valueCents) + BigInt(o.later.valueCents)).toBe(
        BigInt(r.orderBook.backlog.valueCents),
      );
      const aged = r.books.backlogAgeing.bands.reduce((s: bigint, b: Json) => s + BigInt(b.valueCents), 0n);
      expect(aged).toBe(BigInt(r.orderBook.backlog.valueCents));
      const owed = r.books.receivablesAgeing.bands.reduce(
        (s: bigint, b: Json) => s + BigInt(b.valueCents),
        0n,
      );
      expect(owed).toBe(BigInt(r.orderBook.receivables.valueCents));
    }
  });

  it('books machines and AI chips, spot, futures and pre-orders in their own rows', async () => {
    const r = await report('2020Q4');
    const rows = r.books.bookings.rows;
    const machines = rows.filter((x: Json) => x.productKind === 'machine');
    expect(machines.reduce((s: number, x: Json) => s + x.units, 0)).toBe(r.machines.bookings.units);
    const b = r.machines.bookings;
    expect(b.spot.units + b.futures.units + b.preOrder.units).toBe(b.units);
    expect(BigInt(b.spot.valueCents) + BigInt(b.futures.valueCents) + BigInt(b.preOrder.valueCents)).toBe(
      BigInt(b.valueCents),
    );
    const aiPre = rows.find((x: Json) => x.productKind === 'ai-chip' && x.contractKind === 'pre-order');
    expect(r.aiChips.preOrders.bookedUnits).toBe(aiPre?.units ?? 0);
    const contracts = await server.call(
      'GET',
      '/api/sales/contracts?signedIn=2020Q4&productKind=machine&limit=1',
    );
    expect(b.contracts).toBe(contracts.body.total);
  });

  it('gives the opportunity cost at a quarter end as the API gives it for that day', async () => {
    const r = await report('2020Q4');
    const api = await server.call('GET', '/api/sales/opportunity-cost?day=2020-12-31');
    expect(api.status).toBe(200);
    expect(r.orderBook.opportunityCost.opportunityCostCents).toBe(api.body.opportunityCostCents);
    expect(r.orderBook.opportunityCost.lockedCents).toBe(api.body.lockedCents);
  });

  it('renders the same figures as Markdown, HTML with SVG charts, and PDF', async () => {
    const md = await fetch(`${server.url}/api/reports/quarterly/2020Q4?format=md`, {
      headers: { authorization: `Bearer ${await server.token('viewer')}` },
    });
    expect(md.headers.get('content-type')).toMatch(/text\/markdown/);
    const text = await md.text();
    expect(text).toContain('Contracts worth $0.174b open at 2020-12-31, prepaid $66M');
    expect(text).toContain('2020: 172,000 mining machines sold, Q4 92,000 (Blue Energy 15,000)');
    expect(text).toContain('2021Q1: sold 156,000 = $0.238b');
    expect(text).toContain('AI-chip sales 2020: $1.80M, 3.0×');
    // Self-mining's share of production with the counts it comes from (shared with the CLI and the
    // dashboard: more shipped than built would say so rather than print a share over 100 %).
    expect(text).toMatch(/Share of production: \d+\.\d% \([\d,]+ shipped of [\d,]+ built this quarter\)\./);
    expect(text).toContain('## Outlook');
    expect(text).toContain('2021Q1 as a planning run sees it from the books and the market at 2020-12-31');
    const html = await (
      await fetch(`${server.url}/api/reports/quarterly/2020Q4?format=html`, {
        headers: { authorization: `Bearer ${await server.token('viewer')}` },
      })
    ).text();
    expect(html).toContain('<svg');
    expect(html).toContain('Contracts worth $0.174b');
    const pdf = await fetch(`${server.url}/api/reports/quarterly/2020Q4?format=pdf`, {
      headers: { authorization: `Bearer ${await server.token('viewer')}` },
    });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(5000);
  });

  it('says the share of production with its counts whether or not supply is asked for', async () => {
    const markdown = async (sections: string) =>
      (
        await fetch(`${server.url}/api/reports/quarterly/2020Q4?format=md&sections=${sections}`, {
          headers: { authorization: `Bearer ${await server.token('viewer')}` },
        })
      ).text();
    // The highlights' self-mining line and the self-mining section's sentence.
    const shares = (text: string) => text.split('\n').filter((l) => /share of production/i.test(l));
    const withSupply = shares(await markdown('supply,selfMining'));
    expect(withSupply).toHaveLength(2);
    for (const l of withSupply) expect(l).toMatch(/\d+\.\d% \([\d,]+ shipped of [\d,]+ built this quarter\)/);
    // Self-mining alone read "no machines built by the end of the quarter" (supply not computed).
    expect(shares(await markdown('selfMining'))).toEqual(withSupply);
  });

  it('looks ahead: 2021Q1 revenue and cash from a fixed, seeded run, with the guidance about it', async () => {
    const o = (await report('2020Q4')).outlook;
    expect(o).toMatchObject({ available: true, quarter: '2021Q1', asOf: '2020-12-31', paths: 1000, seed: 1 });
    for (const b of [o.revenueCents, o.endCashCents]) {
      expect(BigInt(b.p5) <= BigInt(b.p50) && BigInt(b.p50) <= BigInt(b.p95)).toBe(true);
    }
    // The backlog due in 2021Q1 alone is tens of millions: the median quarter is not empty.
    expect(Number(o.revenueCents.p50)).toBeGreaterThan(10e6 * 100);
    for (const g of o.guidance) expect(g.chance === null || (g.chance >= 0 && g.chance <= 1)).toBe(true);
    // The run behind it reads the demo's supply: the plan's machines, their costed builds.
    const saved = await server.call('POST', '/api/planning/scenarios', {
      role: 'finance',
      body: { name: 'supply', asOf: '2020-12-31', horizonMonths: 3, paths: 100 },
    });
    const run = (await server.call('POST', `/api/planning/scenarios/${saved.body.id}/run`)).body;
    expect(run.start).toMatchObject({ costFrom: 'builds', waferLeadMonths: 3 });
    expect(run.start.supplyModel).toBeTruthy();
    expect(run.start.plannedTh).toBeGreaterThan(0);
    expect(Number(run.bands.wafers.months[0].p50)).toBeGreaterThan(0);
    // The same every time: fixed paths and seed.
    const again = await server.call('GET', '/api/reports/quarterly/2020Q4', { role: 'viewer' });
    expect(again.body.outlook).toEqual(o);
  });

  it('refuses a quarter that is not one, and a format it does not know', async () => {
    expect((await server.call('GET', '/api/reports/quarterly/2020Q5')).status).toBe(400);
    expect((await server.call('GET', '/api/reports/quarterly/2020Q4?format=docx')).status).toBe(400);
    expect((await server.call('GET', '/api/reports/quarterly/2020Q4', { role: null })).status).toBe(401);
  });
});

describe('one delivery through the API', () => {
  it('moves the report by exactly that delivery, and no earlier quarter', async () => {
    const open = await server.call('GET', '/api/sales/open-tranches?until=2022-09');
    const tranche = open.body.find((t: Json) => t.kind === 'futures');
    expect(tranche).toBeDefined();
    const contract = (await server.call('GET', `/api/sales/contracts/${tranche.contractId}`)).body;
    // Pay what the contract still owes first, so the delivery meets its payment terms.
    const owed = BigInt(contract.figures.owedCents);
    const paid = await server.call('POST', `/api/sales/contracts/${tranche.contractId}/payments`, {
      role: 'finance',
      body: { day: '2022-07-08', amountUsd: `${owed / 100n}.${String(owed % 100n).padStart(2, '0')}` },
    });
    expect(paid.status).toBeLessThan(300);
    const before = (await server.call('GET', '/api/reports/quarterly/2022Q3')).body;
    const q4Before = (await server.call('GET', '/api/reports/quarterly/2020Q4')).body;

    const units = Math.min(tranche.unitsOpen, 10);
    const line = contract.lines.find((l: Json) => l.lineId === tranche.lineId);
    const delivered = await server.call('POST', `/api/sales/contracts/${tranche.contractId}/deliveries`, {
      role: 'sales',
      body: { day: '2022-07-10', lines: [{ lineId: tranche.lineId, units }] },
    });
    expect(delivered.status).toBeLessThan(300);
    const lineAfter = delivered.body.lines.find((l: Json) => l.lineId === tranche.lineId);
    const revenue = BigInt(lineAfter.revenueCents) - BigInt(line.revenueCents);
    const th = units * line.thsPerUnit;

    const after = (await server.call('GET', '/api/reports/quarterly/2022Q3')).body;
    const d = (k: string, o: (r: Json) => Json) => BigInt(o(after)[k]) - BigInt(o(before)[k]);
    expect(after.machines.deliveries.units - before.machines.deliveries.units).toBe(units);
    expect(after.machines.deliveries.th - before.machines.deliveries.th).toBeCloseTo(th, 6);
    expect(d('valueCents', (r) => r.machines.deliveries)).toBe(revenue);
    expect(before.orderBook.backlog.units - after.orderBook.backlog.units).toBe(units);
    expect(before.orderBook.backlog.th - after.orderBook.backlog.th).toBeCloseTo(th, 6);
    expect(d('valueCents', (r) => r.orderBook.backlog)).toBe(-revenue);
    // Prepaid and not yet earned falls by what was earned (the contract was paid in full).
    expect(d('valueCents', (r) => r.orderBook.contractLiabilities)).toBe(-revenue);
    expect(after.machines.bookings).toEqual(before.machines.bookings);
    expect((await server.call('GET', '/api/reports/quarterly/2020Q4')).body).toEqual(q4Before);
  });
});

describe('a past quarter after later orders', () => {
  it('keeps its outlook when a contract due in the quarter the outlook plans is signed later', async () => {
    // 2022Q2's outlook plans 2022Q3 from the books at 2022-06-30; today (2022-07-15) a contract is
    // signed with tranches due in 2022-08 and 2022-09, the months that outlook plans. (The rest of
    // the report shows 2022Q3 as it stands so far, "complete": false, and moves with it.)
    const outlook = async () => (await server.call('GET', '/api/reports/quarterly/2022Q2')).body.outlook;
    const before = await outlook();
    expect(before).toMatchObject({ available: true, quarter: '2022Q3', asOf: '2022-06-30' });
    const open = await server.call('GET', '/api/sales/open-tranches?until=2022-12');
    const tranche = open.body.find((t: Json) => t.kind === 'futures');
    const customer = (await server.call('GET', `/api/sales/contracts/${tranche.contractId}`)).body.customer;
    const signed = await server.call('POST', '/api/sales/contracts', {
      role: 'sales',
      body: {
        customerId: customer.id,
        kind: 'futures',
        signedOn: '2022-07-15',
        terms: futuresTerms,
        lines: [
          {
            productId: tranche.productId,
            units: 20_000,
            usdPerTh: '30.00',
            tranches: [
              { month: '2022-08', units: 10_000 },
              { month: '2022-09', units: 10_000 },
            ],
          },
        ],
      },
    });
    expect(signed.status, JSON.stringify(signed.body)).toBe(201);
    expect(await outlook()).toEqual(before);
  });
});
