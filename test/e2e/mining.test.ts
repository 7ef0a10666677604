/**
 * Self-mining in Chromium as a new user meets it with the demo: the company's books and the demo's
 * rack of simulated miners at LAB, polled now. The page opens on today's quarter, whose measured
 * hashrate is live, and shows each site's measured beside its installed, and the total; an earlier
 * quarter is chosen in the picker, and one asked for in the URL is the one the picker shows.
 * Simulated miners on 127.175.0/24 (this file's).
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoRack } from '../../src/demo/fleet.js';
import { dayOf, firstDayOfMonth, quarterMonths, quarterOf } from '../../src/kernel/calendar.js';
import { marketRange } from '../../src/market/service.js';
import { miningStatus } from '../../src/mining/targets.js';
import {
  cellThs,
  type Dashboard,
  startDemoDashboardToday,
  startMeasuredDemoRack,
  tableText,
} from './harness.js';

let d: Dashboard;
let rack: DemoRack | undefined;
beforeAll(async () => {
  d = await startDemoDashboardToday('demo@2021-01-15');
  rack = await startMeasuredDemoRack(d.server, '127.175.0.1');
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
    // The demo's target of 2021 is long over: it says how it ended, counting no days.
    const progress = page.getByTestId('target-progress');
    await expect.poll(() => progress.textContent()).toMatch(/^Target (met|missed)[\d.]+ %ended 2021-12-31: /);
    expect(await progress.textContent()).not.toMatch(/days left/);
    // LAB, the one measured site, is a sliver of the installed: its measured line and its own
    // installed are drawn on the right axis, not flat on the floor of the whole fleet's.
    const legend = page
      .getByRole('region', { name: /Hashrate at \d{4}/ })
      .locator('.recharts-legend-item-text');
    await expect
      .poll(async () => (await legend.allTextContents()).sort())
      .toEqual(['Installed where measured (right)', 'Installed, every site (left)', 'Measured (right)']);
    // The market history the project carries may end before today's quarter: the hashprice chart
    // then says why it has nothing to draw, rather than draw empty axes.
    const quarterDays = await marketRange(
      d.server.app,
      firstDayOfMonth(quarterMonths(quarterOf(today))[0]),
      today,
    );
    const hashprice = page.getByRole('region', { name: 'Hashprice against the curtailment line' });
    const noMarket = hashprice.getByRole('note').filter({ hasText: /^No market data in / });
    if (quarterDays.length === 0) await noMarket.waitFor();
    else await hashprice.getByRole('img').waitFor();
    expect(await noMarket.count()).toBe(quarterDays.length === 0 ? 1 : 0);
    // Its months' expected BTC then rests on the last market day, and the page says so.
    if (quarterDays.length === 0)
      await page
        .getByRole('region', { name: `BTC mined by month in ${quarterOf(today)}` })
        .getByRole('note')
        .filter({ hasText: /^Expected on an earlier day's market where a day has none of its own: / })
        .waitFor();
    const installed = await column(page, 'Installed');
    const measured = await column(page, 'Measured');
    expect(measured).toBe(installed + 1);
    // LAB: six A1246 of 90 TH/s installed, measured by the fleet's polls.
    await expect.poll(async () => (await cells(page, /^LAB: /))[measured]).toMatch(/^\d[\d.,]*$/);
    const t = await tableText(sitesTable(page));
    // Each column in one unit, named in its header, its total in it too: the cells are bare figures.
    expect(t.head[installed]).toMatch(/^Installed \((TH|PH|EH)\/s\)/);
    expect(t.head[measured]).toMatch(/^Measured \((TH|PH|EH)\/s\)/);
    expect(cellThs(t, /^LAB: /, 'Installed')).toBeCloseTo(540, -1);
    // The demo company's own sites have their books, no telemetry.
    expect(cellThs(t, /^NA1: /, 'Installed')).toBeGreaterThan(1000);
    expect((await cells(page, /^NA1: /))[measured]).toBe('not measured');
    const total = await cells(page, /^Total at /);
    expect(total[0]).toBe(`Total at ${today}`);
    expect(cellThs(t, /^Total at /, 'Installed')).toBeGreaterThan(cellThs(t, /^NA1: /, 'Installed')!);
    // The measured total adds up LAB alone, and says so: the other sites present were not measured.
    const present = (await miningStatus(d.server.app)).sites.length;
    expect(total[measured]).toMatch(new RegExp(`^\\d[\\d.,]* \\(1 of ${present} sites measured\\)$`));
    expect(present).toBeGreaterThan(1);

    // The fleet's page shows LAB's installed beside its polled hashrate: self-mining's own figure.
    await page.getByRole('link', { name: 'Fleet' }).click();
    const fleetSites = page.getByRole('region', { name: 'Sites' }).getByRole('table');
    await expect
      .poll(async () => cellThs(await tableText(fleetSites), /^LAB$/, 'Installed'))
      .toBeCloseTo(540, -1);
    expect(cellThs(await tableText(fleetSites), /^LAB$/, 'Measured')).toBeGreaterThan(0);
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
    await expect
      .poll(async () => (await cells(page, /^NA1: /))[measured], { timeout: 20_000 })
      .toBe('not measured');
    expect((await cells(page, /^LAB: /))[measured]).toBe('—');
    expect((await cells(page, /^Total at /))[measured]).toBe('not measured');

    await page.goto(`${d.url}/mining?quarter=2018Q3`);
    await page.getByRole('heading', { name: 'Sites, hashrate at 2018-09-30' }).waitFor();
    await expect(picker.inputValue()).resolves.toBe('2018Q3');
  }, 120_000);
});
