/**
 * A machine's page says when the machine does not do as asked, in Chromium: a curtailed machine
 * that came back from a power cut hashing, with a "not as asked" badge and how; a resumed one gone
 * offline (its status says so), a curtailed machine that stays idle and one never asked, none; the
 * idle one's boards idle, not down, and a hashing machine's dead board down. Simulated
 * miners on 127.29.1/24 (this file's), no demo company.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../../src/fleet/protocol/simulator.js';
import { type SimulatedSite, simulatedSite } from '../../src/fleet/test-fixtures.js';
import type { Json } from '../../src/testing/index.js';
import { seriousViolations } from './axe.js';
import { type Dashboard, startDashboard } from './harness.js';

const MINERS = { site: 'PWR1', count: 4, base: '127.29.1.1' } as const;

let d: Dashboard;
let site: SimulatedSite;
let sim: Simulator;
let machines: Json[];
const control = async (ids: number[], kind: 'soft-off' | 'soft-on') => {
  const r = await d.server.call('POST', '/api/fleet/control', {
    role: 'ops',
    body: { selector: { machines: ids }, action: { kind } },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};

beforeAll(async () => {
  d = await startDashboard({ demo: false, at: new Date().toISOString() });
  site = await simulatedSite(d.server, MINERS);
  machines = (await d.server.call('GET', '/api/fleet/machines?site=PWR1', { role: 'viewer' })).body.machines;
  const [hashing, offline, idle] = machines.map((m) => m.id as number);
  await control([hashing!, idle!], 'soft-off');
  // A power cut: the rack comes back hashing, the soft offs forgotten; the third is told again.
  await site.simulator.stop();
  sim = await startSimulator({ faultRate: 0, seed: 1, rebootSeconds: 2, slowMs: 500, ...MINERS });
  await control([idle!], 'soft-off');
  await control([offline!], 'soft-on');
  await sim.setFault(sim.miners[1]!.address, 'offline');
  // Three failed polls make a machine offline; the soft offs were just sent: none is sent again.
  for (let i = 0; i < 3; i++) await site.poll();
}, 120_000);
afterAll(async () => {
  await sim?.stop();
  await d?.close();
});
afterEach(async () => d?.closeTabs());

describe("a machine's wanted power on its page", () => {
  it('answers it in the API: wanted, asked by whom, and not as asked', async () => {
    const power = async (i: number) =>
      (await d.server.call('GET', `/api/fleet/machines/${machines[i].id}`, { role: 'viewer' })).body.power;
    expect(await power(0)).toMatchObject({
      wanted: 'off',
      askedBy: 'token:test-ops',
      notAsAsked: 'hashing-while-meant-off',
    });
    expect(await power(1)).toMatchObject({ wanted: 'on', notAsAsked: null });
    expect(await power(2)).toMatchObject({ wanted: 'off', notAsAsked: null });
    expect(await power(3)).toEqual({
      wanted: null,
      askedAt: null,
      askedBy: null,
      controlId: null,
      notAsAsked: null,
    });
  });

  it('shows a "not as asked" badge, saying how, only on a machine answering other than asked', async () => {
    const shown = async (i: number) => {
      const page = await d.signedIn({ role: 'viewer', at: `/fleet/machines/${machines[i].id}` });
      const figure = page.getByTestId('machine-power');
      await figure.waitFor();
      return { page, figure, text: (await figure.textContent()) ?? '' };
    };
    const hashing = await shown(0);
    await hashing.figure.locator('.badge', { hasText: 'not as asked' }).waitFor();
    expect(hashing.text).toMatch(/Meant off/);
    expect(hashing.text).toMatch(/hashing \(ok\) though meant off: soft off by token:test-ops/);
    expect(await seriousViolations(hashing.page)).toEqual([]);

    const offline = await shown(1);
    expect(offline.text).toMatch(/Meant on/);
    expect(offline.text).toMatch(/soft on by token:test-ops/);
    expect(await offline.figure.locator('.badge').count()).toBe(0);

    const idle = await shown(2);
    expect(idle.text).toMatch(/Meant off/);
    expect(await idle.figure.locator('.badge').count()).toBe(0);

    const never = await shown(3);
    expect(never.text).toMatch(/never curtailed or resumed/);
    expect(await never.figure.locator('.badge').count()).toBe(0);
  }, 120_000);

  it("shows a curtailed machine's boards as idle, not down, and a hashing machine's dead board as down", async () => {
    await sim.setFault(sim.miners[3]!.address, 'board-down');
    await site.poll();
    const boards = async (i: number) => {
      const page = await d.signedIn({ role: 'viewer', at: `/fleet/machines/${machines[i].id}` });
      await page.getByTestId('machine-power').waitFor();
      const badges = async (word: string) =>
        page.locator(`td .badge.board-${word}`, { hasText: new RegExp(`^${word}$`) }).count();
      return { idle: await badges('idle'), down: await badges('down') };
    };
    // The A1246 has three boards, all at 0 TH/s while soft off.
    expect(await boards(2)).toEqual({ idle: 3, down: 0 });
    expect(await boards(3)).toEqual({ idle: 0, down: 1 });
  }, 120_000);
});
