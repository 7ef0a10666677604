/**
 * Fleet faults over real TCP with the simulator: a PSU reporting an error code opens a PSU ticket
 * with the poll reply and the error bits named; the alert that fires on the same fault is taken up
 * by that ticket — one fault, one alert, one ticket, each naming the other. (An alert whose fault
 * the catalogue's thresholds did not see: faults.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { SIMULATED_PSU_ERROR } from '../fleet/protocol/simulator-models.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';

describe('fleet faults and their alerts', () => {
  let s: TestServer;
  let sim: Simulator;
  const at = (seconds: number) => new Date(Date.UTC(2021, 0, 15, 10, 0, seconds)).toISOString();
  const ok = async (method: string, path: string, body?: unknown, role: Json = 'ops') => {
    const r = await s.call(method, path, { role, body });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  /** A real sweep, the evaluator's look, then the service's: as `serve` runs them. */
  const sweep = async (seconds: number) => {
    s.app.clock.set(at(seconds));
    await ok('POST', '/api/fleet/polls', {});
    await ok('POST', '/api/alerts/evaluations');
    return ok('POST', '/api/service/fleet-faults');
  };

  beforeAll(async () => {
    s = await testServer();
    sim = await startSimulator({ count: 3, base: '127.150.0.1', seed: 'fleet-faults', faultRate: 0 });
    s.app.clock.set(at(0));
    await addTestSite(s.app, s.app.actor('admin'), 'PSU1');
    await ok('POST', '/api/fleet/scans', { range: '127.150.0.1-127.150.0.3', site: 'PSU1' });
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
    expect(ticket).toMatchObject({ ticketClass: 'psu', route: 'rma', site: 'PSU1', evidence: 1 });
    expect(ticket.summary).toContain(`PSU error code ${SIMULATED_PSU_ERROR}: output over-current`);
    // The machine itself is not `ok` while its PSU reports the error.
    const [machine] = (await ok('GET', '/api/fleet/machines?site=PSU1&status=degraded', undefined, 'viewer'))
      .machines;
    expect(machine).toMatchObject({ address: sim.miners[0]!.address.split(':')[0], status: 'degraded' });
    expect(machine.statusReason).toContain(`PSU error code ${SIMULATED_PSU_ERROR}`);
    // The sweep in which the alert fires adds its poll to the ticket, which takes the alert up.
    expect(await sweep(45)).toEqual({ opened: 0, added: 1 });
    const [alert] = (await ok('GET', '/api/alerts?rule=psu-fault&state=open')).alerts;
    expect(alert).toMatchObject({ rule: 'psu-fault', state: 'firing', ticketId: ticket.id });
    const detail = await ok('GET', `/api/service/tickets/${ticket.id}`);
    expect(detail.alerts).toEqual([{ alertId: alert.id, rule: 'psu-fault' }]);
    expect(detail.evidenceReplies[0].reply.telemetry.psu.errorCode).toBe(SIMULATED_PSU_ERROR);
    expect((await ok('GET', `/api/alerts/${alert.id}`)).ticketId).toBe(ticket.id);
    // One fault: still one alert and one ticket of the class.
    expect(await sweep(55)).toEqual({ opened: 0, added: 1 });
    expect((await ok('GET', '/api/alerts?rule=psu-fault&state=open')).alerts).toHaveLength(1);
    expect(await ok('GET', '/api/service/tickets?origin=fleet')).toHaveLength(1);
  });
});
