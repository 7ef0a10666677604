/**
 * The fleet module against the real simulator over real TCP on loopback: scan, poll, control, API.
 * Each test builds on the previous one's state, as an operator's day would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayInto } from '../ledger/replay.js';
import { addTestSite } from '../mining/test-fixtures.js';
import {
  type Json,
  type TestApp,
  type TestServer,
  tableCounts,
  testApp,
  testServer,
} from '../testing/index.js';
import { type Simulator, startSimulator } from './protocol/simulator.js';
import type { FleetTables } from './store.js';
import { sweepFleet } from './sweep.js';

describe('fleet against simulated miners', () => {
  let s: TestServer;
  let sg: Simulator;
  let na: Simulator;
  let locked: Simulator;
  const sims: Simulator[] = [];
  const minute = (n: number) => new Date(Date.UTC(2021, 0, 15, 10, n)).toISOString();

  const poll = async (at: string) => {
    s.app.clock.set(at);
    const r = await s.call('POST', '/api/fleet/polls', { role: 'ops', body: {} });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const machineAt = async (address: string): Promise<Json> => {
    const page = await s.call('GET', '/api/fleet/machines?limit=1000', { role: 'viewer' });
    return page.body.machines.find((m: Json) => `${m.address}:${m.port}` === address);
  };
  const siteThs = async (site: string): Promise<number> => {
    const summary = await s.call('GET', '/api/fleet/summary', { role: 'viewer' });
    return summary.body.sites.find((x: Json) => x.site === site)?.measuredThs;
  };

  beforeAll(async () => {
    s = await testServer();
    sg = await startSimulator({ count: 12, base: '127.77.0.1', seed: 'sg', rebootSeconds: 1, slowMs: 300 });
    na = await startSimulator({ count: 6, base: '127.78.0.1', seed: 'na' });
    // These refuse privileged commands to loopback, as cgminer does without a W: entry for the collector.
    locked = await startSimulator({
      count: 2,
      base: '127.78.0.101',
      seed: 'na-locked',
      writeAllow: 'W:10.0.0.0/8',
    });
    sims.push(sg, na, locked);
    for (const site of ['SG1', 'NA1']) await addTestSite(s.app, s.app.actor('admin'), site);
  });
  afterAll(async () => {
    for (const sim of sims) await sim.stop();
    await s.close();
  });

  it('scans a range and registers every miner at its site', async () => {
    s.app.clock.set(minute(0));
    const r = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.77.0.0/27', site: 'SG1' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ addresses: 32, listening: 12, identified: 12, unchanged: 0, failed: [] });
    expect(r.body.registered).toHaveLength(12);
    expect(r.body.registered[0]).toMatchObject({ address: '127.77.0.1', serial: sg.miners[0]!.dna });
    const na1 = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.78.0.0/24', site: 'NA1', port: 4028 },
    });
    expect(na1.body.registered).toHaveLength(8);
    const page = await s.call('GET', '/api/fleet/machines?site=SG1&limit=5', { role: 'viewer' });
    expect(page.body.machines).toHaveLength(5);
    expect(page.body.machines[0]).toMatchObject({ site: 'SG1', status: 'new', model: expect.any(String) });
    const rest = await s.call(
      'GET',
      `/api/fleet/machines?site=SG1&limit=100&cursor=${page.body.nextCursor}`,
      {
        role: 'viewer',
      },
    );
    expect(rest.body.machines).toHaveLength(7);
    expect(rest.body.nextCursor).toBeNull();
    // Registration is a business fact: it is in the ledger.
    const events = await s.app.db
      .selectFrom('events')
      .select('kind')
      .where('kind', 'like', 'fleet.%')
      .execute();
    expect(events.map((e) => e.kind)).toEqual(['fleet.machines-registered', 'fleet.machines-registered']);
  });

  it('does not register a known machine twice, and follows it to a new address', async () => {
    const again = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.77.0.0/27', site: 'SG1' },
    });
    expect(again.body).toMatchObject({ identified: 12, registered: [], changed: [], unchanged: 12 });

    // DHCP hands the same machines new addresses: the same seed is the same hardware.
    await sg.stop();
    sg = await startSimulator({ count: 12, base: '127.77.1.1', seed: 'sg', rebootSeconds: 1, slowMs: 300 });
    sims.push(sg);
    const moved = await s.call('POST', '/api/fleet/scans', {
      role: 'ops',
      body: { range: '127.77.1.0/27', site: 'SG1' },
    });
    expect(moved.body).toMatchObject({ identified: 12, registered: [], unchanged: 0 });
    expect(moved.body.changed).toHaveLength(12);
    expect(moved.body.changed[0].changes).toEqual({ address: '127.77.1.1' });
    const summary = await s.call('GET', '/api/fleet/summary', { role: 'viewer' });
    expect(summary.body.machines).toBe(20);
  });

  it('polls every machine and records status changes with their reasons', async () => {
    await sg.setFault(sg.addresses[0]!, 'board-down');
    await sg.setFault(sg.addresses[1]!, 'overheating');
    await sg.setFault(sg.addresses[2]!, 'fan-failure');
    await sg.setFault(sg.addresses[3]!, 'garbage');
    const sweep = await poll(minute(1));
    expect(sweep).toMatchObject({ machines: 20, answered: 19, failed: 1 });
    // 19 machines answered with their health; the garbled one is a protocol error at once.
    expect(sweep.statusChanges).toBe(20);

    const down = await machineAt(sg.addresses[0]!);
    expect(down.status).toBe('board-down');
    expect(down.statusReason).toMatch(/board/);
    expect((await machineAt(sg.addresses[1]!)).status).toBe('overheating');
    expect((await machineAt(sg.addresses[2]!)).status).toBe('fan-failure');
    const garbled = await machineAt(sg.addresses[3]!);
    expect(garbled).toMatchObject({ status: 'protocol-error', consecutiveFailures: 1 });
    expect(garbled.statusReason).toBe(garbled.lastFailure);
    expect(garbled.lastFailure).toBeTruthy();
    expect(garbled.lastPollMs).toEqual(expect.any(Number));

    const events = await s.call('GET', '/api/fleet/events?status=board-down', { role: 'viewer' });
    expect(events.body.events).toHaveLength(1);
    expect(events.body.events[0]).toMatchObject({
      machineId: down.id,
      from: 'new',
      to: 'board-down',
      at: minute(1),
    });
    expect(events.body.events[0].reason).toMatch(/board/);

    const detail = await s.call('GET', `/api/fleet/machines/${down.id}`, { role: 'viewer' });
    expect(detail.body.machine.telemetry.boards.length).toBeGreaterThan(1);
    expect(detail.body.series).toHaveLength(1);
    expect(detail.body.statusChanges).toEqual([
      expect.objectContaining({ from: 'new', to: 'board-down', at: minute(1) }),
    ]);
    const filtered = await s.call('GET', '/api/fleet/machines?status=overheating', { role: 'viewer' });
    expect(filtered.body.machines.map((m: Json) => m.id)).toEqual([(await machineAt(sg.addresses[1]!)).id]);
  });

  it('keeps an offline machine’s last good values, counted and listed as 0 once offline', async () => {
    const address = sg.addresses[4]!;
    const before = await machineAt(address);
    expect(before.hashrateThs).toBeGreaterThan(10);
    await sg.setFault(address, 'offline');
    const sgBefore = await siteThs('SG1');

    await poll(minute(2));
    const stale = await machineAt(address);
    expect(stale).toMatchObject({ status: 'ok', consecutiveFailures: 1, hashrateThs: before.hashrateThs });
    // One missed poll is a gap, not a stop: the site still counts the machine's last good figure.
    const series = await s.call('GET', `/api/fleet/hashrate?site=SG1&from=${minute(2)}&to=${minute(3)}`, {
      role: 'viewer',
    });
    // (the miner answering garbage since the last test is left out, as an offline one is)
    expect(series.body.points[0]).toMatchObject({ stale: 1, offline: 1 });
    expect(series.body.points[0].hashrateThs).toBeGreaterThan(sgBefore * 0.9);

    await poll(minute(3));
    await poll(minute(4));
    const offline = await machineAt(address);
    // Listed as the totals count it, 0 beside its status; its last good figure kept beside.
    expect(offline).toMatchObject({
      status: 'offline',
      consecutiveFailures: 3,
      hashrateThs: 0,
      lastGoodThs: before.hashrateThs,
    });
    expect(offline.statusReason).toMatch(/no answer to 3 polls in a row/);
    const detail = await s.call('GET', `/api/fleet/machines/${offline.id}`, { role: 'viewer' });
    expect(detail.body.machine.telemetry.hashrateThs.recent).toBeGreaterThan(10);
    const points = (
      await s.call('GET', `/api/fleet/hashrate?site=SG1&from=${minute(4)}&to=${minute(5)}`, {
        role: 'viewer',
      })
    ).body.points;
    expect(points[0]).toMatchObject({ offline: 2, stale: 0 });
    expect(points[0].hashrateThs).toBeGreaterThan(0);
    // Polls are counted, none lost or counted twice: 4 sweeps of this machine in one 5-minute bucket.
    expect(detail.body.series).toEqual([expect.objectContaining({ polls: 4, answered: 1 })]);
  });

  it('leaves a machine answering garbage out of every total, though it keeps its last good figures', async () => {
    const address = sg.addresses[5]!;
    const before = await machineAt(address);
    expect(before).toMatchObject({ status: 'ok' });
    await sg.setFault(address, 'garbage');
    await poll(minute(4));
    await sg.setFault(address, null); // for the tests after this one, which poll again
    expect(await machineAt(address)).toMatchObject({
      status: 'protocol-error',
      hashrateThs: 0,
      lastGoodThs: before.hashrateThs,
    });
    // The list's figures add up to the site's total: one rule for both.
    const machines = (await s.call('GET', '/api/fleet/machines?site=SG1&limit=100', { role: 'viewer' })).body
      .machines;
    const hashing = machines.reduce((sum: number, m: Json) => sum + (m.hashrateThs ?? 0), 0);
    expect(await siteThs('SG1')).toBeCloseTo(hashing, 2);
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    const sg1 = [
      ...metrics.matchAll(/^hashforge_fleet_hashrate_hashes_per_second\{site="SG1"[^}]*\} (\S+)$/gm),
    ];
    expect(sg1.reduce((sum, m) => sum + Number(m[1]), 0) / 1e12).toBeCloseTo(hashing, 2);
  });

  it('acts on a filter: reboots the overheating machines only', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { status: 'overheating' }, action: { kind: 'reboot' } },
    });
    expect(r.body.requested).toBe(1);
    expect(r.body.results[0]).toMatchObject({ address: '127.77.1.2', outcome: 'done' });
    // It comes back by itself after its reboot (1 s here), with a fresh uptime.
    const address = sg.addresses[1]!;
    for (let i = 0; i < 50 && !sg.control(address).online; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await poll(minute(4) /* same minute as the last sweep: its figures are averaged */);
    const back = await s.call('GET', `/api/fleet/machines/${r.body.results[0].machineId}`, {
      role: 'viewer',
    });
    expect(back.body.machine.consecutiveFailures).toBe(0);
    expect(back.body.machine.telemetry.uptimeSeconds).toBeLessThan(60);
  });

  it('changes a work mode, rebooting to apply it, and confirms it once the machine is back', async () => {
    const target = await machineAt(sg.addresses[6]!);
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { machines: [target.id] }, action: { kind: 'work-mode', mode: 0 } },
    });
    expect(r.body.results).toEqual([expect.objectContaining({ outcome: 'done', detail: 'work mode is 0' })]);
    expect(sg.control(sg.addresses[6]!).workMode).toBe(0);
  });

  it('curtails a site to zero measured hashrate and brings it back with soft on', async () => {
    const naBefore = await siteThs('NA1');
    expect(await siteThs('SG1')).toBeGreaterThan(0);
    const off = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'SG1' }, action: { kind: 'soft-off' } },
    });
    // Two of the twelve are faulty (garbage, offline): some did it, so 207 with the report per machine.
    expect(off.status, JSON.stringify(off.body)).toBe(207);
    expect(off.body.requested).toBe(12);
    const outcome = (address: string) =>
      off.body.results.find((r: Json) => `${r.address}:4028` === address)?.outcome;
    expect(outcome(sg.addresses[0]!)).toBe('done');
    expect(outcome(sg.addresses[4]!)).toBe('unreachable');
    expect(outcome(sg.addresses[3]!)).toBe('failed');
    expect(sg.control(sg.addresses[5]!).softOff).toBe(true);

    await poll(minute(5));
    expect(await siteThs('SG1')).toBe(0);
    expect(await siteThs('NA1')).toBeCloseTo(naBefore, -1);
    const series = await s.call('GET', `/api/fleet/hashrate?site=SG1&from=${minute(5)}&to=${minute(6)}`, {
      role: 'viewer',
    });
    expect(series.body.points).toEqual([expect.objectContaining({ hashrateThs: 0 })]);
    expect((await machineAt(sg.addresses[5]!)).status).toBe('idle');

    const on = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'SG1' }, action: { kind: 'soft-on' } },
    });
    expect(on.body.succeeded).toBeGreaterThanOrEqual(10);
    await poll(minute(6));
    expect(await siteThs('SG1')).toBeGreaterThan(100);
    const fleet = await s.call('GET', `/api/fleet/hashrate?from=${minute(0)}&to=${minute(10)}`, {
      role: 'viewer',
    });
    const ths = fleet.body.points.map((p: Json) => p.hashrateThs);
    expect(ths.at(-2)).toBeLessThan(ths.at(-1));

    // Both requests and their outcomes are audited.
    const kinds = await s.app.db
      .selectFrom('events')
      .select(['kind', 'actor'])
      .where('kind', 'like', 'fleet.control-%')
      .orderBy('id')
      .execute();
    expect(kinds.slice(-4).map((k) => k.kind)).toEqual([
      'fleet.control-requested',
      'fleet.control-completed',
      'fleet.control-requested',
      'fleet.control-completed',
    ]);
    expect(kinds.at(-1)!.actor).toBe('token:test-ops');
  });

  it('reports per machine when some miners refuse a privileged command', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'NA1' }, action: { kind: 'pool', pool: 1 } },
    });
    expect(r.status).toBe(207);
    expect(r.body).toMatchObject({ requested: 8, succeeded: 6, failed: 2 });
    const refused = r.body.results.filter((x: Json) => x.outcome === 'refused');
    expect(refused.map((x: Json) => x.address)).toEqual(['127.78.0.101', '127.78.0.102']);
    // None of them doing it is a refusal, with the same report per machine in the error's detail.
    const none = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: {
        selector: { machines: refused.map((x: Json) => x.machineId) },
        action: { kind: 'pool', pool: 1 },
      },
    });
    expect(none.status, JSON.stringify(none.body)).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'fleet.control-not-done', field: 'selector' });
    expect(none.body.error.detail.report).toMatchObject({ requested: 2, succeeded: 0, failed: 2 });
    expect(refused[0].detail).toMatch(/Access denied/);
    expect(na.control(na.addresses[0]!).poolOrder[0]).toBe(1);
    expect(locked.control(locked.addresses[0]!).poolOrder[0]).toBe(0);
  });

  it('does a control once for one idempotency key', async () => {
    const body = { selector: { machines: [1] }, action: { kind: 'soft-on' } };
    const headers = { 'idempotency-key': 'curtail-2021-01-15-sg1' };
    const first = await s.call('POST', '/api/fleet/control', { role: 'ops', body, headers });
    const count = async () =>
      (await s.app.db.selectFrom('events').select('id').where('kind', 'like', 'fleet.control-%').execute())
        .length;
    const events = await count();
    const again = await s.call('POST', '/api/fleet/control', { role: 'ops', body, headers });
    expect(again.body).toEqual(first.body);
    expect(await count()).toBe(events);
    const other = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { ...body, action: { kind: 'soft-off' } },
      headers,
    });
    expect(other.status).toBe(409);
  });

  it('refuses a control of no machines, writing nothing', async () => {
    const before = await tableCounts(s.app);
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'XX9' }, action: { kind: 'soft-off' } },
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ field: 'selector.site', code: 'fleet.unknown-site' });
    const none = await s.call('POST', '/api/fleet/control', {
      role: 'ops',
      body: { selector: { site: 'SG1', model: 'no-such-model' }, action: { kind: 'soft-off' } },
    });
    expect(none.status).toBe(400);
    expect(none.body.error.field).toBe('selector');
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('rebuilds machines, status changes and controls from the ledger alone', async () => {
    const target = await testApp();
    try {
      await replayInto(s.app, target);
      for (const table of ['fleet_machines', 'fleet_status_changes', 'fleet_controls'] as const) {
        const rows = (db: TestApp) => db.db.withTables<FleetTables>().selectFrom(table).selectAll().execute();
        const [original, rebuilt] = [await rows(s.app), await rows(target)];
        expect(original.length, table).toBeGreaterThan(0);
        expect(sortById(rebuilt), table).toEqual(sortById(original));
      }
    } finally {
      await target.close();
    }
  });

  it('polls every machine once when the registry is read a few machines a page', async () => {
    s.app.clock.set(minute(20));
    const r = await sweepFleet(s.app, s.app.actor('ops'), { pageSize: 3 });
    const polled = await s.app.db
      .withTables<FleetTables>()
      .selectFrom('fleet_machine_state')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('last_sweep', '=', BigInt(r.sweep))
      .executeTakeFirstOrThrow();
    expect(r.machines).toBe(20);
    expect(Number(polled.n)).toBe(20);
  });
});

const sortById = (rows: { id: bigint }[]) => [...rows].sort((a, b) => Number(a.id - b.id));
