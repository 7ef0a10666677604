/**
 * Alerts end to end against the real simulator over TCP and a real webhook receiver over HTTP: a
 * fan stops → after the sustain time an alert fires, is delivered signed (after a failed attempt,
 * retried), shows on the API, is acknowledged, and resolves when the fan is back; a curtailed site
 * raises nothing. The clock is pinned and moved; the sweeps are real.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Simulator, startSimulator } from '../fleet/protocol/simulator.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type Json, type TestServer, tableCounts, testServer } from '../testing/index.js';
import { SIGNATURE_HEADER, signature, TIMESTAMP_HEADER } from './webhooks.js';

interface Received {
  body: Json;
  signed: boolean;
}

/** A webhook receiver that refuses its first delivery (to make the sender retry) and checks signatures. */
async function startReceiver(
  secret: string,
): Promise<{ url: string; received: Received[]; refused: number; close(): Promise<void> }> {
  const state = { received: [] as Received[], refused: 0 };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => {
      if (state.refused === 0) {
        state.refused++;
        res.writeHead(503).end('busy');
        return;
      }
      const stamp = String(req.headers[TIMESTAMP_HEADER]);
      const signed = req.headers[SIGNATURE_HEADER] === signature(secret, stamp, text);
      state.received.push({ body: JSON.parse(text), signed });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received: state.received,
    get refused() {
      return state.refused;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('alerts on a simulated site', () => {
  let s: TestServer;
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const secret = 'a-test-secret-of-some-length';
  const at = (seconds: number) => new Date(Date.UTC(2021, 0, 15, 10, 0, seconds)).toISOString();

  /** A real sweep at `seconds`, then the evaluator's look (as `serve` takes it every few seconds). */
  const sweepAndEvaluate = async (seconds: number) => {
    s.app.clock.set(at(seconds));
    const poll = await s.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    expect(poll.status, JSON.stringify(poll.body)).toBe(201);
    const e = await s.call('POST', '/api/alerts/evaluations', { role: 'ops' });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    return e.body;
  };
  const fanAlerts = async (state = 'open') =>
    (await s.call('GET', `/api/alerts?rule=fan-failure&state=${state}`, { role: 'viewer' })).body.alerts;

  beforeAll(async () => {
    s = await testServer();
    sim = await startSimulator({ count: 8, base: '127.141.0.1', seed: 'alerts', faultRate: 0 });
    receiver = await startReceiver(secret);
    s.app.clock.set(at(0));
    await addTestSite(s.app, s.app.actor('admin'), 'ALRT');
    const scan = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.141.0.1-127.141.0.8', site: 'ALRT' },
    });
    expect(scan.status, JSON.stringify(scan.body)).toBe(201);
    const hook = await s.call('POST', '/api/alerts/webhooks', {
      role: 'ops',
      body: { url: receiver.url, secret },
    });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    // Quick rules for a test: the fan's 30 s sustain as shipped, no cool-down.
    const rule = await s.call('PUT', '/api/alerts/rules/fan-failure', {
      role: 'ops',
      body: { cooldownSeconds: 0 },
    });
    expect(rule.status, JSON.stringify(rule.body)).toBe(200);
  });
  afterAll(async () => {
    await sim.stop();
    await receiver.close();
    await s.close();
  });

  it('raises nothing on a healthy site', async () => {
    const first = await sweepAndEvaluate(0);
    expect(first.evaluation).toMatchObject({ machines: 8, fired: 0, evaluated: true });
    expect((await s.call('GET', '/api/alerts?state=open', { role: 'viewer' })).body.alerts).toEqual([]);
  });

  it('fires a fan failure only after its sustain time, and delivers it signed after a retry', async () => {
    const target = sim.miners[2]!;
    await sim.setFault(target.address, 'fan-failure');
    expect((await sweepAndEvaluate(10)).evaluation.fired).toBe(0);
    expect(await fanAlerts()).toEqual([]);
    expect((await sweepAndEvaluate(25)).evaluation.fired).toBe(0);
    const fired = await sweepAndEvaluate(41);
    expect(fired.evaluation.fired).toBe(1);
    // The receiver refused the first attempt: the delivery waits for its retry.
    expect(fired.deliveries).toMatchObject({ attempted: 1, delivered: 0, failed: 1 });
    const [alert] = await fanAlerts();
    expect(alert).toMatchObject({ rule: 'fan-failure', state: 'firing', site: 'ALRT', serial: target.dna });
    expect(alert.summary).toMatch(/fan 2 at 0 RPM/);

    // Not yet: the first retry waits the base delay (5 s).
    s.app.clock.set(at(43));
    const early = await s.call('POST', '/api/alerts/evaluations', { role: 'ops' });
    expect(early.body.deliveries.attempted).toBe(0);
    s.app.clock.set(at(47));
    const retried = await s.call('POST', '/api/alerts/evaluations', { role: 'ops' });
    expect(retried.body.deliveries).toMatchObject({ attempted: 1, delivered: 1 });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      signed: true,
      body: { event: 'alert.firing', alert: { id: alert.id } },
    });

    const page = await s.call('GET', `/api/alerts?machineId=${alert.machineId}`, { role: 'viewer' });
    expect(page.body.alerts.map((a: Json) => a.id)).toEqual([alert.id]);
  });

  it('is acknowledged with who and when, and the webhook hears of it', async () => {
    const [alert] = await fanAlerts();
    const ack = await s.call('POST', `/api/alerts/${alert.id}/acknowledgement`, {
      role: 'ops',
      body: { note: 'fan ordered' },
    });
    expect(ack.status, JSON.stringify(ack.body)).toBe(200);
    expect(ack.body).toMatchObject({
      state: 'acknowledged',
      acknowledgedBy: 'token:test-ops',
      acknowledgedNote: 'fan ordered',
    });
    await s.call('POST', '/api/alerts/evaluations', { role: 'ops' });
    expect(receiver.received.at(-1)?.body).toMatchObject({ event: 'alert.acknowledged' });
  });

  it('resolves when the fan is back, once it has stayed clear for the sustain time', async () => {
    await sim.setFault(sim.miners[2]!.address, null);
    expect((await sweepAndEvaluate(60)).evaluation.resolved).toBe(0);
    const done = await sweepAndEvaluate(95);
    expect(done.evaluation.resolved).toBe(1);
    const [alert] = await fanAlerts('resolved');
    expect(alert).toMatchObject({
      state: 'resolved',
      resolvedBy: 'system:alerts',
      resolution: 'condition cleared',
    });
    expect(receiver.received.at(-1)?.body).toMatchObject({
      event: 'alert.resolved',
      alert: { id: alert.id },
    });
  });

  it('raises nothing for a curtailed site, whatever its machines then read', async () => {
    const off = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'ALRT' }, action: { kind: 'soft-off' } },
    });
    expect(off.status, JSON.stringify(off.body)).toBe(200);
    // Idle machines read 0 TH/s and fans at rest; none of it is a fault.
    for (const m of sim.miners.slice(0, 3)) await sim.setFault(m.address, 'fan-failure');
    for (const t of [120, 150, 180, 240]) expect((await sweepAndEvaluate(t)).evaluation.fired).toBe(0);
    expect((await s.call('GET', '/api/alerts?state=open', { role: 'viewer' })).body.alerts).toEqual([]);
    for (const m of sim.miners.slice(0, 3)) await sim.setFault(m.address, null);
  });

  it('makes one site incident of many machines at fault at once instead of one alert each', async () => {
    const on = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'ALRT' }, action: { kind: 'soft-on' } },
    });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    for (const m of sim.miners.slice(0, 5)) await sim.setFault(m.address, 'fan-failure');
    await sweepAndEvaluate(300);
    await sweepAndEvaluate(400);
    const open = (await s.call('GET', '/api/alerts?state=open', { role: 'viewer' })).body.alerts;
    expect(open.map((a: Json) => a.rule)).toEqual(['site-incident']);
    expect(open[0].summary).toMatch(/5 of 8 machines/);
    for (const m of sim.miners.slice(0, 5)) await sim.setFault(m.address, null);
  });

  it('refuses bad rules and webhooks naming the field, and writes nothing', async () => {
    const before = await tableCounts(s.app);
    const negative = await s.call('PUT', '/api/alerts/rules/fan-failure', {
      role: 'ops',
      body: { sustainSeconds: -1 },
    });
    expect(negative.status).toBe(400);
    expect(negative.body.error.field).toBe('sustainSeconds');
    const threshold = await s.call('PUT', '/api/alerts/rules/over-temperature', {
      role: 'ops',
      body: { threshold: -3 },
    });
    expect(threshold.status).toBe(400);
    expect(threshold.body.error.field).toBe('threshold');
    const url = await s.call('POST', '/api/alerts/webhooks', {
      role: 'ops',
      body: { url: 'file:///etc/passwd' },
    });
    expect(url.status).toBe(400);
    expect(url.body.error.field).toBe('url');
    const viewer = await s.call('PUT', '/api/alerts/rules/fan-failure', {
      role: 'viewer',
      body: { threshold: 1 },
    });
    expect(viewer.status).toBe(403);
    expect(await tableCounts(s.app)).toEqual(before);
  });
});
