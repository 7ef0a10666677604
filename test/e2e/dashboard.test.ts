import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedSite, simulatedSite } from '../../src/fleet/test-fixtures.js';
import { seriousViolations } from './axe.js';
import { cellThs, type Dashboard, LAPTOP, PHONE, startDashboard, tableText } from './harness.js';

// The dashboard in Chromium as operations uses it, beside a simulated site, and every page checked
// for accessibility (the fleet's pages with the site's live machines on them). One server on a copy
// of the run's demo company (src/testing/demo-snapshot.ts) and one browser for the file; each test
// opens its own signed-in tab. The sales, supply and overview paths are in dashboard-*.test.ts.
let d: Dashboard;
let sim: SimulatedSite;
beforeAll(async () => {
  d = await startDashboard({ demo: 'demo@2021-01-15' });
  // 127.171.250/24 is bound by no other test file (the dashboard bench takes the start of 127.171/16).
  // Each poll sets the test clock to the wall clock's time.
  sim = await simulatedSite(d.server, { site: 'SIM1', count: 40, base: '127.171.250.1' });
  sim.pollEvery(1500);
}, 900_000); // it may wait for the run's demo snapshot, made meanwhile: a load on a busy machine
afterAll(async () => {
  await sim?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

/** SIM1's measured TH/s in the fleet's Sites table. */
const siteMeasured = async (page: Page) =>
  cellThs(
    await tableText(page.getByRole('region', { name: 'Sites' }).getByRole('table')),
    /^SIM1$/,
    'Measured',
  );

describe('the dashboard in Chromium', () => {
  it('curtails a simulated site and shows its hashrate fall, then resumes it', async () => {
    const page = await d.signedIn({ role: 'ops' });
    await page.getByRole('link', { name: 'Fleet' }).click();
    await expect
      .poll(async () => (await siteMeasured(page)) ?? Number.NaN, { timeout: 20_000 })
      .toBeGreaterThan(40 * 50);

    await page.getByRole('button', { name: 'Control SIM1' }).click();
    const control = page.getByRole('region', { name: 'Control every machine at SIM1' });
    await control.getByRole('button', { name: 'Curtail', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, curtail every machine at SIM1' }).click();
    const said = control.getByTestId('control-progress').getByRole('status');
    await expect.poll(() => said.textContent(), { timeout: 20_000 }).toMatch(/40 of 40 machines confirmed/);
    await expect.poll(async () => (await siteMeasured(page)) ?? Number.NaN, { timeout: 30_000 }).toBe(0);

    // Resuming takes nothing back that a click could regret: it is not asked twice.
    await control.getByRole('button', { name: 'Resume', exact: true }).click();
    await expect
      .poll(async () => (await siteMeasured(page)) ?? Number.NaN, { timeout: 30_000 })
      .toBeGreaterThan(40 * 50);

    // One machine's page says how long its last poll took (slow answerers are asked first).
    await page.locator('a[href^="/fleet/machines/"]').first().click();
    const lastPoll = page
      .locator('dt', { hasText: 'Last poll took' })
      .locator('xpath=following-sibling::dd[1]');
    await expect.poll(async () => lastPoll.textContent(), { timeout: 10_000 }).toMatch(/^[\d,]+ ms$/);
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
});

/** Waits until every panel of the page has loaded (nothing says Loading…). */
const settled = (page: Page) =>
  page.waitForFunction(() => document.querySelectorAll('[aria-busy="true"]').length === 0, undefined, {
    timeout: 30_000,
  });

describe('the dashboard as each team uses it', () => {
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
    // The fleet's pages show the machines the sweeps found; more sweeps meanwhile (a write of 40
    // machines every 1.5 s beside the pages' reads) would change nothing the walk reads.
    await sim.stopPolling();
    const found: string[] = [];
    // One tab for both widths, each page reached as a reader's click reaches it (the router's
    // pushState, no new load): a page mounts at the width it is read at, and its panels decide then
    // whether to open (ui.tsx), so the phone's walk starts from a load at the phone's width.
    // The pointer is moved off every page's content: left where sign-in's click was, it would come to
    // rest on what the next page draws there (a chart's tooltip), as it does not after a new load.
    const page = await d.signedIn({ role: 'admin', viewport: LAPTOP });
    await page.mouse.move(0, 0);
    for (const viewport of [LAPTOP, PHONE]) {
      if (viewport !== LAPTOP) {
        await page.setViewportSize(viewport);
        await page.reload();
      }
      for (const path of pages) {
        await open(page, path);
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
});

/**
 * Moves the tab to `path` as the dashboard's own links do (web/src/router.tsx: pushState, then its
 * listeners hear a popstate), and resolves once the new page has drawn its first frame.
 */
async function open(page: Page, path: string): Promise<void> {
  await page.evaluate(async (to) => {
    if (location.pathname === to) return;
    history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  }, path);
}
