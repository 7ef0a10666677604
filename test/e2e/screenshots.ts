/**
 * Screenshots of the main pages at laptop and phone width for the README:
 * `npx tsx test/e2e/screenshots.ts` writes docs/screenshots/<page>-<laptop|phone>.png from a real
 * server with the demo company and a simulated site being polled.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { simulatedSite } from '../../src/fleet/test-fixtures.js';
import { LAPTOP, PHONE, startDashboard } from './harness.js';

const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
/** Laptop shots show the page down to this height: the top of a long table says enough. */
const LAPTOP_MAX_HEIGHT = 1800;

// The whole demo, as `npm start` shows it (the tests load it only to January 2021).
const d = await startDashboard({ at: new Date().toISOString() });
const sim = await simulatedSite(d.server, {
  site: 'SIM-SG',
  count: 120,
  // The dashboard's loopback range (127.171/16), clear of the browser test's site at 127.171.250.
  base: '127.171.240.1',
  faultRate: 0.05,
  seed: 3,
});
// A minute and a half of sweeps, so the live chart has a few points.
for (let i = 0; i < 10; i++) {
  await sim.poll();
  await new Promise((r) => setTimeout(r, 9000));
}
const open = await d.server.call(
  'GET',
  '/api/sales/contracts?signedIn=2020Q4&status=open&kind=futures&limit=1',
);
const contractId = open.body.contracts[0]?.id ?? 1;
const machines = await d.server.call('GET', '/api/fleet/machines?status=overheating&limit=1');
const machineId = machines.body.machines[0]?.id ?? 1;

const pages: { name: string; path: string; ready?: (p: Page) => Promise<void> }[] = [
  { name: 'overview', path: '/?quarter=2020Q4' },
  { name: 'order-book', path: '/orders?quarter=2020Q4' },
  { name: 'contract', path: `/orders/${contractId}` },
  { name: 'supply', path: '/supply' },
  { name: 'fleet', path: '/fleet' },
  { name: 'machine', path: `/fleet/machines/${machineId}` },
  { name: 'new-contract', path: '/orders/new' },
  { name: 'alerts', path: '/alerts' },
  { name: 'self-mining', path: '/mining?quarter=2021Q1' },
  { name: 'service', path: '/service' },
  { name: 'planning', path: '/planning' },
  { name: 'books', path: '/books' },
  {
    name: 'reports',
    path: '/reports?quarter=2020Q4',
    ready: async (p) => {
      await p.getByRole('button', { name: 'Show here' }).click();
      await p.locator('iframe.report-frame').waitFor();
    },
  },
];

mkdirSync(OUT, { recursive: true });
try {
  for (const [width, viewport] of [
    ['laptop', LAPTOP],
    ['phone', PHONE],
  ] as const) {
    const page = await d.signedIn({ role: 'admin', viewport });
    for (const p of pages) {
      await page.goto(`${d.url}${p.path}`);
      await page.locator('main h1, main h2').first().waitFor();
      await page.waitForFunction(
        () => document.querySelectorAll('[aria-busy="true"]').length === 0,
        undefined,
        {
          timeout: 30_000,
        },
      );
      await p.ready?.(page);
      await page.waitForTimeout(400);
      const file = join(OUT, `${p.name}-${width}.png`);
      if (width === 'phone') await page.screenshot({ path: file });
      else {
        const height = await page.evaluate(() => document.documentElement.scrollHeight);
        await page.screenshot({
          path: file,
          fullPage: true,
          clip: { x: 0, y: 0, width: viewport.width, height: Math.min(height, LAPTOP_MAX_HEIGHT) },
        });
      }
      process.stdout.write(`${file}\n`);
    }
  }
} finally {
  await sim.stop();
  await d.close();
  await d.browser.close(); // the process's one Chromium (harness.ts), which d.close() leaves open
}
