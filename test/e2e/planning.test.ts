import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalogAndMarket } from '../../src/mining/test-fixtures.js';
import { type Dashboard, PHONE, startDashboard } from './harness.js';

/** A compact amount as the page shows it (`$12.3M`, `-$4k`) in dollars. */
function dollars(text: string): number {
  const m = /(-|−)?\$([\d,.]+)([kMB]?)/.exec(text);
  if (!m) throw new Error(`not an amount: ${text}`);
  const scale = { '': 1, k: 1e3, M: 1e6, B: 1e9 }[m[3] as '' | 'k' | 'M' | 'B'];
  return (m[1] ? -1 : 1) * Number(m[2]!.replaceAll(',', '')) * scale;
}

/** The fan charts a run draws, by the name told to screen readers, and the unit their axis must say. */
const FAN_CHARTS: [RegExp, RegExp][] = [
  [/^Revenue per month/, /^USD( thousands| millions| billions)?$/],
  [/^Gross margin per month/, /^USD( thousands| millions| billions)?$/],
  [/^Cash at each month's end/, /^USD( thousands| millions| billions)?$/],
  [/^Contract liabilities/, /^USD( thousands| millions| billions)?$/],
  [/^Backlog/, /^USD( thousands| millions| billions)?$/],
  [/^BTC held/, /^BTC$/],
  [/^Self-mining hashrate/, /^(TH|PH|EH)\/s$/],
  [/^BTC price/, /^USD( thousands| millions| billions)?$/],
];

// One server and one browser for the file, on a small company: the catalog and the market history
// (which the scenario is calibrated on), and one futures customer booked through the API. The clock
// is at the end of 2021, so a scenario as of 2020-12-31 has a back-test.
let d: Dashboard;
beforeAll(async () => {
  d = await startDashboard({ demo: false, at: '2021-12-31T12:00:00Z' });
  await seedCatalogAndMarket(d.server.app, d.server.app.actor('admin'), '2017-01-01', '2021-12-31');
  const customer = await d.server.call('POST', '/api/sales/customers', {
    body: { name: 'Northern Hash', country: 'CA', region: 'north-america' },
  });
  const contract = await d.server.call('POST', '/api/sales/contracts', {
    body: {
      customerId: customer.body.id,
      kind: 'futures',
      signedOn: '2020-11-10',
      terms: {
        depositPercent: '30',
        balance: 'before-shipment',
        creditDays: '0',
        depositForfeitedOnCancel: true,
      },
      lines: [
        {
          productId: 'A1246',
          units: '2000',
          usdPerTh: '30.00',
          tranches: [
            { month: '2021-02', units: '1000' },
            { month: '2021-05', units: '1000' },
          ],
        },
      ],
    },
  });
  expect(contract.status, JSON.stringify(contract.body)).toBe(201);
}, 300_000);
afterAll(async () => d?.close());
afterEach(async () => d?.closeTabs());

describe('the planning page in Chromium', { timeout: 120_000 }, () => {
  it('lets finance save "BTC halves", shows its progress, fan charts and cases, and runs it again to the same figures', async () => {
    const page = await d.signedIn({ role: 'finance', viewport: PHONE });
    await page.getByRole('link', { name: 'Planning' }).click();
    const form = page.getByRole('form', { name: 'New scenario' });
    await expect(form.getByLabel('As of').inputValue()).resolves.toBe('2020-12-31');
    await expect(form.getByLabel('Paths').inputValue()).resolves.toBe('10000');

    // A refusal is told beside the field it names, and saves nothing.
    await form.getByLabel('Scenario name').fill('BTC halves');
    await form.getByLabel('Horizon').fill('61');
    await form.getByRole('button', { name: 'Save and run' }).click();
    await expect.poll(() => form.getByLabel('Horizon').getAttribute('aria-invalid')).toBe('true');
    await expect(form.getByRole('alert').textContent()).resolves.toMatch(/60/);
    await expect(page.getByText('No scenario saved yet.').count()).resolves.toBe(1);

    await form.getByLabel('Horizon').fill('12');
    await form.getByRole('button', { name: 'Add a shock' }).click();
    await form.getByLabel('Shock 1 month').fill('2021-06');
    await form.getByLabel('Shock 1 change').fill('-50');
    // Every state the progress bar is drawn in, recorded as the page draws it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        for (const p of Array.from(document.querySelectorAll('progress')))
          seen.push(p.hasAttribute('value') ? `${p.value}/${p.max}` : 'reading');
      }).observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    await form.getByRole('button', { name: 'Save and run' }).click();

    // Every figure a run gives (issue #19 item 3) and the BTC price, each a fan (two bands and the
    // median) with its unit along the value axis.
    const charts = page.getByTestId('fan-charts');
    await expect
      .poll(() => charts.locator('.chart .recharts-cartesian-grid').count(), { timeout: 30_000 })
      .toBe(FAN_CHARTS.length);
    await expect.poll(() => charts.locator('.recharts-area-area').count()).toBe(2 * FAN_CHARTS.length);
    await expect(charts.locator('.recharts-line-curve').count()).resolves.toBe(FAN_CHARTS.length);
    for (const [name, unit] of FAN_CHARTS) {
      const chart = charts.getByRole('img', { name });
      await expect(chart.locator('svg text', { hasText: unit }).count()).resolves.toBe(1);
    }
    await expect(page.getByTestId('run-progress').count()).resolves.toBe(0);
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    const counted = seen.filter((s) => s !== 'reading').map((s) => s.split('/').map(Number));
    // Paths drawn so far, before all of them: the bar moved while the run went on.
    expect(
      counted.some(([done, total]) => done! < total!),
      seen.join(' '),
    ).toBe(true);
    for (const [done, total] of counted) {
      expect(total).toBe(10_000);
      expect(done).toBeGreaterThan(0);
      expect(done).toBeLessThanOrEqual(total!);
    }

    // The deterministic cases side by side, the halving costing revenue against the base.
    const cases = page.getByTestId('deterministic');
    const headers = await cases.locator('th').allTextContents();
    expect(headers).toEqual(['Figure', 'base', 'BTC halves', 'BTC doubles']);
    const revenue = (await cases.locator('tr', { hasText: 'Revenue' }).locator('td').allTextContents()).slice(
      1,
    );
    expect(revenue).toHaveLength(3);
    expect(dollars(revenue[1]!)).toBeLessThanOrEqual(dollars(revenue[0]!));
    // 2021 has happened by the clock: the back-test places it among the paths.
    await page.getByRole('heading', { name: /Back-test/ }).waitFor();
    await expect(page.getByRole('cell', { name: '2021Q1' }).count()).resolves.toBeGreaterThan(0);

    const figure = (id: string) => page.getByTestId(id).locator('.figure-value').textContent();
    const first = [
      await figure('end-cash-p50'),
      await figure('chip-order-p50'),
      await figure('cash-below-floor'),
    ];
    expect(first[0]).toMatch(/^\$/);
    await expect(figure('chip-order-rule')).resolves.toMatch(/^[\d,]+$/);

    // Nothing on the page scrolls sideways at phone width.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await page.getByRole('button', { name: 'Run again' }).click();
    await page.getByTestId('run-progress').waitFor();
    await page.getByTestId('end-cash-p50').waitFor({ timeout: 30_000 });
    expect([
      await figure('end-cash-p50'),
      await figure('chip-order-p50'),
      await figure('cash-below-floor'),
    ]).toEqual(first);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('shows a viewer the saved scenarios but not the form, saying which role saves one', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    await page.getByRole('link', { name: 'Planning' }).click();
    await page.getByRole('link', { name: 'BTC halves' }).waitFor();
    await expect(page.getByTestId('needs-role').textContent()).resolves.toMatch(/finance/);
    await expect(page.getByRole('form', { name: 'New scenario' }).count()).resolves.toBe(0);
  });
});
