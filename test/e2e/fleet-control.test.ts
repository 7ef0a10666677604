/**
 * The operations path in Chromium, by keyboard alone: open a machine, read its boards, fans and
 * pools, switch its pool; select machines in the fleet list and reboot them with a bar that fills
 * as each confirms. Simulated miners on 127.151.2/24 (this file's), no demo company: a small
 * fixture is enough.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedSite, simulatedSite } from '../../src/fleet/test-fixtures.js';
import type { Json } from '../../src/testing/index.js';
import { seriousViolations } from './axe.js';
import { type Dashboard, startDashboard } from './harness.js';

let d: Dashboard;
let sim: SimulatedSite;
let machines: Json[];
beforeAll(async () => {
  d = await startDashboard({ demo: false, at: new Date().toISOString() });
  sim = await simulatedSite(d.server, { site: 'OPS1', count: 4, base: '127.151.2.1' });
  machines = (await d.server.call('GET', '/api/fleet/machines?site=OPS1', { role: 'viewer' })).body.machines;
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

/** The name of what has the focus: its aria-label, else its label, else its text. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    const label = el?.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : undefined;
    return (el?.getAttribute('aria-label') ?? label ?? el?.textContent ?? '').trim();
  });

describe('fleet control in Chromium', () => {
  it("shows a machine's boards, fans, PSU and pools, and switches its pool by keyboard", async () => {
    const m = machines[0];
    const page = await d.signedIn({ role: 'ops', at: `/fleet/machines/${m.id}` });
    await page.getByRole('heading', { name: 'Hash boards' }).waitFor();
    const boards = page.getByRole('table').filter({ hasText: 'Chip average' });
    await expect.poll(() => boards.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
    await page.getByRole('heading', { name: 'Fans' }).waitFor();
    await expect(page.getByTestId('machine-psu').textContent()).resolves.toMatch(/healthy/);
    await page.getByRole('cell', { name: 'stratum+tcp://btc.pool.example:443' }).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // The simulated miners run work mode 1: the page says so, and the picker starts there, not at 0.
    const shown = page.locator('.figure').filter({ has: page.getByText('Work mode', { exact: true }) });
    await expect(shown.locator('.figure-value').textContent()).resolves.toBe('1');
    const picker = page.getByRole('region', { name: 'Control this machine' }).getByLabel('Work mode');
    await expect(picker.inputValue()).resolves.toBe('1');
    await expect(picker.locator('option:checked').textContent()).resolves.toBe('1 — performance (current)');

    await page.getByLabel('Configured pool').focus();
    await page.keyboard.press('ArrowDown'); // pool 0
    await page.keyboard.press('ArrowDown'); // pool 1
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Switch pool');
    await page.keyboard.press('Enter');
    const control = page.getByRole('region', { name: 'Control this machine' });
    await expect
      .poll(() => control.getByRole('status').textContent(), { timeout: 20_000 })
      .toMatch(/switch to pool 1: 1 of 1 machines confirmed/);
    expect(sim.simulator.control(`${m.address}:${m.port}`).poolOrder[0]).toBe(1);
  }, 120_000);

  it('reboots a selection from the fleet list, with a bar that fills as machines confirm', async () => {
    const page = await d.signedIn({ role: 'ops', at: '/fleet?site=OPS1' });
    for (const m of machines.slice(1, 3)) {
      await page.getByLabel(`Select ${m.serial}`).focus();
      await page.keyboard.press('Space');
    }
    await page.getByRole('heading', { name: /2 selected/ }).waitFor();
    // From the selection's heading, the next stops are its "Clear" button, then Reboot.
    await page.getByRole('button', { name: 'Clear the selection' }).focus();
    await page.keyboard.press('Tab');
    await expect(focused(page)).resolves.toBe('Reboot');
    await page.keyboard.press('Enter');
    // The dialog asks first, with "Go back" focused: a stray Enter does no harm.
    const dialog = page.getByRole('dialog', { name: 'Reboot 2 selected machines?' });
    await dialog.waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const progress = page.getByTestId('control-progress');
    await expect
      .poll(() => progress.getByRole('status').textContent(), { timeout: 30_000 })
      .toMatch(/reboot: 2 of 2 machines confirmed/);
    await expect(progress.locator('progress').getAttribute('value')).resolves.toBe('2');
    await expect(progress.getByRole('cell', { name: 'done' }).count()).resolves.toBe(2);
    // The machine not selected was not rebooted.
    const untouched = machines[3];
    expect(sim.simulator.control(`${untouched.address}:${untouched.port}`).online).toBe(true);
  }, 120_000);

  it('names the field of a refused pool beside it, and sends nothing', async () => {
    const page = await d.signedIn({ role: 'ops', at: `/fleet/machines/${machines[0].id}` });
    const control = page.getByRole('region', { name: 'Control this machine' });
    await control.getByLabel('New pool URL').fill('http://not-stratum.example');
    await control.getByLabel('Worker').fill('lab.1');
    await control.getByRole('button', { name: 'Add pool and switch' }).click();
    await expect(control.getByRole('alert').first().textContent()).resolves.toMatch(/stratum URL/);
    await expect(control.getByLabel('New pool URL').getAttribute('aria-invalid')).resolves.toBe('true');
  }, 120_000);
});
