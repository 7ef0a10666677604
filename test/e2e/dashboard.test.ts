import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedSite, simulatedSite } from '../../src/fleet/test-fixtures.js';
import { seriousViolations } from './axe.js';
import { type Dashboard, LAPTOP, PHONE, startDashboard } from './harness.js';

// One server, one demo company and one browser for the whole walk through the dashboard: loading
// the demo is the slow part, and each test opens its own signed-in tab.
let d: Dashboard;
let sim: SimulatedSite;
beforeAll(async () => {
  d = await startDashboard();
  // 127.171.250/24 is bound by no other test file (the dashboard bench takes the start of 127.171/16).
  sim = await simulatedSite(d.server, { site: 'SIM1', count: 40, base: '127.171.250.1' });
  sim.pollEvery(1500);
}, 300_000);
afterAll(async () => {
  await sim?.stop();
  await d?.close();
});

/** The TH/s a hashrate cell shows (`35.24 PH/s` → 35240). */
const ths = (text: string | null): number => {
  const m = /([\d,.]+)\s*(TH|PH|EH)\/s/.exec(text ?? '');
  if (!m) throw new Error(`not a hashrate: ${text}`);
  return Number(m[1]!.replaceAll(',', '')) * { TH: 1, PH: 1e3, EH: 1e6 }[m[2] as 'TH' | 'PH' | 'EH'];
};

describe('the dashboard in Chromium', () => {
  it('refuses a wrong token with a sentence beside the field, then signs in with a real one', async () => {
    const context = await d.browser.newContext({ viewport: LAPTOP });
    const page = await context.newPage();
    await page.goto(`${d.url}/`);
    const token = page.getByLabel('Token');
    await token.fill('hf_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/not valid/);
    await expect(token.getAttribute('aria-invalid')).resolves.toBe('true');

    await token.fill(await d.server.token('viewer'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /overview/ }).waitFor();
    // The token is kept for the tab: a reload stays signed in.
    await page.reload();
    await page.getByRole('heading', { name: /overview/ }).waitFor();
    await context.close();
  });

  it('reads 2020Q4 on the overview as the earnings call tells it', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    await page.getByLabel('Quarter', { exact: true }).selectOption('2020Q4');
    const figure = (id: string) => page.getByTestId(id).locator('.figure-value');
    // "2020: 172,000 machines sold, Q4 92,000"; "contracts worth $0.174b, prepaid 66M".
    await expect.poll(() => figure('booked-units').textContent()).toBe('92,000 units');
    await expect(figure('liabilities').textContent()).resolves.toBe('$66.0M');
    await expect(figure('backlog').textContent()).resolves.toBe('$174.0M');
    // Q4 revenue was weak: most machines were sold as futures delivering later.
    await expect(figure('revenue').textContent()).resolves.toMatch(/^\$\d\.\dM$/);
    // The charts are drawn, and the report's sections are there beside the sales figures.
    await expect.poll(() => page.locator('.chart .recharts-surface').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('heading', { name: 'Self-mining' }).waitFor();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('curtails a simulated site and shows its hashrate fall, then resumes it', async () => {
    const page = await d.signedIn({ role: 'ops' });
    await page.getByRole('link', { name: 'Fleet' }).click();
    const measured = page.getByTestId('site-measured-SIM1');
    await expect
      .poll(async () => ths(await measured.textContent()), { timeout: 20_000 })
      .toBeGreaterThan(40 * 50);

    await page.getByRole('button', { name: 'Control SIM1' }).click();
    const control = page.getByRole('region', { name: 'Control every machine at SIM1' });
    await control.getByRole('button', { name: 'Curtail', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, curtail every machine at SIM1' }).click();
    const said = control.getByTestId('control-progress').getByRole('status');
    await expect.poll(() => said.textContent(), { timeout: 20_000 }).toMatch(/40 of 40 machines confirmed/);
    await expect.poll(async () => ths(await measured.textContent()), { timeout: 30_000 }).toBe(0);

    // Resuming takes nothing back that a click could regret: it is not asked twice.
    await control.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect
      .poll(async () => ths(await measured.textContent()), { timeout: 30_000 })
      .toBeGreaterThan(40 * 50);

    // One machine's page says how long its last poll took (slow answerers are asked first).
    await page.locator('a[href^="/fleet/machines/"]').first().click();
    const lastPoll = page
      .locator('dt', { hasText: 'Last poll took' })
      .locator('xpath=following-sibling::dd[1]');
    await expect.poll(async () => lastPoll.textContent(), { timeout: 10_000 }).toMatch(/^[\d,]+ ms$/);
  });

  it('records a payment on a contract and shows the contract liability move by it', async () => {
    // A futures contract booked through the API as sales would: 100 A1246 (90 TH/s) at $30/TH,
    // 30% deposit; value $270,000, deposit $81,000.
    const customer = await d.server.call('POST', '/api/sales/customers', {
      role: 'sales',
      body: { name: 'Browser Test Mining', country: 'SG', region: 'asia-pacific' },
    });
    expect(customer.status).toBe(201);
    const contract = await d.server.call('POST', '/api/sales/contracts', {
      role: 'sales',
      body: {
        customerId: customer.body.id,
        kind: 'futures',
        signedOn: '2021-01-05',
        terms: { depositPercent: 30, balance: 'before-shipment', depositForfeitedOnCancel: true },
        lines: [
          {
            productId: 'A1246',
            units: 100,
            usdPerTh: '30.00',
            tranches: [
              { month: '2021-03', units: 50 },
              { month: '2021-04', units: 50 },
            ],
          },
        ],
      },
    });
    expect(contract.status, JSON.stringify(contract.body)).toBe(201);
    const id = contract.body.id;

    const page = await d.signedIn({ role: 'finance' });
    await page.getByRole('link', { name: 'Order book' }).click();
    await page.getByLabel('Customer', { exact: true }).selectOption({ label: 'Browser Test Mining' });
    await page.getByRole('link', { name: `#${id}`, exact: true }).click();
    const liability = page.getByTestId('contract-liability');
    await expect.poll(() => liability.locator('.figure-value').textContent()).toBe('$0.00');

    // A wrong amount is refused with a sentence beside the amount field, and nothing moves.
    await page.getByLabel('Day received').fill('2021-01-06');
    await page.getByLabel('Amount').fill('eighty-one thousand');
    await page.getByRole('button', { name: 'Record payment' }).click();
    const amountError = page.locator('.field.has-error .field-error');
    await expect(amountError.textContent()).resolves.toMatch(/amount/i);
    await expect(liability.locator('.figure-value').textContent()).resolves.toBe('$0.00');

    await page.getByLabel('Amount').fill('81000.00');
    await page.getByRole('button', { name: 'Record payment' }).click();
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/liability is now \$81,000\.00/);
    await expect.poll(() => liability.locator('.figure-value').textContent()).toBe('$81,000.00');
    await expect(page.getByRole('cell', { name: /Payment of \$81,000\.00/ }).count()).resolves.toBe(1);

    // A viewer reads the same contract but is shown which role records payments, not the form.
    const viewer = await d.signedIn({ role: 'viewer' });
    await viewer.goto(`${d.url}/orders/${id}`);
    await expect
      .poll(() => viewer.getByTestId('contract-liability').locator('.figure-value').textContent())
      .toBe('$81,000.00');
    await expect(viewer.getByTestId('signed-in-as').textContent()).resolves.toMatch(/· viewer$/);
    await expect(viewer.getByTestId('needs-role').first().textContent()).resolves.toMatch(
      /To record a payment, sign in with a token of the role finance/,
    );
    await expect(viewer.getByRole('button', { name: 'Record payment' }).count()).resolves.toBe(0);
  });

  it('books a customer and a futures contract in the browser, a wrong field refused beside it', async () => {
    const page = await d.signedIn({ role: 'sales' });
    await page.getByRole('link', { name: 'Order book' }).click();
    await page.getByRole('link', { name: 'New contract' }).click();
    await page.getByLabel('Customer name').fill('Browser Booked Mining');
    await page.getByLabel('Country').fill('US');
    await page.getByLabel('Region').selectOption('north-america');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.getByRole('status').filter({ hasText: 'Browser Booked Mining added' }).waitFor();

    await page.getByLabel('Customer', { exact: true }).selectOption({ label: 'Browser Booked Mining' });
    await page.getByLabel('Signed on').fill('2021-01-08');
    await page.getByLabel('Line 1 product').selectOption('A1246');
    await page.getByLabel('Line 1 units').fill('two hundred');
    await page.getByLabel('Line 1 price').fill('30.00');
    await page.getByLabel('Line 1 tranche 1 month').fill('2021-03');
    await page.getByLabel('Line 1 tranche 1 units').fill('100');
    await page.getByRole('button', { name: 'Add a tranche to line 1' }).click();
    await page.getByLabel('Line 1 tranche 2 month').fill('2021-04');
    await page.getByLabel('Line 1 tranche 2 units').fill('100');
    await page.getByRole('button', { name: 'Book contract' }).click();
    await expect(page.locator('.field.has-error .field-error').textContent()).resolves.toMatch(
      /^must be a number$/,
    );
    await expect(page.getByRole('heading', { name: 'New contract' }).count()).resolves.toBe(1);

    // Tranches that do not add up to their line are refused under that line's tranches.
    await page.getByLabel('Line 1 units').fill('250');
    await page.getByRole('button', { name: 'Book contract' }).click();
    const line = page.getByRole('group', { name: /Line 1/ });
    await expect(line.getByRole('alert').textContent()).resolves.toMatch(
      /add up to 200 units but the line sells 250/,
    );

    await page.getByLabel('Line 1 units').fill('200');
    await page.getByRole('button', { name: 'Book contract' }).click();
    // 200 A1246 × 90 TH/s × $30/TH, and nothing paid yet.
    await expect
      .poll(() => page.getByTestId('contract-value').locator('.figure-value').textContent())
      .toBe('$540,000.00');
    await expect(page.getByTestId('contract-liability').locator('.figure-value').textContent()).resolves.toBe(
      '$0.00',
    );
  });

  it('cancels a wafer order the fab has not run, from the supply page', async () => {
    // The demo's orders up to the test clock are all received: place one that is not out yet.
    const placed = await d.server.call('POST', '/api/supply/wafer-orders', {
      role: 'supply',
      body: { agreementId: 1, designId: 'A3206', wafers: 10, placedMonth: '2021-01' },
    });
    expect(placed.status, JSON.stringify(placed.body)).toBe(201);
    const id = placed.body.id as number;
    const page = await d.signedIn({ role: 'supply' });
    await page.getByRole('link', { name: 'Supply' }).click();
    // The plan counts the deliveries the books record, and each order names its design and foundry.
    await page.getByText(/^[\d,]+ delivered, [\d,]+ planned$/).waitFor();
    const listed = await d.server.call('GET', '/api/supply/wafer-orders', { role: 'viewer' });
    const order = listed.body.find((o: { id: number }) => o.id === id);
    const row = page.getByRole('row').filter({ hasText: `#${id}` });
    await row.getByRole('cell', { name: order.design.name, exact: true }).waitFor();
    await row.getByRole('cell', { name: order.foundry.name, exact: true }).waitFor();
    await page.getByRole('button', { name: `Cancel #${id}`, exact: true }).click();
    const form = page.getByRole('form', { name: `Cancel wafer order ${id}` });
    await form.getByRole('button', { name: `Yes, cancel #${id}` }).click();
    await expect(form.locator('.field-error').textContent()).resolves.toMatch(/^must say why$/);
    await form.getByLabel('Why').fill('BTC fell; fewer chips needed');
    await form.getByRole('button', { name: `Yes, cancel #${id}` }).click();
    await page.getByRole('cell', { name: 'cancelled 2021-01: BTC fell; fewer chips needed' }).waitFor();
    const orders = await d.server.call('GET', '/api/supply/wafer-orders?status=cancelled', {
      role: 'viewer',
    });
    expect(orders.body.map((o: { id: number }) => o.id)).toEqual([id]);
  });

  it('sizes a chip order at a BTC price on the supply page, a mistyped price refused beside it', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    await page.getByRole('link', { name: 'Supply' }).click();
    const section = page.getByRole('region', { name: 'Chip order: how many wafers to order' });
    const wafers = section.getByTestId('chip-order-wafers').locator('.figure-value');
    await wafers.waitFor();
    await section.getByLabel('BTC price').fill('lots');
    await expect
      .poll(() => section.locator('.field.has-error .field-error').textContent())
      .toMatch(/^must be an amount of US dollars/);
    await section.getByText('Correct the field above to see the advice.').waitFor();
    const at = async (price: string, shown: string) => {
      await section.getByLabel('BTC price').fill(price);
      await expect
        .poll(() => section.getByTestId('chip-order-btc').locator('.figure-value').textContent())
        .toBe(shown);
      return Number((await wafers.textContent())!.replace(/,/g, ''));
    };
    // A higher price shortens payback, so buyers take more of the free capacity: more wafers.
    const low = await at('10000', '$10,000.00');
    const high = await at('60000', '$60,000.00');
    expect(high).toBeGreaterThan(low);
    await section.getByRole('heading', { name: 'Why' }).waitFor();
  });

  it('approves a pending site with its permit and sets its power price, from the self-mining page', async () => {
    const site = await d.server.call('POST', '/api/mining/sites', {
      role: 'ops',
      body: { code: 'E2E1', name: 'Browser pilot', country: 'NO', capacityMw: 2, usdPerKwh: 0.04 },
    });
    expect(site.status, JSON.stringify(site.body)).toBe(201);
    const page = await d.signedIn({ role: 'ops' });
    await page.getByRole('link', { name: 'Self-mining' }).click();
    await page.getByRole('button', { name: 'Change E2E1' }).click();
    const compliance = page.getByRole('form', { name: 'Compliance of E2E1' });
    await compliance.getByLabel('Permit', { exact: true }).fill('NO-NVE-2021-7');
    await compliance.getByLabel('Reason').fill('ok');
    await compliance.getByRole('button', { name: 'Change compliance' }).click();
    await expect(compliance.locator('.field-error').textContent()).resolves.toMatch(
      /^must be at least 3 characters$/,
    );
    await compliance.getByLabel('Reason').fill('Permit granted by the regulator');
    await compliance.getByRole('button', { name: 'Change compliance' }).click();
    const row = page.getByRole('row').filter({ hasText: 'E2E1: Browser pilot' });
    await expect.poll(() => row.locator('.badge').textContent()).toBe('approved');

    const price = page.getByRole('form', { name: 'Power price of E2E1' });
    await price.getByLabel('Power price').fill('cheap');
    // From today (the form's default): the list shows the price in force today.
    await price.getByRole('button', { name: 'Set price' }).click();
    await expect(price.locator('.field-error').textContent()).resolves.toMatch(/^must be a number$/);
    await price.getByLabel('Power price').fill('0.05');
    await price.getByRole('button', { name: 'Set price' }).click();
    await expect.poll(() => row.getByRole('cell', { name: /\/kWh$/ }).textContent()).toBe('$0.0500/kWh');
  });

  it("downloads the quarter's report as a PDF", async () => {
    const page = await d.signedIn({ role: 'viewer' });
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByLabel('Quarter', { exact: true }).selectOption('2020Q4');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('hashforge-2020Q4.pdf');
    const file = await download.path();
    const bytes = await readFile(file);
    expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(bytes.length).toBeGreaterThan(5_000);
  }, 60_000);
});

/** Waits until every panel of the page has loaded (nothing says Loading…). */
const settled = (page: Page) =>
  page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, {
    timeout: 30_000,
  });

describe('the dashboard as each team uses it', () => {
  it('as finance: sorts the order book by backlog, filters to futures signed in 2020Q4, exports them to CSV', async () => {
    const page = await d.signedIn({ role: 'finance' });
    await page.getByRole('link', { name: 'Order book' }).click();
    const table = page.locator('.data-table table');
    // It opens on the latest contracts.
    const signed = async () => table.locator('td[data-label="Signed"]').allTextContents();
    await expect.poll(async () => (await signed()).length).toBeGreaterThan(5);
    const opening = await signed();
    expect(opening).toEqual([...opening].sort().reverse());

    await page.getByLabel('Kind', { exact: true }).selectOption('futures');
    await page.getByLabel('Signed in').fill('2020Q4');
    await page.getByLabel('Signed in').press('Enter');
    await page.getByRole('button', { name: /^Backlog/ }).click();
    await expect
      .poll(() => page.getByRole('columnheader', { name: /^Backlog/ }).getAttribute('aria-sort'))
      .toBe('descending');
    // The view is in the URL, so the link shares it.
    expect(new URL(page.url()).searchParams.get('contracts.sort')).toBe('-backlog');
    expect(new URL(page.url()).searchParams.get('signedIn')).toBe('2020Q4');
    await expect.poll(async () => (await signed()).every((s) => s.startsWith('2020-1'))).toBe(true);
    const cents = (text: string) => BigInt(text.replace(/[$,.]/g, ''));
    const backlog = (await table.locator('td[data-label="Backlog (USD)"]').allTextContents()).map(cents);
    expect(backlog).toEqual([...backlog].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
    const kinds = await table.locator('td[data-label="Kind"]').allTextContents();
    expect(new Set(kinds)).toEqual(new Set(['futures']));

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      page.getByRole('button', { name: /^Export all/ }).click(),
    ]);
    const csv = (await readFile(await download.path())).toString('utf8').trim().split('\r\n');
    const header = csv[0]!.split(',');
    const rows = csv.slice(1).map((l) => l.split(','));
    const total = Number(
      (await page.getByRole('region', { name: 'Contracts' }).locator('nav.pager span.muted').textContent())!
        .split(' of ')[1]!
        .replace(/,/g, ''),
    );
    expect(rows.length).toBe(total);
    // The page's rows are the file's first rows, figure for figure, to the cent.
    const ids = (await table.locator('td[data-label="Contract"]').allTextContents()).map((t) => t.slice(1));
    const col = (name: string) => header.indexOf(name);
    ids.forEach((id, i) => {
      const row = rows[i]!;
      expect(row[col('Contract')]).toBe(id);
      expect(row[col('Kind')]).toBe('futures');
      expect(row[col('Signed')]!.startsWith('2020-1')).toBe(true);
      expect(BigInt(row[col('Backlog (USD)')]!.replace('.', ''))).toBe(backlog[i]);
    });
  }, 60_000);

  it("as operations: a site's hashrate over the last week, one unit on the axis", async () => {
    const page = await d.signedIn({ role: 'ops' });
    await page.getByRole('link', { name: 'Fleet' }).click();
    await page.getByLabel('Chart scope').selectOption('SIM1');
    await page.getByLabel('Time range').selectOption('week');
    await expect.poll(() => new URL(page.url()).searchParams.get('range')).toBe('week');
    const chart = page.getByRole('img', { name: /Measured hashrate by hour at SIM1, last week/ });
    // Recharts 3 draws an axis's tick labels in a layer of their own above the plot, not inside the
    // axis's group (`.recharts-yAxis` holds only the line and the tick marks).
    const tickValues = chart.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    await expect.poll(() => tickValues.count(), { timeout: 20_000 }).toBeGreaterThan(2);
    const ticks = await tickValues.allTextContents();
    const units = new Set(ticks.map((t) => /(TH|PH|EH)$/.exec(t)?.[1]));
    expect(units.size, ticks.join(' | ')).toBe(1);
    expect([...units][0]).toBeDefined();
    // The time axis spans the whole week (a tick a day), though the sweeps cover minutes of it.
    const days = chart.locator('.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value');
    expect(await days.count()).toBeGreaterThanOrEqual(6);
  });

  it('as operations: sorts the machines by hashrate, finds one by its address, exports the whole list', async () => {
    const page = await d.signedIn({ role: 'ops' });
    await page.getByRole('link', { name: 'Fleet' }).click();
    const machines = page.getByRole('region', { name: 'Machines' });
    const pager = machines.getByRole('navigation', { name: 'Pages of machines' }).locator('span.muted');
    await machines.getByLabel('Site', { exact: true }).selectOption('SIM1');
    await expect.poll(() => pager.textContent()).toBe('1–25 of 40');
    await machines.getByRole('button', { name: /^Hashrate/ }).click();
    await expect
      .poll(() => machines.getByRole('columnheader', { name: /^Hashrate/ }).getAttribute('aria-sort'))
      .toBe('descending');
    expect(new URL(page.url()).searchParams.get('machines.sort')).toBe('-hashrate');
    // The API sorted the whole site, not just the page shown: the first page holds the largest.
    const shown = async () =>
      (await machines.locator('td[data-label^="Hashrate"]').allTextContents()).map(Number);
    await expect
      .poll(async () => {
        const v = await shown();
        return v.every((x, i) => i === 0 || v[i - 1]! >= x);
      })
      .toBe(true);

    const search = machines.getByLabel('Search');
    await search.fill('127.171.250.7');
    await search.press('Enter');
    await expect
      .poll(() => machines.locator('td[data-label="Address"]').allTextContents())
      .toEqual(['127.171.250.7']);
    await search.fill('');
    await search.press('Enter');
    await expect.poll(() => pager.textContent()).toBe('1–25 of 40');

    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 30_000 }),
      machines.getByRole('button', { name: 'Export all 40 (CSV)' }).click(),
    ]);
    const lines = (await readFile(await download.path())).toString('utf8').trim().split('\r\n');
    const header = lines[0]!.split(',');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => r[header.indexOf('Site')]))).toEqual(new Set(['SIM1']));
    const ths = rows.map((r) => Number(r[header.indexOf('Hashrate (TH/s)')]));
    expect(ths).toEqual([...ths].sort((a, b) => b - a));
  });

  it('shows a not-found page with a way back for unknown paths and ids', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    for (const [path, back] of [
      ['/fleet/1', 'Back to the fleet'],
      ['/orders/abc', 'Back to the order book'],
      ['/orders/999999', 'Back to the order book'],
      ['/fleet/machines/999999', 'Back to the fleet'],
      ['/nope', 'Back to the overview'],
    ] as const) {
      await page.goto(`${d.url}${path}`);
      await page.getByRole('heading', { name: 'Not found' }).waitFor();
      await page.getByRole('link', { name: back }).waitFor();
    }
  });

  it('passes the accessibility check on every page, and a phone reads each in short panels', async () => {
    const machines = await d.server.call('GET', '/api/fleet/machines?limit=1', { role: 'viewer' });
    const pages = [
      '/',
      '/orders',
      '/orders/1',
      '/orders/new',
      '/supply',
      '/fleet',
      `/fleet/machines/${machines.body.machines[0].id}`,
      '/alerts',
      '/mining',
      '/service',
      '/planning',
      '/reports',
      '/books',
      '/nope',
    ];
    const found: string[] = [];
    for (const viewport of [LAPTOP, PHONE]) {
      const page = await d.signedIn({ role: 'admin', viewport });
      for (const path of pages) {
        await page.goto(`${d.url}${path}`);
        await page.locator('main h1, main h2').first().waitFor();
        await settled(page);
        for (const v of await seriousViolations(page)) found.push(`${viewport.width}px ${path}: ${v}`);
        const [height, width] = await page.evaluate(() => [
          document.documentElement.scrollHeight,
          document.documentElement.scrollWidth,
        ]);
        expect(width, `${path} scrolls sideways at ${viewport.width}px`).toBeLessThanOrEqual(viewport.width);
        if (viewport === PHONE) expect(height, `${path} at 390 px`).toBeLessThanOrEqual(5 * viewport.height);
      }
    }
    expect(found).toEqual([]);
  }, 180_000);

  it('sorts, searches and pages with the keyboard alone', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    await page.goto(`${d.url}/orders`);
    const header = page.getByRole('button', { name: /^Value/ });
    await header.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByRole('columnheader', { name: /^Value/ }).getAttribute('aria-sort'))
      .toBe('descending');
    await page.getByLabel('Search').focus();
    await page.keyboard.type('Northbridge');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () => new Set(await page.locator('td[data-label="Customer"]').allTextContents()))
      .toEqual(new Set(['Northbridge Digital']));
    const next = page
      .getByRole('navigation', { name: /Pages of contracts/ })
      .getByRole('button', { name: 'Next' });
    if (await next.isEnabled()) {
      await next.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => new URL(page.url()).searchParams.get('contracts.page')).toBe('2');
    }
  });
});
