/**
 * The self-mining page's charts and sites table as a new user met them with the demo at laptop width
 * (1440 px): the short hashrate ranges drawn from the fleet's telemetry and nothing dated after now,
 * the sites table inside its card, the curtailment thresholds' labels clear of their neighbours'
 * lines. Simulated miners on 127.20.7/24 (this file's).
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DemoRack } from '../../src/demo/fleet.js';
import { dayOf } from '../../src/kernel/calendar.js';
import { deployMachines, installMachines } from '../../src/mining/deployments.js';
import { addSite } from '../../src/mining/sites.js';
import { type Dashboard, startDemoDashboardToday, startMeasuredDemoRack } from './harness.js';

const WIDE = { width: 1440, height: 900 };

let d: Dashboard;
let rack: DemoRack | undefined;
beforeAll(async () => {
  d = await startDemoDashboardToday('demo@2021-01-15');
  const app = d.server.app;
  const ops = app.actor('ops');
  // Two more sites whose power prices are a few tenths of a cent from NA1's ($0.035/kWh): their
  // curtailment thresholds of 2022Q2 are lines a few pixels apart on the hashprice chart.
  for (const [code, usdPerKwh] of [
    ['SG2', 0.037],
    ['SG3', 0.04],
  ] as const) {
    await addSite(app, ops, {
      code,
      name: `Singapore ${code}`,
      country: 'SG',
      capacityMw: 1,
      usdPerKwh,
      priceFrom: '2021-01-01',
      status: 'approved',
      permitRef: `EMA-${code}`,
    });
    const { serials } = await deployMachines(app, ops, {
      site: code,
      productId: 'A1246',
      units: 2,
      serialPrefix: `${code}-`,
      shippedOn: '2021-03-01',
    });
    await installMachines(app, ops, { serials, installedOn: '2021-03-05' });
  }
  rack = await startMeasuredDemoRack(d.server, '127.20.7.1');
}, 900_000);
afterAll(async () => {
  await rack?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

const hashrateChart = (page: Page) =>
  page.getByRole('region', { name: /Hashrate at \d{4}/ }).locator('.chart-figure');

/** The time axis's tick labels of a chart (those `time` matches: the value axis's are hashrates), once drawn. */
async function ticks(chart: Locator, time: RegExp): Promise<string[]> {
  const values = chart.locator('.recharts-cartesian-axis-tick-value').filter({ hasText: time });
  await expect.poll(() => values.count(), { timeout: 10_000 }).toBeGreaterThan(1);
  return values.allTextContents();
}

describe('self-mining charts and sites at laptop width', () => {
  it("draws the last hour and the last day from the fleet's telemetry, the installed flat beside it", async () => {
    for (const range of ['hour', 'day']) {
      const page = await d.signedIn({ role: 'viewer', at: `/mining?range=${range}`, viewport: WIDE });
      const chart = hashrateChart(page);
      // The page's status comes first (the chart is inside its section): slow on a loaded machine.
      await chart
        .getByRole('img', { name: /^Measured hashrate per minute of the fleet, last / })
        .waitFor({ timeout: 30_000 });
      // The measured series is drawn (a dot a minute while the rack's polls are few), not the books'
      // one dot of installed at the quarter's last day.
      await expect
        .poll(() => chart.locator('.recharts-line-curve, .recharts-line-dot').count(), { timeout: 20_000 })
        .toBeGreaterThan(0);
      await chart.getByText('Measured, the fleet').waitFor();
      // LAB's installed is the flat reference; every site's, far above, is said under the chart.
      await chart
        .locator('text')
        .filter({ hasText: /^installed where measured / })
        .waitFor();
      await expect(chart.locator('figcaption').textContent()).resolves.toMatch(
        /installed, every site [\d.]+ PH\/s \(above the scale\)/,
      );
      // Times of the day, not the quarter's last day (2026-12-31, weeks ahead); the last hour's in
      // the hour before now (minutes of the day, across midnight too).
      const now = new Date();
      const minute = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
      // The range ends on the minute after the page opened: a tick may be one minute past `now`.
      for (const t of await ticks(chart, /^\d\d:\d\d$/)) {
        const behind = (minute(now.toISOString().slice(11, 16)) - minute(t) + 1440) % 1440;
        if (range === 'hour')
          expect(behind <= 61 || behind === 1439, `${t} at ${now.toISOString()}`).toBe(true);
      }
    }
  }, 120_000);

  it("ends today's quarter's days at today, not at the quarter's last day", async () => {
    const page = await d.signedIn({ role: 'viewer', at: '/mining?range=quarter', viewport: WIDE });
    const chart = hashrateChart(page);
    const today = dayOf(new Date());
    await chart
      .getByRole('img', { name: `Installed and measured hashrate by day, last quarter to ${today}` })
      .waitFor({ timeout: 30_000 });
    const days = await ticks(chart, /^\d{4}-\d\d-\d\d$/);
    for (const t of days) expect(t <= today).toBe(true);
  }, 60_000);

  it('draws days chosen by hand from the books by day, however few, titled once', async () => {
    const page = await d.signedIn({
      role: 'viewer',
      at: '/mining?range=custom&from=2021-03-01&to=2021-03-20',
      viewport: WIDE,
    });
    const chart = hashrateChart(page);
    // Twenty days are asked of the telemetry by the hour: it read "No hashrate recorded", its title
    // "2021-03-01 to 2021-03-20 to 2021-03-21 00:00 UTC".
    await chart
      .getByRole('img', { name: 'Installed and measured hashrate by day, 2021-03-01 to 2021-03-20' })
      .waitFor({ timeout: 30_000 });
    const days = await ticks(chart, /^\d{4}-\d\d-\d\d$/);
    for (const t of days) expect(t >= '2021-03-01' && t <= '2021-03-20', t).toBe(true);
    // The books' installed line (the telemetry chart's series is "Measured, the fleet").
    await chart
      .getByText(/^Installed/)
      .first()
      .waitFor();
    await expect(chart.getByText(/^No hashrate recorded/).count()).resolves.toBe(0);
  }, 60_000);

  it('keeps the sites table inside its card', async () => {
    const page = await d.signedIn({ role: 'admin', at: '/mining', viewport: WIDE });
    const card = page.getByRole('region', { name: /Sites, hashrate at / });
    await card.getByRole('button', { name: 'Change LAB' }).waitFor();
    const [table, inside, columns] = await card.evaluate((c) => [
      c.querySelector('table')!.getBoundingClientRect().width,
      // The card's content box: inside its padding.
      c.clientWidth - Number.parseFloat(getComputedStyle(c).paddingLeft) * 2,
      Array.from(
        c.querySelectorAll('thead th'),
        (th) => `${th.textContent} ${Math.round(th.getBoundingClientRect().width)}`,
      ).join(', '),
    ]);
    expect(table, String(columns)).toBeLessThanOrEqual(Number(inside));
  }, 60_000);

  it("halos the curtailment labels, so a neighbouring threshold's line does not cross their text", async () => {
    const page = await d.signedIn({ role: 'viewer', at: '/mining?quarter=2022Q2', viewport: WIDE });
    const chart = page.getByRole('region', { name: 'Hashprice against the curtailment line' });
    // NA1's, SG2's and SG3's thresholds (LAB had no machines then), once the advice has come.
    await expect
      .poll(() => chart.locator('.recharts-reference-line-line').count(), { timeout: 10_000 })
      .toBe(3);
    const labels = await chart.locator('.chart').evaluate((svg) => {
      const box = (e: Element) => e.getBoundingClientRect();
      const lines = Array.from(svg.querySelectorAll('.recharts-reference-line-line'));
      const texts = Array.from(svg.querySelectorAll('text'));
      return texts
        .filter((t) => t.textContent?.startsWith('curtail '))
        .map((text) => {
          const t = box(text);
          const style = getComputedStyle(text);
          return {
            text: text.textContent,
            paintOrder: style.paintOrder,
            stroke: style.stroke,
            strokeWidth: Number.parseFloat(style.strokeWidth),
            // Lines through the text's box, and whether each is painted before the text (under it).
            crossing: lines
              .filter((l) => box(l).y > t.top && box(l).y < t.bottom)
              .map((l) => Boolean(l.compareDocumentPosition(text) & Node.DOCUMENT_POSITION_FOLLOWING)),
          };
        });
    });
    expect(labels.length).toBeGreaterThan(0);
    // Three thresholds a few pixels apart: a neighbour's line does run through a label's text box.
    expect(labels.some((l) => l.crossing.length > 0)).toBe(true);
    for (const l of labels) {
      expect(l.paintOrder, l.text ?? '').toMatch(/^stroke/);
      expect(l.stroke).toBe('rgb(255, 255, 255)');
      expect(l.strokeWidth).toBeGreaterThanOrEqual(3);
      expect(l.crossing.every((underneath) => underneath)).toBe(true);
    }
  }, 60_000);
});
