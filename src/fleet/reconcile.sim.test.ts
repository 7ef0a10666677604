/**
 * A machine meant to be curtailed stays curtailed, against the real simulator over TCP
 * (127.26.0.0/24 is this file's): a site curtailed for more than a day stays silent while its
 * machines are idle, and miners that forgot their soft off (restarted, hashing) are told again by
 * the reconciler after the next sweep — at most once per rate limit, recorded like any control.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../ledger/verify.js';
import { type TestServer, testApp, testServer } from '../testing/index.js';
import { type Simulator, type SimulatorOptions, startSimulator } from './protocol/simulator.js';
import { RECONCILER, RESEND_AFTER_MS } from './reconcile.js';
import { fleetDb } from './store.js';
import { simulatedSite } from './test-fixtures.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const MINERS = { count: 4, base: '127.26.0.1', seed: 'curtail', faultRate: 0 } satisfies SimulatorOptions;

describe('a curtailed site stays curtailed', () => {
  let s: TestServer;
  let sim: Simulator;
  const t0 = Date.UTC(2021, 0, 15, 10, 0, 0);
  const sweepAndEvaluate = async (ms: number) => {
    s.app.clock.set(new Date(t0 + ms).toISOString());
    const poll = await s.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    expect(poll.status, JSON.stringify(poll.body)).toBe(201);
    const e = await s.call('POST', '/api/alerts/evaluations', { role: 'ops' });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    return e.body;
  };
  const statuses = async () =>
    (await fleetDb(s.app.db).selectFrom('fleet_machines').select('status').orderBy('id').execute()).map(
      (r) => r.status,
    );
  const reconcilerControls = () =>
    fleetDb(s.app.db)
      .selectFrom('fleet_controls')
      .select(['id', 'requested_at', 'action', 'machine_ids', 'succeeded'])
      .where('actor', '=', RECONCILER.id)
      .orderBy('id')
      .execute();
  let powered = true;
  const powerOff = async () => {
    powered = false;
    await sim.stop();
  };
  /** The miners come back from a power cut: fresh, hashing, the soft off forgotten. */
  const powerOn = async () => {
    sim = await startSimulator(MINERS);
    powered = true;
  };

  beforeAll(async () => {
    s = await testServer();
    s.app.clock.set(new Date(t0).toISOString());
    const site = await simulatedSite(s, { site: 'CUR1', ...MINERS, firstPoll: false });
    sim = site.simulator;
    await sweepAndEvaluate(0);
    s.app.clock.set(new Date(t0 + MINUTE).toISOString());
    const off = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'CUR1' }, action: { kind: 'soft-off' } },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
  }, 180_000);
  afterAll(async () => {
    if (powered) await sim.stop();
    await s.close();
  });

  it('raises nothing 25 hours after the soft off while the machines stay idle', async () => {
    // Idle machines read 0 TH/s and fans at rest; none of it is a fault, on the first day or later.
    for (const m of sim.miners.slice(0, 2)) await sim.setFault(m.address, 'fan-failure');
    for (const ms of [2 * MINUTE, 3 * MINUTE, 25 * HOUR, 25 * HOUR + MINUTE, 25 * HOUR + 2 * MINUTE]) {
      expect((await sweepAndEvaluate(ms)).evaluation.fired, `at +${ms} ms`).toBe(0);
    }
    expect((await s.call('GET', '/api/alerts?state=open', { role: 'viewer' })).body.alerts).toEqual([]);
    expect(await statuses()).toEqual(['idle', 'idle', 'idle', 'idle']);
    expect(await reconcilerControls()).toEqual([]);
  });

  it('raises nothing when the curtailed site is then cut at the breaker, a day later too', async () => {
    await powerOff();
    // Past the fleet's three failed polls and the offline rule's sustain time: meant off, and off.
    for (let minute = 3; minute <= 9; minute++) {
      expect((await sweepAndEvaluate(25 * HOUR + minute * MINUTE)).evaluation.fired, `+${minute} min`).toBe(
        0,
      );
    }
    expect(await statuses()).toEqual(['offline', 'offline', 'offline', 'offline']);
    expect(await reconcilerControls()).toEqual([]);
  });

  it('sends the soft off again to miners that came back hashing, once per rate limit', async () => {
    await powerOn();
    // This sweep finds them hashing; the reconciler sends the soft off, recorded under its name.
    const t = 25 * HOUR + 10 * MINUTE;
    await sweepAndEvaluate(t);
    const [first, ...more] = await reconcilerControls();
    expect(more).toEqual([]);
    expect(first).toMatchObject({ action: { kind: 'soft-off' }, succeeded: 4 });
    expect(first!.machine_ids).toHaveLength(4);
    expect(first!.requested_at.getTime()).toBe(t0 + t);
    // The next finds them idle, and nothing is sent.
    await sweepAndEvaluate(t + MINUTE);
    expect(await statuses()).toEqual(['idle', 'idle', 'idle', 'idle']);
    expect(await reconcilerControls()).toHaveLength(1);
    // Back hashing within the rate limit: seen, not told again until it has passed.
    await powerOff();
    await powerOn();
    await sweepAndEvaluate(t + 2 * MINUTE);
    expect(await statuses()).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await reconcilerControls()).toHaveLength(1);
    await sweepAndEvaluate(t + RESEND_AFTER_MS + MINUTE);
    expect(await reconcilerControls()).toHaveLength(2);
    await sweepAndEvaluate(t + RESEND_AFTER_MS + 2 * MINUTE);
    expect(await statuses()).toEqual(['idle', 'idle', 'idle', 'idle']);
  });

  it('leaves alone machines an operator turned back on', async () => {
    const t = 26 * HOUR;
    s.app.clock.set(new Date(t0 + t).toISOString());
    const on = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'CUR1' }, action: { kind: 'soft-on' } },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    await sweepAndEvaluate(t + MINUTE);
    await sweepAndEvaluate(t + RESEND_AFTER_MS + 2 * MINUTE);
    expect(await statuses()).toEqual(['ok', 'ok', 'ok', 'ok']);
    expect(await reconcilerControls()).toHaveLength(2);
  });

  it('keeps the wanted power as the control events make it: ledger verify rebuilds it as stored', async () => {
    const intent = await fleetDb(s.app.db).selectFrom('fleet_power_intent').selectAll().execute();
    expect(intent.map((r) => r.wanted)).toEqual(['on', 'on', 'on', 'on']);
    const scratch = await testApp();
    try {
      const report = await verifyLedger(
        s.app,
        { db: scratch.db, projections: s.app.projections },
        s.app.tables,
      );
      expect(report.differences).toEqual([]);
      expect(report.tables.find((t) => t.table === 'fleet_power_intent')).toMatchObject({ rows: 4 });
    } finally {
      await scratch.close();
    }
  }, 120_000);
});
