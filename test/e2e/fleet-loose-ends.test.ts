/**
 * The fleet pages where a new user got stuck: a site in the URL that no site has, the machine list
 * under a site's control after a curtail, and an alert's service ticket. Simulated miners on
 * 127.21.2/24 (this file's), no demo company.
 */
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type SimulatedSite, simulatedSite } from '../../src/fleet/test-fixtures.js';
import { centreInput } from '../../src/service/test-fixtures.js';
import type { Json } from '../../src/testing/index.js';
import { type Dashboard, startDashboard } from './harness.js';

let d: Dashboard;
let sim: SimulatedSite;
let machines: Json[];
beforeAll(async () => {
  d = await startDashboard({ demo: false, at: new Date().toISOString() });
  sim = await simulatedSite(d.server, { site: 'LE1', count: 3, base: '127.21.2.1' });
  machines = (await d.server.call('GET', '/api/fleet/machines?site=LE1', { role: 'viewer' })).body.machines;
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

const ok = async (method: string, path: string, body?: unknown, role: Json = 'ops') => {
  const r = await d.server.call(method, path, { role, body });
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
};

/** The status badge of a machine's row in the fleet's machine list. */
const rowStatus = (page: Page, serial: string) =>
  page
    .getByRole('region', { name: 'Machines' })
    .getByRole('row')
    .filter({ hasText: serial })
    .locator('.badge')
    .textContent();

describe('the fleet pages, where a new user got stuck', () => {
  it('offers to show all sites when the URL names a site nobody registered', async () => {
    const page = await d.signedIn({ role: 'viewer', at: '/fleet?site=NOPE' });
    const list = page.getByRole('region', { name: 'Machines' });
    await expect(list.getByRole('alert').textContent()).resolves.toMatch(/NOPE is not a registered/);
    await list.getByRole('button', { name: 'Show all sites' }).click();
    await expect.poll(() => list.getByRole('row').filter({ hasText: machines[0].serial }).count()).toBe(1);
    expect(new URL(page.url()).searchParams.has('site')).toBe(false);
  }, 120_000);

  it("links a machine's alert to the service ticket opened for the same fault", async () => {
    await ok('POST', '/api/service/centres', centreInput('LE', 'SG', 'asia-pacific', 480), 'service');
    // At once, not after the rule's 30 s: the test's clock is the real one.
    await ok('PUT', '/api/alerts/rules/psu-fault', { sustainSeconds: 0 });
    const m = machines[1];
    await sim.simulator.setFault(`${m.address}:${m.port}`, 'psu-fault');
    await sim.poll();
    expect((await ok('POST', '/api/alerts/evaluations')).tickets).toMatchObject({ opened: 1 });
    const [alert] = (await ok('GET', `/api/alerts?machineId=${m.id}&rule=psu-fault`)).alerts;
    expect(alert.ticketId).toEqual(expect.any(Number));

    const page = await d.signedIn({ role: 'admin', at: `/fleet/machines/${m.id}` });
    const link = page.getByRole('link', { name: `Service ticket #${alert.ticketId}` });
    await expect(link.getAttribute('href')).resolves.toBe(`/service#ticket-${alert.ticketId}`);
    await link.click();
    await page.locator(`#ticket-${alert.ticketId}`).waitFor();
    await sim.simulator.setFault(`${m.address}:${m.port}`, null);

    // Closed since: no longer among the open tickets the service page lists, the link still lands on it.
    await ok('POST', `/api/service/tickets/${alert.ticketId}/steps`, { step: 'cancelled' }, 'service');
    const later = await d.signedIn({ role: 'ops', at: `/fleet/machines/${m.id}` });
    await later.getByRole('link', { name: `Service ticket #${alert.ticketId}` }).click();
    const landed = later.getByRole('region', { name: `Ticket #${alert.ticketId}` });
    await landed.locator(`#ticket-${alert.ticketId}`).waitFor();
    await expect(landed.textContent()).resolves.toMatch(/cancelled/);

    // A viewer may not read tickets: the alert shows no link to one.
    const viewer = await d.signedIn({ role: 'viewer', at: `/fleet/machines/${m.id}` });
    await viewer.getByTestId(`alert-${alert.id}`).waitFor();
    expect(await viewer.getByRole('link', { name: `Service ticket #${alert.ticketId}` }).count()).toBe(0);
  }, 120_000);

  it("reads a site's machine rows again when its control's progress finishes", async () => {
    const page = await d.signedIn({ role: 'ops', at: '/fleet?site=LE1' });
    const m = machines[2];
    await expect.poll(() => rowStatus(page, m.serial)).toBe('ok');
    // A sweep changes a row behind the page's back: the list is not live, it still says ok.
    await sim.simulator.setFault(`${m.address}:${m.port}`, 'overheating');
    await sim.poll();
    const [now] = (await ok('GET', `/api/fleet/machines?site=LE1&status=overheating`, undefined, 'viewer'))
      .machines;
    expect(now.id).toBe(m.id);
    await expect(rowStatus(page, m.serial)).resolves.toBe('ok');

    await page.getByRole('button', { name: 'Control LE1' }).click();
    const control = page.getByRole('region', { name: 'Control every machine at LE1' });
    await control.getByRole('button', { name: 'Curtail', exact: true }).click();
    await page.getByRole('button', { name: 'Yes, curtail every machine at LE1' }).click();
    const said = control.getByTestId('control-progress').getByRole('status');
    await expect.poll(() => said.textContent(), { timeout: 20_000 }).toMatch(/3 of 3 machines confirmed/);
    // The rows are read again once the control ends: the list shows what the server has now.
    await expect.poll(() => rowStatus(page, m.serial), { timeout: 10_000 }).toBe('overheating');
  }, 120_000);
});
