import { readFile } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { quarterOf } from '../../src/kernel/calendar.js';
import { type Dashboard, LAPTOP, startDemoDashboardToday } from './harness.js';

// The dashboard in Chromium: signing in, the overview, supply's page, the report's PDF and the
// not-found page. One server on a copy of the run's demo company (src/testing/demo-snapshot.ts)
// and one browser for the file; each test opens its own signed-in tab.
let d: Dashboard;
beforeAll(async () => {
  d = await startDemoDashboardToday('demo@2021-01-15');
}, 900_000);
afterAll(async () => d?.close());
afterEach(async () => d?.closeTabs());

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
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: /overview/ }).waitFor();
    // The overview asks for the figures of the quarter it opens on (the latest with contracts) once
    // that is known, and for no stand-in before it (it asked for 2020Q4's report, then for the
    // books' quarter's, one round after the other).
    const latest = await d.server.call('GET', '/api/sales/contracts?sort=-signedOn&limit=1', {
      role: 'viewer',
    });
    const books = quarterOf(latest.body.contracts[0].signedOn);
    expect(books).not.toBe('2020Q4');
    await page.getByRole('heading', { name: `${books} overview` }).waitFor();
    await page.getByTestId('revenue').waitFor();
    const quarters = asked.filter((p) => /^\/api\/(sales\/quarters|reports\/quarterly)\//.test(p));
    expect(quarters.length).toBeGreaterThanOrEqual(2);
    expect(quarters.filter((p) => !p.endsWith(`/${books}`))).toEqual([]);
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
    // A quarter after the 2021 target's by-day says how it ended, not where it stands.
    await page.getByLabel('Quarter', { exact: true }).selectOption('2022Q1');
    await page.getByText(/^ended 2021-12-31: (met|missed)$/).waitFor();
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
  it("downloads the quarter's report as a PDF", async () => {
    // Signed in on the reports page itself: landing on the overview first asked for the quarter's
    // report, and the embedded database answers one query at a time, so the reports page could wait
    // behind it for more than the click's 10 s on a busy run.
    const page = await d.signedIn({ role: 'viewer', at: '/reports' });
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

describe('the dashboard as each team uses it', () => {
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
});
