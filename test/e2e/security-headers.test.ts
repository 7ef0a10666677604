import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './harness.js';

// The Content-Security-Policy is only as good as the pages that still work under it: this drives
// the built dashboard (its charts and the report preview, an iframe that inherits the policy) and
// the API reference in Chromium, and fails on any violation the browser reports.
let d: Dashboard;
beforeAll(async () => {
  // The demo company the dashboard's own files read, copied from the run's snapshot.
  d = await startDashboard({ demo: 'demo@2021-01-15' });
}, 900_000); // it may wait for the run's demo snapshot, made meanwhile: a load on a busy machine
afterAll(async () => d?.close());

/** Every CSP violation the page (or a frame in it) reports on the console, from now on. */
function violations(page: Page): string[] {
  const seen: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

describe('the dashboard and the API reference under the security headers', () => {
  it('sends the headers with the page, and draws the overview and the report preview with no violation', async () => {
    const page = await d.signedIn({ role: 'viewer' });
    const seen = violations(page);
    const answer = await page.reload();
    const headers = answer!.headers();
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).toContain("script-src 'self'");
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('no-referrer');
    await page.getByLabel('Quarter', { exact: true }).selectOption('2020Q4');
    // The charts wait on the quarter's report: on a loaded machine that takes seconds, not the poll's default 1 s.
    await expect
      .poll(() => page.locator('.chart .recharts-surface').count(), { timeout: 20_000 })
      .toBeGreaterThanOrEqual(3);
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByLabel('Quarter', { exact: true }).selectOption('2020Q4');
    await page.getByRole('button', { name: 'Show here' }).click();
    const report = page.frameLocator('iframe.report-frame');
    await report.locator('h1').first().waitFor({ timeout: 30_000 });
    // The report's own <style> applied inside the preview: its body is not the browser's default font.
    const font = await report.locator('body').evaluate((b) => getComputedStyle(b).fontFamily);
    expect(font).not.toMatch(/^"?Times/);
    expect(seen).toEqual([]);
  }, 60_000);

  it('renders the API reference at /api/docs with no violation', async () => {
    const context = await d.browser.newContext();
    const page = await context.newPage();
    const seen = violations(page);
    const answer = await page.goto(`${d.url}/api/docs/`);
    expect(answer!.headers()['content-security-policy']).toBeTruthy();
    // Every module's tag is drawn closed; opening two draws their operations.
    await expect.poll(() => page.locator('.opblock-tag').count(), { timeout: 20_000 }).toBeGreaterThan(10);
    await page.locator('.opblock-tag', { hasText: 'sales' }).first().click();
    await page.locator('.opblock-tag', { hasText: 'service' }).first().click();
    await expect.poll(() => page.locator('.opblock').count(), { timeout: 20_000 }).toBeGreaterThan(10);
    expect(seen).toEqual([]);
    await context.close();
  });
});
