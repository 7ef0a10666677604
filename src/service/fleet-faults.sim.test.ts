/**
 * Fleet faults over real TCP with the simulator: a PSU reporting an error code opens a PSU ticket
 * with the poll reply and the error bits named, when the sweep is evaluated — the one way from a
 * fault to its ticket; the alert that fires on the same fault is taken up by that ticket in the
 * same evaluation — one fault, one alert, one ticket, each naming the other. (An alert whose fault
 * the catalogue's thresholds did not see opens nothing: faults.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { SIMULATED_PSU_ERROR } from '../fleet/protocol/simulator-models.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';
import { centreInput } from './test-fixtures.js';

const A1246 = {
  kind: 'machine',
  id: 'A1246',
  name: 'AvalonMiner 1246',
  family: 'A12',
  generation: 12,
  algorithm: 'sha256',
  ths: 90,
  watts: 3420,
  chipsPerMachine: 360,
  hashboards: 3,
  launchDate: '2020-10-01',
  stage: 'mass-production',
};

describe('fleet faults and their alerts', () => {
  let s: TestServer;
  let sim: Simulator;
  const at = (seconds: number) => new Date(Date.UTC(2021, 0, 15, 10, 0, seconds)).toISOString();
  const ok = async (method: string, path: string, body?: unknown, role: Json = 'ops') => {
    const r = await s.call(method, path, { role, body });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  /** A real sweep, then the evaluator's look at it (alerts, then tickets): as `serve` runs them. */
  const sweep = async (seconds: number) => {
    s.app.clock.set(at(seconds));
    await ok('POST', '/api/fleet/polls', {});
    return (await ok('POST', '/api/alerts/evaluations')).tickets;
  };

  beforeAll(async () => {
    s = await testServer();
    // 127.186/16 is the service network's own loopback range (test files run in parallel workers).
    sim = await startSimulator({ count: 3, base: '127.186.0.1', seed: 'fleet-faults', faultRate: 0 });
    s.app.clock.set(at(0));
    // Two centres: one first by id, one in the site's country, which a fleet ticket must go to.
    await ok('POST', '/api/service/centres', centreInput('AP1', 'SG', 'asia-pacific', 480), 'service');
    await ok('POST', '/api/service/centres', centreInput('KZ1', 'KZ', 'central-asia', 300), 'service');
    await addTestSite(s.app, s.app.actor('admin'), 'PSU1', 'KZ');
    // The simulated miners report model `1246-83`: an unlinked machine's ticket names this product.
    await ok('POST', '/api/catalog/products', A1246, 'admin');
    await ok('POST', '/api/fleet/scans', { range: '127.186.0.1-127.186.0.3', site: 'PSU1' });
  });
  afterAll(async () => {
    await sim.stop();
    await s.close();
  });

  it('opens a PSU ticket from the PSU’s error code, and the PSU alert is taken up by it', async () => {
    expect(await sweep(0)).toEqual({ opened: 0, added: 0 });
    await sim.setFault(sim.miners[0]!.address, 'psu-fault');
    // The poll shows the fault at once: the ticket opens; the alert waits out its 30 s sustain.
    expect(await sweep(10)).toEqual({ opened: 1, added: 0 });
    const [ticket] = await ok('GET', '/api/service/tickets?origin=fleet');
    // Routed by the site's country (KZ), not to whichever centre comes first.
    expect(ticket).toMatchObject({
      ticketClass: 'psu',
      route: 'rma',
      site: 'PSU1',
      centreId: 'KZ1',
      productId: 'A1246',
      evidence: 1,
    });
    expect(ticket.summary).toContain(`PSU error code ${SIMULATED_PSU_ERROR}: output over-current`);
    // The machine itself is not `ok` while its PSU reports the error.
    const [machine] = (await ok('GET', '/api/fleet/machines?site=PSU1&status=degraded', undefined, 'viewer'))
      .machines;
    expect(machine).toMatchObject({ address: sim.miners[0]!.address.split(':')[0], status: 'degraded' });
    expect(machine.statusReason).toContain(`PSU error code ${SIMULATED_PSU_ERROR}`);
    // No evaluation of the same sweep twice, so no second look at its faults either.
    expect((await ok('POST', '/api/alerts/evaluations')).tickets).toBeNull();
    // The sweep in which the alert fires adds its poll to the ticket, which takes the alert up.
    expect(await sweep(45)).toEqual({ opened: 0, added: 1 });
    const [alert] = (await ok('GET', '/api/alerts?rule=psu-fault&state=open')).alerts;
    expect(alert).toMatchObject({ rule: 'psu-fault', state: 'firing', ticketId: ticket.id });
    const detail = await ok('GET', `/api/service/tickets/${ticket.id}`);
    expect(detail.alerts).toEqual([{ alertId: alert.id, rule: 'psu-fault' }]);
    expect(detail.evidenceReplies[0].reply.telemetry.psu.errorCode).toBe(SIMULATED_PSU_ERROR);
    expect((await ok('GET', `/api/alerts/${alert.id}`)).ticketId).toBe(ticket.id);
    // One fault: still one alert and one ticket of the class; a sweep that shows the same fault
    // adds nothing (every sweep's poll was ~70,000 evidence events a day on the demo rack).
    expect(await sweep(55)).toEqual({ opened: 0, added: 0 });
    expect(await sweep(65)).toEqual({ opened: 0, added: 0 });
    expect((await ok('GET', '/api/alerts?rule=psu-fault&state=open')).alerts).toHaveLength(1);
    expect(await ok('GET', '/api/service/tickets?origin=fleet')).toHaveLength(1);
    // Still there an hour after the ticket's last poll: one reminder, then quiet again.
    expect(await sweep(45 + 3600)).toEqual({ opened: 0, added: 1 });
    expect(await sweep(55 + 3600)).toEqual({ opened: 0, added: 0 });
    expect((await ok('GET', `/api/service/tickets/${ticket.id}`)).evidence).toBe(3);
    // It clears and comes back within the hour, showing what it showed before: the flap is news.
    await sim.setFault(sim.miners[0]!.address, null);
    await sweep(65 + 3600);
    await sim.setFault(sim.miners[0]!.address, 'psu-fault');
    expect(await sweep(75 + 3600)).toEqual({ opened: 0, added: 1 });
    expect(await sweep(85 + 3600)).toEqual({ opened: 0, added: 0 });
  });
});
