/**
 * Making a demo machine misbehave by hand, as a person walking the alerts' acceptance would on
 * `npm start`: through the API and the CLI, against the demo rack on real sockets (127.151.1/24 is
 * this file's), and refused clearly where no rack runs.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct } from '../catalog/service.js';
import { sweepFleet } from '../fleet/service.js';
import { AppError } from '../kernel/errors.js';
import { runCli } from '../testing/cli.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';
import { DEMO_RACK, type DemoRack, startDemoRack } from './fleet.js';

describe("the demo rack's fault control", () => {
  let s: TestServer;
  let rack: DemoRack | undefined;
  let id: number;

  /** A sweep of our own; the rack's own poller may hold the sweep then, so wait for it and ask again. */
  const sweepAfterRack = async (): Promise<void> => {
    try {
      await sweepFleet(s.app, s.app.actor('ops'), { offlineAfter: 1 });
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'fleet.sweep-running')) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return sweepAfterRack();
    }
  };

  const statusOf = async (machine: number) => {
    await sweepAfterRack();
    return (await s.call('GET', `/api/fleet/machines/${machine}`, { role: 'viewer' })).body.machine;
  };

  beforeAll(async () => {
    s = await testServer();
    s.app.clock.set(new Date().toISOString());
    for (const p of DEMO_PRODUCTS)
      if (p.id === DEMO_RACK.model) await addProduct(s.app, s.app.actor('admin'), p);
  }, 180_000);
  afterAll(async () => {
    await rack?.stop();
    await s?.close();
  });

  it('is refused, naming why, when this server runs no demo rack', async () => {
    const r = await s.call('POST', '/api/demo/rack/machines/1/fault', { body: { fault: 'fan-failure' } });
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({
      code: 'demo.no-simulator',
      message: expect.stringMatching(/npm start/),
    });
  });

  it('stops a fan, takes a board down, faults the PSU and heals the machine, over TCP', async () => {
    rack = await startDemoRack(s.app, s.app.actor('admin'), { count: 3, base: '127.151.1.1' });
    const page = await s.call('GET', '/api/fleet/machines?site=LAB', { role: 'viewer' });
    // A healthy one: the rack draws a few faults of its own.
    const healthy = [];
    for (const m of page.body.machines as Json[]) {
      const f = await s.call('GET', `/api/demo/rack/machines/${m.id}/fault`);
      if (f.body.fault === null) healthy.push(m.id as number);
    }
    id = healthy[0]!;
    expect(id).toBeDefined();

    const fan = await s.call('POST', `/api/demo/rack/machines/${id}/fault`, {
      body: { fault: 'fan-failure' },
    });
    expect(fan.status, JSON.stringify(fan.body)).toBe(200);
    expect(fan.body).toMatchObject({ machineId: id, fault: 'fan-failure' });
    const stopped = await statusOf(id);
    expect(stopped.status).toBe('fan-failure');
    expect(stopped.telemetry.fansRpm).toContain(0);

    await s.call('POST', `/api/demo/rack/machines/${id}/fault`, { body: { fault: 'psu-fault' } });
    const psu = await statusOf(id);
    expect(psu.telemetry.psu.errorCode).toBeGreaterThan(0);
    expect(psu.status).toBe('degraded');

    await s.call('POST', `/api/demo/rack/machines/${id}/fault`, { body: { fault: 'healthy' } });
    const back = await statusOf(id);
    expect(back.status).toBe('ok');
    expect(back.telemetry.psu.errorCode).toBe(0);
    expect(back.telemetry.fansRpm).not.toContain(0);
  });

  it('is for an admin, and names a fault it does not know', async () => {
    const ops = await s.call('POST', `/api/demo/rack/machines/${id}/fault`, {
      role: 'ops',
      body: { fault: 'fan-failure' },
    });
    expect(ops.status).toBe(403);
    const bad = await s.call('POST', `/api/demo/rack/machines/${id}/fault`, { body: { fault: 'on-fire' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('fault');
    const missing = await s.call('POST', '/api/demo/rack/machines/999999/fault', {
      body: { fault: 'healthy' },
    });
    expect(missing.status).toBe(404);
  });

  it('is a CLI command that asks the running server, exit 2 on bad input and 5 with no server', async () => {
    const token = await s.token('admin');
    const board = await runCli(['demo', 'fault', String(id), 'board-down', '--url', s.url, '--token', token]);
    expect(board.stderr).toBe('');
    expect(board.stdout).toMatch(/is board-down now/);
    expect((await statusOf(id)).status).toBe('board-down');
    const healed = await runCli([
      'demo',
      'fault',
      String(id),
      'healthy',
      '--url',
      s.url,
      '--token',
      token,
      '--json',
    ]);
    expect(JSON.parse(healed.stdout)).toMatchObject({ machineId: id, fault: null });

    const bad = await runCli(['demo', 'fault', String(id), 'on-fire', '--url', s.url, '--token', token]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/fault/);
    const nowhere = await runCli([
      'demo',
      'fault',
      String(id),
      'healthy',
      '--url',
      'http://127.0.0.1:9',
      '--token',
      token,
    ]);
    expect(nowhere.status).toBe(5);
    expect(nowhere.stderr).toMatch(/did not answer/);
    // Without --url it looks for the server that serves its data directory: none here.
    const dir = await mkdtemp(join(tmpdir(), 'hf-demo-fault-'));
    const alone = await runCli(['demo', 'fault', String(id), 'healthy'], { HASHFORGE_DATA_DIR: dir });
    expect(alone.status).toBe(5);
    expect(alone.stderr).toMatch(/No running HashForge server found: start it with `npm start`/);
  });
});
