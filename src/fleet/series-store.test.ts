import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestApp, testApp } from '../testing/index.js';
import { emptyTally } from './model.js';
import { measuredHashrateSeries } from './queries.js';
import { addSweepTotals, machineCounts, machinesToPoll, type SweepPart, writePolls } from './series-store.js';
import { fleetDb, insertMachines } from './store.js';

describe('measurements', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    await insertMachines(
      app.db,
      [{ id: 1, serial: 'd1', dna: 'd1', site: 'SG1', address: '10.0.0.1', port: 4028 }],
      app.clock.now(),
    );
  });
  afterAll(async () => app.close());
  const day = (d: string) => new Date(`${d}T00:00:00Z`);
  const on = (d: string, sweep = 1) => ({ sweep, at: day(d), bucket: day(d) });
  const failed = { machineId: 1, answered: false, durationMs: 3000, failures: 1, failure: 'timeout' };
  const ok = {
    machineId: 1,
    answered: true,
    durationMs: 120,
    failures: 0,
    health: 'ok',
    ths: 90,
    telemetryJson: JSON.stringify({ hashrateThs: { recent: 90 } }),
  };

  /** Polls of one 5-minute bucket, `s` seconds into it. */
  const into = (d: string, s: number, sweep = 1) => ({
    ...on(d, sweep),
    at: new Date(day(d).getTime() + s * 1000),
  });

  it('adds polls to their bucket: answered and failed counted, last good figures kept', async () => {
    await writePolls(app.db, [ok], into('2021-01-15', 0));
    await writePolls(app.db, [failed], into('2021-01-15', 10));
    await writePolls(app.db, [{ ...ok, ths: 80 }], into('2021-01-15', 20));
    const row = await fleetDb(app.db).selectFrom('fleet_telemetry').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ polls: 3, samples: 2, ths_sum: 170, ths_min: 80, ths_max: 90 });
    await writePolls(app.db, [failed], on('2021-01-16'));
    const state = await fleetDb(app.db)
      .selectFrom('fleet_machine_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(state).toMatchObject({
      hashrate_ths: 80,
      consecutive_failures: 1,
      last_failure: 'timeout',
      health: 'ok',
      last_poll_ms: 3000,
    });
    expect(state.last_seen_at).toEqual(into('2021-01-15', 20).at);
    expect(state.telemetry).toEqual({ hashrateThs: { recent: 90 } });
  });

  it('skips the latest reading written again, counts a late older one, and never rolls the state back', async () => {
    // The 2021-01-15 bucket holds readings at 0, 10 and 20 s; the 16th a failure (the test above).
    // The bucket's latest reading again (a retried write): skipped.
    expect(await writePolls(app.db, [{ ...ok, ths: 80 }], into('2021-01-15', 20))).toEqual({ skipped: [1] });
    // A reading at 5 s that arrives late (a spool forwarded after another agent's sweeps): counted.
    expect(await writePolls(app.db, [ok], into('2021-01-15', 5))).toEqual({ skipped: [] });
    const rows = await fleetDb(app.db)
      .selectFrom('fleet_telemetry')
      .select(['bucket', 'polls', 'samples', 'ths_sum', 'last_at'])
      .orderBy('bucket')
      .execute();
    expect(rows).toEqual([
      { bucket: day('2021-01-15'), polls: 4, samples: 3, ths_sum: 260, last_at: into('2021-01-15', 20).at },
      { bucket: day('2021-01-16'), polls: 1, samples: 0, ths_sum: 0, last_at: day('2021-01-16') },
    ]);
    const state = await fleetDb(app.db)
      .selectFrom('fleet_machine_state')
      .select(['last_polled_at', 'last_seen_at', 'consecutive_failures'])
      .executeTakeFirstOrThrow();
    expect(state).toEqual({
      last_polled_at: day('2021-01-16'),
      last_seen_at: into('2021-01-15', 20).at,
      consecutive_failures: 1,
    });
  });

  it("averages the minutes of each hour for a long range, counts as at the hour's last minute", async () => {
    const at = (t: string) => new Date(`2021-02-01T${t}Z`);
    const tally = (ths: number, reporting: number) => ({ ...emptyTally(), ths, machines: 2, reporting });
    await addSweepTotals(app.db, at('10:00:00'), new Map([['HR1', tally(100, 2)]]), 'fleet:1');
    await addSweepTotals(app.db, at('10:00:00'), new Map([['HR1', tally(80, 2)]]), 'fleet:2');
    await addSweepTotals(app.db, at('10:59:00'), new Map([['HR1', tally(60, 1)]]), 'fleet:3');
    await addSweepTotals(app.db, at('11:30:00'), new Map([['HR1', tally(50, 2)]]), 'fleet:4');
    // The series answers only for a registered site (an unknown one is the caller's mistake).
    await addTestSite(app, app.actor('admin'), 'HR1');
    const range = { site: 'HR1', from: at('00:00:00'), to: at('23:00:00') };
    expect((await measuredHashrateSeries(app, range)).points.map((p) => p.hashrateThs)).toEqual([90, 60, 50]);
    const hourly = await measuredHashrateSeries(app, { ...range, every: 'hour' });
    expect(hourly.points.map((p) => [p.at.toISOString(), p.hashrateThs, p.reporting])).toEqual([
      ['2021-02-01T10:00:00.000Z', 80, 1],
      ['2021-02-01T11:00:00.000Z', 50, 2],
    ]);
  });

  it("counts a sweep's totals once, and makes the fleet's minute the sum of its sites however swept", async () => {
    const at = (t: string) => new Date(`2021-02-02T${t}Z`);
    const tally = (ths: number, machines: number) => ({
      ...emptyTally(),
      ths,
      machines,
      reporting: machines,
    });
    const fleetAt = async (t: string) =>
      (await measuredHashrateSeries(app, { from: at(t), to: new Date(at(t).getTime() + 60_000) })).points[0];
    // The fleet's own sweeps: every site in each.
    const both = (a: number, b: number) =>
      new Map([
        ['FA1', tally(a, 2)],
        ['FA2', tally(b, 3)],
      ]);
    await addSweepTotals(app.db, at('10:00:00'), both(100, 30), 'fleet:11');
    await addSweepTotals(app.db, at('10:00:00'), both(80, 50), 'fleet:12');
    await addSweepTotals(app.db, at('10:00:00'), both(80, 50), 'fleet:12');
    expect(await fleetAt('10:00:00')).toMatchObject({ hashrateThs: 130, machines: 5, reporting: 5 });
    // Site agents: each site on its own, FA1 twice in the minute, FA2 once, one of them sent twice.
    await addSweepTotals(app.db, at('10:01:00'), new Map([['FA1', tally(100, 2)]]), 'a1:FA1:10:01:00');
    await addSweepTotals(app.db, at('10:01:00'), new Map([['FA2', tally(40, 3)]]), 'a2:FA2:10:01:10');
    await addSweepTotals(app.db, at('10:01:00'), new Map([['FA1', tally(80, 2)]]), 'a1:FA1:10:01:30');
    await addSweepTotals(app.db, at('10:01:00'), new Map([['FA1', tally(80, 2)]]), 'a1:FA1:10:01:30');
    expect(await fleetAt('10:01:00')).toMatchObject({ hashrateThs: 130, machines: 5, reporting: 5 });
  });

  it('pages the machines that timed out last time, those slow last time, and the rest apart, and never hands one out twice', async () => {
    await insertMachines(
      app.db,
      [2, 3, 4, 5, 6, 7].map((id) => ({
        id,
        serial: `d${id}`,
        dna: `d${id}`,
        site: 'SG1',
        address: `10.0.0.${id}`,
        port: 4028,
      })),
      app.clock.now(),
    );
    // Machine 1 failed above (a record of no failure kind: taken for a time-out); 2 answers slowly,
    // 3 quickly, 4 times out, 5 has never been polled, 6 floods past the size limit and 7 resets,
    // slowly (a loaded poller): neither kept the poller waiting on a silent miner.
    const poll = (machineId: number, durationMs: number) => ({ ...ok, machineId, durationMs });
    await writePolls(
      app.db,
      [
        poll(2, 1500),
        poll(3, 90),
        { ...failed, machineId: 4, failureKind: 'timeout' },
        { ...failed, machineId: 6, durationMs: 40, failureKind: 'too-large' },
        { ...failed, machineId: 7, durationMs: 1200, failureKind: 'closed' },
      ],
      on('2021-01-17', 7),
    );
    const ids = async (sweep: number, part: SweepPart, afterId = 0, limit = 10) =>
      (await machinesToPoll(app.db, { sweep, part, afterId, limit })).map((m) => m.id);
    expect(await ids(8, 'timed-out')).toEqual([1, 4]);
    expect(await ids(8, 'timed-out', 1, 1)).toEqual([4]);
    expect(await ids(8, 'slow')).toEqual([2]);
    expect(await ids(8, 'rest')).toEqual([3, 5, 6, 7]);
    expect(await machineCounts(app.db)).toEqual({ total: 7, timedOut: 2 });
    // Once sweep 8 has polled a straggler and found it quick, it is not handed out again as one of the rest.
    await writePolls(app.db, [poll(2, 80)], into('2021-01-17', 60, 8));
    expect(await ids(8, 'rest')).toEqual([3, 5, 6, 7]);
    expect(await ids(9, 'rest')).toEqual([2, 3, 5, 6, 7]);
  });
});

describe('a batch of polls as stored', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    await insertMachines(
      app.db,
      [1, 2, 3, 4, 5].map((id) => ({
        id,
        serial: `b${id}`,
        site: 'SG1',
        address: `10.0.1.${id}`,
        port: 4028,
      })),
      app.clock.now(),
    );
  });
  afterAll(async () => app.close());

  it("stores each machine's own figures and telemetry text, answered and failed polls mixed in one batch", async () => {
    const at = new Date('2021-03-01T10:02:00Z');
    // Texts a firmware can put in a reply: quotes, backslashes, escapes, non-ASCII, white space.
    const telemetry = (id: number) =>
      JSON.stringify({
        id,
        pools: [{ url: `stratum+tcp://p${id}.example:3333`, user: `w"${id}\\x` }],
        note: 'é\n\t€ 🜲',
      });
    const spaced = '{ "spaced" : [1, 2] }';
    await writePolls(
      app.db,
      [
        {
          machineId: 1,
          answered: true,
          durationMs: 101.4,
          failures: 0,
          health: 'ok',
          healthReason: 'fine',
          ths: 90.5,
          chipMaxC: 71,
          inletC: 25,
          powerW: 3400,
          telemetryJson: telemetry(1),
        },
        {
          machineId: 2,
          answered: false,
          durationMs: 5000,
          failures: 2,
          failure: 'no answer',
          failureKind: 'timeout',
        },
        {
          machineId: 3,
          answered: true,
          durationMs: 99.6,
          failures: 0,
          health: 'degraded',
          ths: 60,
          telemetryJson: spaced,
        },
        { machineId: 4, answered: true, durationMs: 80, failures: 0, health: 'ok', ths: 85 },
        {
          machineId: 5,
          answered: true,
          durationMs: 70,
          failures: 0,
          health: 'ok',
          ths: 88,
          telemetryJson: telemetry(5),
        },
      ],
      { sweep: 3, at, bucket: new Date('2021-03-01T10:00:00Z') },
    );
    const states = await fleetDb(app.db)
      .selectFrom('fleet_machine_state')
      .select([
        'machine_id',
        'last_seen_at',
        'consecutive_failures',
        'last_failure',
        'last_failure_kind',
        'health',
        'health_reason',
        'hashrate_ths',
        'last_poll_ms',
        'last_sweep',
        sql<string | null>`telemetry::text`.as('text'),
      ])
      .orderBy('machine_id')
      .execute();
    const state = (id: number, more: object) => ({
      machine_id: BigInt(id),
      last_seen_at: at,
      consecutive_failures: 0,
      last_failure: null,
      last_failure_kind: null,
      health_reason: null,
      last_sweep: 3n,
      ...more,
    });
    expect(states).toEqual([
      state(1, {
        health: 'ok',
        health_reason: 'fine',
        hashrate_ths: 90.5,
        last_poll_ms: 101,
        text: telemetry(1),
      }),
      state(2, {
        last_seen_at: null,
        consecutive_failures: 2,
        last_failure: 'no answer',
        last_failure_kind: 'timeout',
        health: null,
        hashrate_ths: null,
        last_poll_ms: 5000,
        text: null,
      }),
      state(3, { health: 'degraded', hashrate_ths: 60, last_poll_ms: 100, text: spaced }),
      state(4, { health: 'ok', hashrate_ths: 85, last_poll_ms: 80, text: '{}' }),
      state(5, { health: 'ok', hashrate_ths: 88, last_poll_ms: 70, text: telemetry(5) }),
    ]);
    const series = await fleetDb(app.db)
      .selectFrom('fleet_telemetry')
      .select([
        'machine_id',
        'polls',
        'samples',
        'ths_sum',
        'ths_min',
        'ths_max',
        'chip_max_c',
        'inlet_c',
        'power_w',
        'health',
      ])
      .orderBy('machine_id')
      .execute();
    const bucket = (id: number, ths: number | null, more: object = {}) => ({
      machine_id: BigInt(id),
      polls: 1,
      samples: ths === null ? 0 : 1,
      ths_sum: ths ?? 0,
      ths_min: ths,
      ths_max: ths,
      chip_max_c: null,
      inlet_c: null,
      power_w: null,
      health: 'ok',
      ...more,
    });
    expect(series).toEqual([
      bucket(1, 90.5, { chip_max_c: 71, inlet_c: 25, power_w: 3400 }),
      bucket(2, null, { health: null }),
      bucket(3, 60, { health: 'degraded' }),
      bucket(4, 85),
      bucket(5, 88),
    ]);
  });

  it('refuses a telemetry text that is no JSON, writing nothing of the batch', async () => {
    const at = new Date('2021-03-01T10:03:00Z');
    const poll = { machineId: 1, answered: true, durationMs: 50, failures: 0, health: 'ok', ths: 1 };
    const written = writePolls(app.db, [poll, { ...poll, machineId: 2, telemetryJson: '{"a":"\u0001"}' }], {
      sweep: 4,
      at,
      bucket: new Date('2021-03-01T10:00:00Z'),
    });
    await expect(written).rejects.toThrow('machine 2: its telemetry is not JSON');
    const polls = await fleetDb(app.db)
      .selectFrom('fleet_telemetry')
      .select(sql<number>`sum(polls)::int`.as('n'))
      .executeTakeFirstOrThrow();
    expect(polls.n).toBe(5);
  });
});

describe('sweep after sweep', () => {
  let app: TestApp;
  const machines = Array.from({ length: 40 }, (_, k) => k + 1);
  beforeAll(async () => {
    app = await testApp();
    await insertMachines(
      app.db,
      machines.map((id) => ({ id, serial: `r${id}`, site: 'SG1', address: `10.0.2.${id}`, port: 4028 })),
      app.clock.now(),
    );
  });
  afterAll(async () => app.close());

  // Updated in place, the new versions fit on the pages of the old ones. Whether the old versions are
  // pruned by the next sweep depends on every transaction on the server, not on this test: only the
  // first rewrite is asserted.
  it("rewrites each machine's state and bucket in place: the tables do not grow", async () => {
    const bucket = new Date('2021-03-02T10:00:00Z');
    // A reading as long as a real one (1.2 kB), different every sweep.
    const sweep = (n: number) =>
      writePolls(
        app.db,
        machines.map((machineId) => ({
          machineId,
          answered: true,
          durationMs: 50,
          failures: 0,
          health: 'ok',
          ths: 90 + n,
          telemetryJson: JSON.stringify({
            sweep: n,
            boards: Array.from({ length: 24 }, (_, b) => ({ b, ths: 30 + n })),
          }),
        })),
        { sweep: n, at: new Date(bucket.getTime() + n * 60_000), bucket },
      );
    const pages = async () =>
      (
        await sql<{ state: number; series: number }>`select
          pg_relation_size('fleet_machine_state') / 8192 as state,
          (select sum(pg_relation_size(inhrelid)) from pg_inherits
            where inhparent = 'fleet_telemetry'::regclass) / 8192 as series`.execute(app.db)
      ).rows[0];
    await sweep(0);
    const first = await pages();
    await sweep(1);
    expect(await pages()).toEqual(first);
  });
});
