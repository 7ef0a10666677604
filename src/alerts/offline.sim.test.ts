/**
 * The machine-offline rule on the demo's rack as `npm start` draws it (its seed, fault rate and
 * model), over real TCP on 127.21.3/24 (this file's): the miners drawn offline never answer the
 * scan, so there is no machine to alert on; a registered machine that stops answering fires after
 * the failed polls and the sustain time; one that was curtailed first stays silent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_RACK } from '../demo/fleet.js';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';

describe('the offline rule on the demo rack', () => {
  let s: TestServer;
  let sim: Simulator;
  const at = (seconds: number) => new Date(Date.UTC(2021, 0, 15, 10, 0, seconds)).toISOString();
  const ok = async (method: string, path: string, body?: unknown) => {
    const r = await s.call(method, path, { role: 'ops', body });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };
  /** A real sweep at `seconds`, then the evaluator's look; the offline alerts open after it. */
  const sweep = async (seconds: number): Promise<Json[]> => {
    s.app.clock.set(at(seconds));
    await ok('POST', '/api/fleet/polls', {});
    await ok('POST', '/api/alerts/evaluations');
    return (await ok('GET', '/api/alerts?rule=machine-offline&state=open')).alerts;
  };

  beforeAll(async () => {
    s = await testServer();
    // The first 60 of the demo's rack: miners 18 and 55 are drawn offline, as among the 200 of `npm start`.
    sim = await startSimulator({
      count: 60,
      base: '127.21.3.1',
      seed: DEMO_RACK.seed,
      faultRate: DEMO_RACK.faultRate,
      model: DEMO_RACK.model,
    });
    s.app.clock.set(at(0));
    await addTestSite(s.app, s.app.actor('admin'), DEMO_RACK.site);
  }, 60_000);
  afterAll(async () => {
    await sim?.stop();
    await s?.close();
  });

  it('has no machine for a miner offline from the start, and alerts on one that stops answering', async () => {
    const drawnOffline = sim.miners.filter((m) => m.fault === 'offline').map((m) => m.host);
    expect(drawnOffline).toEqual(['127.21.3.19', '127.21.3.56']);
    const scan = await ok('POST', '/api/fleet/scans', {
      range: '127.21.3.1-127.21.3.60',
      site: DEMO_RACK.site,
    });
    expect(scan.registered).toHaveLength(58);
    expect(scan.registered.map((m: Json) => m.address)).not.toContain(drawnOffline[0]);
    expect(await sweep(0)).toEqual([]);

    const byAddress = (a: string) => scan.registered.find((m: Json) => m.address === a);
    const [gone, curtailed] = [byAddress('127.21.3.2'), byAddress('127.21.3.3')];
    await ok('POST', '/api/fleet/control', {
      selector: { machines: [curtailed.id] },
      action: { kind: 'soft-off' },
    });
    for (const m of [gone, curtailed]) await sim.setFault(`${m.address}:4028`, 'offline');
    // Failed polls at 10, 20 and 30 s make it offline; the rule holds from then and waits its 2 minutes.
    for (const t of [10, 20, 30, 60, 100, 140]) expect(await sweep(t), `at ${t} s`).toEqual([]);
    const fired = await sweep(150);
    expect(fired.map((a: Json) => [a.machineId, a.summary])).toEqual([
      [gone.id, expect.stringMatching(/no answer to \d+ polls in a row/)],
    ]);
    // The curtailed machine is meant to be idle: silent, though it answers no more than the other.
    const machines = (
      await s.call('GET', `/api/fleet/machines?site=${DEMO_RACK.site}&status=offline`, { role: 'viewer' })
    ).body.machines;
    expect(machines.map((m: Json) => m.id).sort()).toEqual([gone.id, curtailed.id].sort());
  }, 120_000);
});
