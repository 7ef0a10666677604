/**
 * Control as the dashboard uses it, against the real simulator over TCP (127.151.0/24 is this
 * file's): a pool added and switched to on a selection, a work mode applied through its reboot,
 * progress streamed as machines confirm, 200/207/409 per machine, refusals before anything is sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Json, type TestServer, tableCounts, testServer } from '../testing/index.js';
import type { Simulator } from './protocol/simulator.js';
import { simulatedSite } from './test-fixtures.js';

const NEW_POOL = { url: 'stratum+tcp://new.pool.example:3333', user: 'hashforge.lab' };

describe('control with progress, against simulated miners', () => {
  let s: TestServer;
  let sim: Simulator;
  let ids: number[] = [];

  /** POST /api/fleet/control?stream=true, read as the dashboard reads it: line by line. */
  const streamed = async (body: unknown) => {
    const res = await fetch(`${s.url}/api/fleet/control?stream=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await s.token('ops')}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const type = res.headers.get('content-type') ?? '';
    return {
      status: res.status,
      type,
      lines: type.includes('ndjson')
        ? text
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l) as Json)
        : [],
      body: type.includes('json') && !type.includes('ndjson') ? (JSON.parse(text) as Json) : undefined,
    };
  };

  beforeAll(async () => {
    s = await testServer();
    const site = await simulatedSite(s, {
      site: 'CT1',
      count: 4,
      base: '127.151.0.1',
      seed: 'control',
      rebootSeconds: 1,
      firstPoll: false,
    });
    sim = site.simulator;
    ids = site.ids;
    expect(ids).toHaveLength(4);
  }, 180_000);
  afterAll(async () => {
    await sim.stop();
    await s.close();
  });

  it('adds a pool to a selection and switches to it, a line per machine as each confirms', async () => {
    const r = await streamed({
      selector: { machines: ids.slice(0, 2) },
      action: { kind: 'add-pool', ...NEW_POOL },
    });
    expect(r.status).toBe(200);
    expect(r.type).toContain('application/x-ndjson');
    expect(r.lines[0].started).toMatchObject({
      requested: 2,
      description: expect.stringContaining(NEW_POOL.url),
    });
    const progress = r.lines.filter((l) => l.progress);
    expect(progress.map((l) => l.progress)).toEqual([
      { done: 1, total: 2 },
      { done: 2, total: 2 },
    ]);
    expect(progress.map((l) => l.result.outcome)).toEqual(['done', 'done']);
    expect(r.lines.at(-1)).toMatchObject({ status: 200, report: { requested: 2, succeeded: 2 } });
    for (const address of sim.addresses.slice(0, 2)) {
      const c = sim.control(address);
      expect(c.pools.at(-1)).toEqual(NEW_POOL);
      expect(c.poolOrder[0]).toBe(c.pools.length - 1);
    }
    // The third machine was not selected: its pools are as they were.
    expect(sim.control(sim.addresses[2]!).pools).toHaveLength(3);
  });

  it('switches to a pool the miner already lists instead of adding it twice', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { machines: [ids[0]] }, action: { kind: 'add-pool', ...NEW_POOL } },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(sim.control(sim.addresses[0]!).pools).toHaveLength(4);
  });

  it('answers 207 in the last line when some machines did it, and says which did not', async () => {
    await sim.setFault(sim.addresses[3]!, 'offline');
    const r = await streamed({ selector: { machines: ids.slice(2) }, action: { kind: 'pool', pool: 1 } });
    expect(r.status).toBe(200); // the stream started; its verdict is in its last line
    const last = r.lines.at(-1);
    expect(last).toMatchObject({ status: 207, report: { requested: 2, succeeded: 1, failed: 1 } });
    expect(last.report.results.find((x: Json) => x.machineId === ids[3]).outcome).toBe('unreachable');
    // None did it: 409 with the report, streamed or not.
    const none = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { machines: [ids[3]] }, action: { kind: 'reboot' } },
    });
    expect(none.status).toBe(409);
    expect(none.body.error.detail.report.results[0].outcome).toBe('unreachable');
    await sim.setFault(sim.addresses[3]!, null);
  });

  it('applies a work mode through the reboot it needs, and the miner reads it back', async () => {
    const before = sim.control(sim.addresses[1]!);
    expect(before.workMode).toBe(1);
    const r = await streamed({ selector: { machines: [ids[1]] }, action: { kind: 'work-mode', mode: 0 } });
    expect(r.lines.at(-1), JSON.stringify(r.lines)).toMatchObject({ status: 200 });
    expect(sim.control(sim.addresses[1]!).workMode).toBe(0);
    // The reboot forgot the pool added at run time, as cgminer's addpool is not saved.
    expect(sim.control(sim.addresses[1]!).pools).toHaveLength(3);
  }, 30_000);

  it('refuses an empty selection or a bad pool with a 4xx naming the field, before any line, writing nothing', async () => {
    const counts = await tableCounts(s.app);
    const empty = await streamed({ selector: {}, action: { kind: 'reboot' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.field).toBe('selector');
    const none = await streamed({ selector: { machines: [] }, action: { kind: 'reboot' } });
    expect(none.body.error.field).toBe('selector.machines');
    const nobody = await streamed({ selector: { site: 'XX9' }, action: { kind: 'reboot' } });
    expect(nobody.status).toBe(400);
    expect(nobody.body.error).toMatchObject({
      field: 'selector.site',
      message: expect.stringMatching(/XX9 is not a registered self-mining site/),
    });
    const url = await streamed({
      selector: { machines: [ids[0]] },
      action: { kind: 'add-pool', url: 'http://pool.example', user: 'w' },
    });
    expect(url.body.error.field).toBe('action.url');
    const comma = await streamed({
      selector: { machines: [ids[0]] },
      action: { kind: 'add-pool', url: NEW_POOL.url, user: 'a,b' },
    });
    expect(comma.body.error.field).toBe('action.user');
    expect(await tableCounts(s.app)).toEqual(counts);
  });
});
