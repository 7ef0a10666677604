/**
 * Self-mining in Chromium as a new user meets it with the demo: the company's books and the demo's
 * rack of simulated miners at LAB, polled now. The page opens on today's quarter, whose measured
 * hashrate is live, and shows each site's measured beside its installed, and the total; an earlier
 * quarter is chosen in the picker, and one asked for in the URL is the one the picker shows.
 * Simulated miners on 127.175.0/24 (this file's).
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DemoRack, startDemoRack } from '../../src/demo/fleet.js';
import { dayOf, quarterOf } from '../../src/kernel/calendar.js';
import { miningStatus } from '../../src/mining/targets.js';
import { type Dashboard, startDemoDashboardToday } from './harness.js';

let d: Dashboard;
let rack: DemoRack | undefined;
beforeAll(async () => {
  d = await startDemoDashboardToday('demo@2021-01-15');
  const app = d.server.app;
  rack = await startDemoRack(app, app.actor('admin'), { count: 6, base: '127.175.0.1' });
  // The rack's first sweep starts at once: wait until self-mining reads LAB measured.
  await vi.waitFor(
    async () => {
      const lab = (await miningStatus(app)).sites.find((s) => s.site === 'LAB');
      if (lab?.measuredThs === null || lab?.measuredThs === undefined)
        throw new Error('LAB not measured yet');
    },
    { timeout: 30_000, interval: 500 },
  );
}, 900_000);
afterAll(async () => {
  await rack?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

const sitesTable = (page: Page) =>
  page.getByRole('region', { name: /Sites, hashrate at/ }).getByRole('table');
/** A site's row (or the total's) as its cells' text. */
const cells = (page: Page, name: RegExp) =>
  sitesTable(page).getByRole('row').filter({ hasText: name }).getByRole('cell').allTextContents();
/** A column's index, once the table is there (the sites load on their own). */
const column = async (page: Page, label: string) => {
  await sitesTable(page).getByRole('columnheader').first().waitFor();
  return (await sitesTable(page).getByRole('columnheader').allTextContents()).findIndex((h) =>
    h.startsWith(label),
  );
};

describe('self-mining in Chromium', () => {
  it("opens on today's quarter with each site's measured beside its installed, and the total", async () => {
    const today = dayOf(new Date());
    const page = await d.signedIn({ role: 'viewer', at: '/mining' });
    const picker = page.getByLabel('Quarter', { exact: true });
    await expect.poll(() => picker.inputValue()).toBe(quarterOf(today));
    // The picker offers every quarter from the books' first to today's.
    const options = await picker.locator('option').allTextContents();
    expect(options[0]! <= '2019Q1').toBe(true);
    expect(options.at(-1)).toBe(quarterOf(today));
    await page.getByRole('heading', { name: `Sites, hashrate at ${today}` }).waitFor();
    const installed = await column(page, 'Installed');
    const measured = await column(page, 'Measured');
    expect(measured).toBe(installed + 1);
    // LAB: six A1246 of 90 TH/s installed, measured by the fleet's polls.
    await expect.poll(async () => (await cells(page, /^LAB: /))[installed]).toBe('540.00 TH/s');
    expect((await cells(page, /^LAB: /))[measured]).toMatch(/^\d[\d.,]* TH\/s$/);
    // The demo company's own sites have their books, no telemetry.
    const na1 = await cells(page, /^NA1: /);
    expect(na1[installed]).toMatch(/ (PH|EH)\/s$/);
    expect(na1[measured]).toBe('not measured');
    const total = await cells(page, /^Total at /);
    expect(total[0]).toBe(`Total at ${today}`);
    expect(total[installed]).toMatch(/ (PH|EH)\/s$/);
    expect(total[measured]).toMatch(/^\d[\d.,]* TH\/s$/);
  }, 120_000);

  it('shows an earlier quarter chosen in the picker, and the quarter the URL asks for', async () => {
    const page = await d.signedIn({ role: 'viewer', at: '/mining' });
    const picker = page.getByLabel('Quarter', { exact: true });
    await expect.poll(() => picker.inputValue()).toBe(quarterOf(dayOf(new Date())));
    await picker.selectOption('2020Q4');
    await page.getByRole('heading', { name: 'Sites, hashrate at 2020-12-31' }).waitFor();
    const measured = await column(page, 'Measured');
    // LAB did not exist then; NA1 was never measured. (The heading names the quarter's day before
    // its status has come: every site reads '—' until it does, so each cell is waited for.)
    await expect.poll(async () => (await cells(page, /^NA1: /))[measured]).toBe('not measured');
    expect((await cells(page, /^LAB: /))[measured]).toBe('—');
    expect((await cells(page, /^Total at /))[measured]).toBe('not measured');

    await page.goto(`${d.url}/mining?quarter=2018Q3`);
    await page.getByRole('heading', { name: 'Sites, hashrate at 2018-09-30' }).waitFor();
    await expect(picker.inputValue()).resolves.toBe('2018Q3');
  }, 120_000);
});
