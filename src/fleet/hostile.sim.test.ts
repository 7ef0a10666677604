/**
 * Miners that misbehave on purpose, over real TCP on loopback, beside healthy ones: none stalls the
 * sweep or the healthy polls, none is believed, and each ends in the status that says what it did
 * (offline for one that cannot be heard, protocol-error for one whose answer cannot be used).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../kernel/clock.js';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { carriedPollsWritten } from './carried.js';
import { scanRange } from './discovery.js';
import { MinerClient } from './protocol/client.js';
import { type Fault, HOSTILE_FAULTS, type Simulator, startSimulator } from './protocol/simulator.js';
import { EXPECTED_STATUS, type HostileFault } from './protocol/simulator-hostile.js';
import { listMachines } from './queries.js';
import { sweepFleet } from './sweep.js';

/**
 * A site of simulated miners scanned while healthy, the last `turned` of them then given `fault`:
 * the world of the tests below. Its app and simulator are made before the describe's tests and
 * closed after them.
 */
function scannedFleet(o: {
  healthy: number;
  turned: number;
  fault: Fault;
  base: string;
  seed: string;
  site: string;
  client: MinerClient;
  slowMs?: number;
}) {
  const world = {} as { app: TestApp; sim: Simulator };
  beforeAll(async () => {
    world.app = await testApp();
    world.sim = await startSimulator({
      count: o.healthy + o.turned,
      base: o.base,
      seed: o.seed,
      ...(o.slowMs === undefined ? {} : { slowMs: o.slowMs }),
    });
    const ctx = { ...world.app, clock: systemClock };
    const sim = world.sim;
    await addTestSite(ctx, actor, o.site);
    await scanRange(
      ctx,
      actor,
      { range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`, site: o.site, port: 4028 },
      { client: o.client },
    );
    for (const m of sim.miners.slice(o.healthy)) await sim.setFault(m.address, o.fault);
  });
  afterAll(async () => {
    await world.sim.stop();
    await world.app.close();
  });
  return world;
}

const actor = { id: 'ops', role: 'ops' } as const;

const PER_KIND = 3;
const HEALTHY = 12;
describe('hostile miners beside healthy ones', () => {
  let app: TestApp;
  let sim: Simulator;
  // Short deadlines so that the test takes seconds; the rules are the same at production's.
  const client = new MinerClient({
    connectTimeoutMs: 1000,
    readTimeoutMs: 2500,
    slowAfterMs: 100,
    concurrency: 8,
    stragglerConcurrency: 64,
    retries: 1,
    backoffMs: 20,
  });
  const faultOf = new Map<string, Fault | null>();

  beforeAll(async () => {
    app = await testApp();
    sim = await startSimulator({
      count: HEALTHY + PER_KIND * HOSTILE_FAULTS.length,
      base: '127.97.0.1',
      seed: 'hostile',
    });
    const ctx = { ...app, clock: systemClock };
    await addTestSite(ctx, actor, 'HX1');
    const scan = await scanRange(
      ctx,
      actor,
      { range: `${sim.miners[0]!.host}-${sim.miners.at(-1)!.host}`, site: 'HX1', port: 4028 },
      { client },
    );
    expect(scan.registered).toHaveLength(sim.miners.length);
    // Registered while healthy; then the last ones turn, PER_KIND of each kind.
    for (const [i, m] of sim.miners.entries()) {
      const fault = i < HEALTHY ? null : HOSTILE_FAULTS[Math.floor((i - HEALTHY) / PER_KIND)]!;
      faultOf.set(m.host, fault);
      await sim.setFault(m.address, fault);
    }
  });
  afterAll(async () => {
    await sim.stop();
    await app.close();
  });

  it('fails no healthy poll, believes no hostile answer, and gives each its status', async () => {
    const ctx = { ...app, clock: systemClock };
    const reports = [];
    const failedBySweep: Map<string, string>[] = [];
    const lastPollMs = new Map<string, number>();
    for (let i = 0; i < 2; i++) {
      reports.push(await sweepFleet(ctx, actor, { client, offlineAfter: 2 }));
      // As the poll interval would: the polls carried past the sweep's end are written first.
      await carriedPollsWritten(client);
      const machines = (await listMachines(ctx, { limit: 200 })).machines;
      failedBySweep.push(new Map(machines.map((m) => [m.address, m.lastFailure ?? ''])));
      for (const m of machines) lastPollMs.set(m.address, m.lastPollMs ?? 0);
    }
    const last = reports.at(-1)!;
    // The slowest hostile miner costs one read deadline, not one per miner in a row.
    for (const r of reports) expect(r.seconds).toBeLessThan(6);
    // The silent and trickling ones do not hold the second sweep (asked first, in the straggler
    // lane) for their read deadline: it ends once the rest has answered, and they are carried on
    // to it, their reading the sweep's all the same.
    for (const [host, fault] of faultOf) {
      if (fault !== 'silent' && fault !== 'trickle') continue;
      expect(failedBySweep[1]!.get(host)).toMatch(/within 2500 ms/); // its whole read deadline
      expect(lastPollMs.get(host)).toBeGreaterThanOrEqual(2400);
    }
    expect(last.seconds).toBeLessThan(2.4);
    expect(last.carried).toBeGreaterThanOrEqual(2 * PER_KIND);

    const page = await listMachines(ctx, { limit: 200 });
    const statusOf = new Map(page.machines.map((m) => [m.address, m.status]));
    const wrong: string[] = [];
    for (const [host, fault] of faultOf) {
      const want = fault === null ? 'ok' : EXPECTED_STATUS[fault as HostileFault];
      if (statusOf.get(host) !== want)
        wrong.push(`${host} ${fault ?? 'healthy'}: ${statusOf.get(host)}, not ${want}`);
    }
    expect(wrong).toEqual([]);
    // The healthy and the no-close ones answered (some perhaps carried past the sweep's end).
    const answering = page.machines.filter((m) => m.consecutiveFailures === 0).map((m) => m.address);
    expect(answering.sort()).toEqual(
      [...faultOf]
        .filter(([, f]) => f === null || f === 'no-close')
        .map(([h]) => h)
        .sort(),
    );
    expect(last.failures).toMatchObject({
      'too-large': PER_KIND,
      'too-deep': PER_KIND,
      malformed: PER_KIND,
      'implausible-hashrate': PER_KIND,
    });
    // Three machines at 10^12 TH/s each would make the fleet 3,000,000 EH/s: they are left out.
    const perMachine = last.measuredThs / (HEALTHY + PER_KIND);
    expect(perMachine).toBeGreaterThan(50);
    expect(perMachine).toBeLessThan(200);
    const absurd = page.machines.find((m) => faultOf.get(m.address) === 'absurd-hashrate');
    expect(absurd?.statusReason).toMatch(
      /hashrate refused: the miner claims .* TH\/s, over 3× the model's nominal/,
    );
  });
});

describe('the first sweep after registration, with miners gone silent and no poll history', () => {
  const HEALTHY_FIRST = 120;
  const SILENT = 4;
  // The read deadline the sweep must not wait out; the learned wait's floor well under it.
  const client = new MinerClient({ readTimeoutMs: 10_000, answerFloorMs: 300, concurrency: 8, retries: 0 });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SILENT,
    fault: 'silent',
    base: '127.192.240.1',
    seed: 'first-sweep',
    site: 'HX2',
    client,
  });

  it("gives a silent miner the wait the fleet's answers say, not the read deadline, and fails no healthy one", async () => {
    const ctx = { ...world.app, clock: systemClock };
    const report = await sweepFleet(ctx, actor, { client });
    expect(report.answered).toBe(HEALTHY_FIRST);
    // Failed within the sweep, or carried past its end to their learned wait.
    expect((report.failures.timeout ?? 0) + report.carried).toBe(SILENT);
    expect(Object.keys(report.failures).filter((k) => k !== 'timeout')).toEqual([]);
    expect(report.seconds).toBeLessThan(10); // waiting out the read deadline would take longer
    await carriedPollsWritten(client);
    const machines = (await listMachines(ctx, { limit: 200 })).machines;
    const silent = new Set(world.sim.miners.slice(HEALTHY_FIRST).map((m) => m.host));
    for (const m of machines.filter((x) => silent.has(x.address)))
      expect(m.lastFailure).toMatch(/learned from the fleet's recent answers/);
  });
});

describe('the first sweep, with miners gone silent among the last asked and a long learned wait', () => {
  const HEALTHY_FIRST = 120;
  const SILENT = 4;
  // A learned wait's floor of 4 s: what a loaded poller learns (answers slowed by its own busy thread).
  const client = new MinerClient({ readTimeoutMs: 10_000, answerFloorMs: 4000, concurrency: 8, retries: 0 });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SILENT,
    fault: 'silent',
    base: '127.75.200.1',
    seed: 'first-sweep-tail',
    site: 'HX4',
    client,
  });

  it("ends once the rest has answered, and carries them on to their learned wait, their reading the sweep's", async () => {
    const ctx = { ...world.app, clock: systemClock };
    const report = await sweepFleet(ctx, actor, { client });
    // A healthy poll turned slow on a loaded machine may be carried beside them.
    expect(report.answered + report.carried).toBe(HEALTHY_FIRST + SILENT);
    expect(report.carried).toBeGreaterThanOrEqual(SILENT);
    expect(report.seconds).toBeLessThan(4); // their learned wait alone is 4 s
    const silent = new Set(world.sim.miners.slice(HEALTHY_FIRST).map((m) => m.host));
    const lastFailures = async () =>
      (await listMachines(ctx, { limit: 200 })).machines.filter((x) => silent.has(x.address));
    // Not failed at the sweep's end: still waited on.
    for (const m of await lastFailures()) expect(m.consecutiveFailures ?? 0).toBe(0);
    // A sweep right after does not ask them again while their poll is under way.
    const next = await sweepFleet(ctx, actor, { client });
    expect(next.notAsked).toBeGreaterThanOrEqual(SILENT);
    expect(next.machines + next.carried + next.notAsked).toBe(HEALTHY_FIRST + SILENT);
    await carriedPollsWritten(client);
    for (const m of await lastFailures()) {
      expect(m.consecutiveFailures).toBe(1);
      expect(m.lastFailure).toMatch(/learned from the fleet's recent answers/);
      expect(m.lastPollMs).toBeGreaterThanOrEqual(3900);
    }
    // Every reading once: the silent ones' in the first sweep only.
    const stored = await sql<{ polls: number }>`
      select sum(polls)::int4 as polls from fleet_telemetry`.execute(world.app.db);
    expect(stored.rows[0]!.polls).toBe(report.machines + report.carried + next.machines + next.carried);
    const inFirst = await sql<{ address: string }>`
      select m.address from fleet_machine_state s join fleet_machines m on m.id = s.machine_id
      where s.last_sweep = ${BigInt(report.sweep)}`.execute(world.app.db);
    for (const a of silent) expect(inFirst.rows.map((r) => r.address)).toContain(a);
  });
});

describe('two registered machines on one silent address, carried past the first sweep', () => {
  const HEALTHY = 20;
  const client = new MinerClient({ readTimeoutMs: 3000, answerFloorMs: 1500, concurrency: 8, retries: 0 });
  const world = scannedFleet({
    healthy: HEALTHY,
    turned: 1,
    fault: 'silent',
    base: '127.75.220.1',
    seed: 'carried-twins',
    site: 'HX7',
    client,
  });

  it('stores a reading for each of them, in that sweep', async () => {
    const ctx = { ...world.app, clock: systemClock };
    // The registry knows a machine by its identity, not its address: a second one at the silent
    // miner's address (a swapped unit not yet re-scanned) is polled beside it.
    await sql`
      insert into fleet_machines (id, serial, model, firmware, site, address, port, registered_at, status, status_since)
      select id + 1000, serial || '-twin', model, firmware, site, address, port, registered_at, status, status_since
      from fleet_machines where address = ${world.sim.miners.at(-1)!.host}`.execute(ctx.db);
    const first = await sweepFleet(ctx, actor, { client });
    expect(first.carried).toBeGreaterThanOrEqual(1);
    await carriedPollsWritten(client);
    const read = await sql<{ machine_id: string; last_sweep: string | null }>`
      select m.id::text as machine_id, s.last_sweep::text as last_sweep from fleet_machines m
      left join fleet_machine_state s on s.machine_id = m.id
      where m.address = ${world.sim.miners.at(-1)!.host} order by m.id`.execute(ctx.db);
    expect(read.rows.map((r) => r.last_sweep)).toEqual([String(first.sweep), String(first.sweep)]);
  });
});

describe('a few miners slower than the rest, answering within the read deadline', () => {
  const HEALTHY_FIRST = 110;
  const SLOW = 3;
  // A learned wait's floor well under the slow ones' 900 ms, which stays under a straggler's second.
  const client = new MinerClient({ readTimeoutMs: 5000, answerFloorMs: 200, concurrency: 8, retries: 0 });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SLOW,
    fault: 'slow',
    base: '127.225.1.1',
    seed: 'slow-minority',
    site: 'HX3',
    slowMs: 900,
    client,
  });

  it('cuts them short at most once, not every other sweep', async () => {
    const ctx = { ...world.app, clock: systemClock };
    const slow = new Set(world.sim.miners.slice(HEALTHY_FIRST).map((m) => m.host));
    const failedPolls = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      await sweepFleet(ctx, actor, { client });
      await carriedPollsWritten(client);
      for (const m of (await listMachines(ctx, { limit: 200 })).machines)
        if (m.consecutiveFailures > 0) failedPolls.set(m.address, (failedPolls.get(m.address) ?? 0) + 1);
    }
    // Only the slow ones may have failed, each once at most (the first time, with nothing known of it).
    expect([...failedPolls.keys()].filter((a) => !slow.has(a))).toEqual([]);
    expect([...failedPolls.values()].filter((n) => n > 1)).toEqual([]);
  });
});

describe('a miner answering every poll slowly, past the moment the rest is done', () => {
  const HEALTHY_FIRST = 60;
  const SLOW = 2;
  // Learned waits of 2 s at least: the busy ones' 1.5 s answers are within them.
  const client = new MinerClient({ readTimeoutMs: 5000, answerFloorMs: 2000, concurrency: 8, retries: 0 });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SLOW,
    fault: 'slow',
    base: '127.75.210.1',
    seed: 'busy',
    site: 'HX5',
    slowMs: 1500,
    client,
  });

  it('has every answer of it stored, however soon the rest is done', async () => {
    const ctx = { ...world.app, clock: systemClock };
    for (let i = 0; i < 3; i++) {
      const report = await sweepFleet(ctx, actor, { client });
      expect(report.answered + report.carried).toBe(HEALTHY_FIRST + SLOW);
      await carriedPollsWritten(client);
      const failed = (await listMachines(ctx, { limit: 200 })).machines.filter((m) => m.consecutiveFailures);
      expect(failed.map((m) => m.lastFailure)).toEqual([]);
    }
  });
});

describe('a miner answering in 3 s among fast ones, under a 5 s read deadline', () => {
  const HEALTHY_FIRST = 100;
  // The demo's `slow` miner: a learned wait cuts it short in the first sweep (nothing is known of
  // it). Given up 2 s after the rest was done in every later sweep, it stayed offline for ever.
  const client = new MinerClient({ readTimeoutMs: 5000, concurrency: 8, retries: 0 });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: 1,
    fault: 'slow',
    base: '127.40.1.1',
    seed: 'slow-but-alive',
    site: 'HX7',
    slowMs: 3000,
    client,
  });

  it('is ok after two sweeps, and the sweeps end before it answers', async () => {
    const ctx = { ...world.app, clock: systemClock };
    const slow = world.sim.miners.at(-1)!.host;
    const seconds: number[] = [];
    for (let i = 0; i < 2; i++) {
      seconds.push((await sweepFleet(ctx, actor, { client })).seconds);
      await carriedPollsWritten(client);
    }
    const m = (await listMachines(ctx, { limit: 200 })).machines.find((x) => x.address === slow)!;
    expect(m.lastFailure ?? null).toBeNull();
    expect(m.consecutiveFailures).toBe(0);
    expect(m.status).toBe('ok');
    expect(m.lastPollMs).toBeGreaterThanOrEqual(2900);
    // Its second poll, asked first and carried on: the sweep does not wait for it.
    expect(seconds[1]).toBeLessThan(2.9);
  });
});

describe('more miners timed out last sweep than the straggler lane has slots', () => {
  const HEALTHY_FIRST = 120;
  const SILENT = 12;
  // A straggler lane of 4 against 12 silent miners: asked 4 at a time, the last would start only
  // when the first had timed out, and hold the sweep's end two read deadlines later.
  const client = new MinerClient({
    readTimeoutMs: 3000,
    answerFloorMs: 300,
    concurrency: 8,
    stragglerConcurrency: 4,
    retries: 0,
  });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SILENT,
    fault: 'silent',
    base: '127.145.210.1',
    seed: 'lane-of-four',
    site: 'HX6',
    client,
  });

  it('asks every one of them at once in the next sweep, and carries them past its end together', async () => {
    const ctx = { ...world.app, clock: systemClock };
    await sweepFleet(ctx, actor, { client });
    await carriedPollsWritten(client);
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, client.load.stragglers);
    }, 10);
    const report = await sweepFleet(ctx, actor, { client });
    clearInterval(sampler);
    // A healthy poll turned slow on a loaded machine may be carried beside them.
    expect(report.answered + report.carried).toBe(HEALTHY_FIRST + SILENT);
    expect(report.carried).toBeGreaterThanOrEqual(SILENT);
    // All of them at once (healthy polls turning slow may take the lane's own room beside them).
    expect(most).toBeGreaterThanOrEqual(SILENT);
    expect(report.seconds).toBeLessThan(2.5); // their read deadline is 3 s
    await carriedPollsWritten(client);
    expect(client.capacity.straggler).toBe(4); // narrowed back once their readings are written
    const timedOut = (await listMachines(ctx, { limit: 200 })).machines.filter(
      (m) => m.consecutiveFailures === 2,
    );
    expect(timedOut).toHaveLength(SILENT);
  });
});

describe('a sweep whose polls turn slow on silent miners', () => {
  const HEALTHY_FIRST = 60;
  const SILENT = 4;
  const SLOTS = 4;
  const client = new MinerClient({
    readTimeoutMs: 3000,
    answerFloorMs: 300,
    concurrency: SLOTS,
    stragglerConcurrency: 64,
    retries: 0,
  });

  const world = scannedFleet({
    healthy: HEALTHY_FIRST,
    turned: SILENT,
    fault: 'silent',
    base: '127.28.0.1',
    seed: 'no-queue',
    site: 'HX8',
    client,
  });

  it('queues no poll for a main slot: one that turns slow hands its slot to a fresh poll', async () => {
    const ctx = { ...world.app, clock: systemClock };
    let queued = 0;
    let mostInMain = 0;
    const report = await sweepFleet(ctx, actor, {
      client,
      onProgress: () => {
        queued = Math.max(queued, client.load.waiting);
        mostInMain = Math.max(mostInMain, client.load.inFlight);
      },
    });
    // Polls taken from the pager only as slots free: none waits for one (the straggler lane's
    // size of workers beside the slots each queued one).
    expect(queued).toBe(0);
    expect(mostInMain).toBeLessThanOrEqual(SLOTS);
    expect(report.answered).toBe(HEALTHY_FIRST);
    expect((report.failures.timeout ?? 0) + report.carried).toBe(SILENT);
    await carriedPollsWritten(client);
  });
});
