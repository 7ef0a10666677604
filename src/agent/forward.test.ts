import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fleetDb, insertMachines } from '../fleet/store.js';
import { type TestApp, testApp } from '../testing/index.js';
import { forwardItem, forwardItems } from './forward.js';
import { type SpoolItem, sweepKey } from './model.js';

/** Forwarding a spooled sweep to a real database: each part once, in its reading's place. */
describe('forwarding a spool', () => {
  let app: TestApp;
  const agent = { name: 'a1', host: 'test', pid: 1 };
  beforeAll(async () => {
    app = await testApp();
    await insertMachines(
      app.db,
      [1, 2].map((id) => ({
        id,
        serial: `d${id}`,
        dna: `d${id}`,
        site: 'NA1',
        address: `10.0.0.${id}`,
        port: 4028,
      })),
      app.clock.now(),
    );
  });
  afterAll(async () => app.close());

  /** A sweep of both machines, a part each, then its end; `offLease` an interval on, if given. */
  const sweepAt = (
    iso: string,
    ths: number,
    by: { agent?: string; offLeaseSeconds?: number } = {},
  ): SpoolItem[] => {
    const at = new Date(iso);
    const sweep = sweepKey(by.agent ?? agent.name, 'NA1', at);
    const head = {
      sweep,
      site: 'NA1',
      at: iso,
      ...(by.offLeaseSeconds === undefined
        ? {}
        : { offLease: { until: new Date(at.getTime() + by.offLeaseSeconds * 1000).toISOString() } }),
    };
    const record = (machineId: number) => ({
      machineId,
      answered: true,
      durationMs: 50,
      failures: 0,
      health: 'ok',
      ths,
      telemetryJson: JSON.stringify({ hashrateThs: { recent: ths } }),
    });
    return [
      { ...head, kind: 'polls', key: `${sweep}#0`, batch: [{ record: record(1) }] },
      { ...head, kind: 'polls', key: `${sweep}#1`, batch: [{ record: record(2) }] },
      {
        ...head,
        kind: 'end',
        key: `${sweep}#end`,
        finishedAt: new Date(at.getTime() + 1000).toISOString(),
        report: { machines: 2, answered: 2, failed: 0, statusChanges: 0 },
        tally: { machines: 2, reporting: 2, stale: 0, offline: 0, ths: 2 * ths },
      },
    ];
  };
  /** Polls stored from `from` on (the 5-minute buckets), and that time's minute rows of NA1. */
  const storedSince = async (from: string) => {
    const polls = await sql<{ n: number }>`
      select coalesce(sum(polls), 0)::int4 as n from fleet_telemetry where bucket >= ${from}::timestamptz`.execute(
      app.db,
    );
    const minutes = await sql<{ sweeps: number }>`
      select coalesce(sum(sweeps), 0)::int4 as sweeps from fleet_hashrate_minutes
      where site = 'NA1' and minute >= ${from}::timestamptz`.execute(app.db);
    return { polls: polls.rows[0]!.n, sweeps: minutes.rows[0]!.sweeps };
  };

  it('stores each part once: a replay of parts already taken is skipped, nothing doubled', async () => {
    const first = sweepAt('2026-12-06T10:00:00.000Z', 80);
    for (const item of first) expect(await forwardItem(app, app.actor('ops'), agent, item)).toBe('stored');
    for (const item of first)
      expect(await forwardItem(app, app.actor('ops'), agent, item)).toBe('already-stored');
    const polls = await fleetDb(app.db)
      .selectFrom('fleet_telemetry')
      .select((eb) => eb.fn.sum<number>('polls').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(polls.n)).toBe(2);
    expect(await storedSince('2026-12-06T10:00:00Z')).toEqual({ polls: 2, sweeps: 1 });
    const sweeps = await fleetDb(app.db).selectFrom('fleet_sweeps').selectAll().execute();
    expect(sweeps).toHaveLength(1);
    expect(sweeps[0]).toMatchObject({ site: 'NA1', outcome: 'done', machines: 2, running: false });
    const minute = await sql<{ sweeps: number; ths_sum: number }>`
      select sweeps, ths_sum from fleet_hashrate_minutes where site = 'NA1'`.execute(app.db);
    expect(minute.rows).toEqual([{ sweeps: 1, ths_sum: 160 }]);
  });

  it('a sweep replayed late never overwrites a newer machine state', async () => {
    for (const item of sweepAt('2026-12-06T10:02:00.000Z', 90))
      await forwardItem(app, app.actor('ops'), agent, item);
    for (const item of sweepAt('2026-12-06T10:01:00.000Z', 70))
      await forwardItem(app, app.actor('ops'), agent, item);
    const state = await fleetDb(app.db)
      .selectFrom('fleet_machine_state')
      .select(['machine_id', 'hashrate_ths'])
      .orderBy('machine_id')
      .execute();
    expect(state.map((s) => s.hashrate_ths)).toEqual([90, 90]);
    const polls = await fleetDb(app.db)
      .selectFrom('fleet_telemetry')
      .select((eb) => eb.fn.sum<number>('polls').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(polls.n)).toBe(6);
  });

  it("drops a sweep made through a cut under no lease that overlaps another agent's stored sweep, every part of it", async () => {
    const warn = vi.spyOn(app.log, 'warn');
    // b2 held the lease and swept at 11:00:05; a1, cut off, swept at 11:00:00 standing for 10 s.
    const live = sweepAt('2026-12-06T11:00:05.000Z', 80, { agent: 'b2' });
    await forwardItems(app, app.actor('ops'), { ...agent, name: 'b2' }, live);
    const cut = sweepAt('2026-12-06T11:00:00.000Z', 70, { offLeaseSeconds: 10 });
    // Its first part alone, then the rest in another transaction: the decision holds for the rest.
    expect(await forwardItem(app, app.actor('ops'), agent, cut[0]!)).toBe('dropped');
    expect(await forwardItems(app, app.actor('ops'), agent, cut.slice(1))).toEqual(['dropped', 'dropped']);
    expect(await forwardItems(app, app.actor('ops'), agent, cut)).toEqual([
      'already-stored',
      'already-stored',
      'already-stored',
    ]);
    expect(await storedSince('2026-12-06T11:00:00Z')).toEqual({ polls: 2, sweeps: 1 });
    const dropped = await sql`select sweep, agent, site, met from agent_dropped_sweeps`.execute(app.db);
    expect(dropped.rows).toEqual([{ sweep: cut[0]!.sweep, agent: 'a1', site: 'NA1', met: live[0]!.sweep }]);
    const said = warn.mock.calls.map((c) => String(c[1]));
    expect(said.filter((m) => m.includes(`spooled sweep ${cut[0]!.sweep} dropped`))).toHaveLength(1);
    expect(said.find((m) => m.includes('dropped'))).toContain(`overlaps sweep ${live[0]!.sweep} of NA1`);
    warn.mockRestore();
    // Its parts are taken (with no readings): the spool can let them go.
    const keys = await sql<{ readings: number }>`
      select readings from agent_forwarded where key like ${`${cut[0]!.sweep}#%`}`.execute(app.db);
    expect(keys.rows.map((r) => r.readings)).toEqual([0, 0, 0]);
  });

  it("drops an off-lease sweep that began while another agent's sweep was still under way, not one long after a sweep that never ended", async () => {
    // The day before the other cases'. b2's sweep of 13:00:05 has only its first part stored (its end
    // not arrived): still running.
    const running = sweepAt('2026-12-05T13:00:05.000Z', 80, { agent: 'b2' });
    await forwardItem(app, app.actor('ops'), { ...agent, name: 'b2' }, running[0]!);
    const during = sweepAt('2026-12-05T13:00:08.000Z', 70, { offLeaseSeconds: 10 });
    expect(await forwardItems(app, app.actor('ops'), agent, during)).toEqual(Array(3).fill('dropped'));
    // A minute on, that unfinished sweep no longer counts as under way.
    const later = sweepAt('2026-12-05T13:01:08.000Z', 70, { offLeaseSeconds: 10 });
    expect(await forwardItems(app, app.actor('ops'), agent, later)).toEqual(Array(3).fill('stored'));
  });

  it('replays in order the off-lease sweeps no stored sweep covers, and never drops a sweep made under a lease', async () => {
    // b2 took the site at 12:00:20. a1, cut, swept at 12:00:00 and 12:00:10 (nobody else did), then
    // at 12:00:20 and 12:00:30 (b2 too): the first two count, the last two not.
    for (const iso of ['2026-12-06T12:00:20.000Z', '2026-12-06T12:00:30.000Z'])
      await forwardItems(app, app.actor('ops'), { ...agent, name: 'b2' }, sweepAt(iso, 80, { agent: 'b2' }));
    const spooled = ['00', '10', '21', '30'].flatMap((s) =>
      sweepAt(`2026-12-06T12:00:${s}.000Z`, 70, { offLeaseSeconds: 10 }),
    );
    const results = await forwardItems(app, app.actor('ops'), agent, spooled);
    expect(results).toEqual([...Array(6).fill('stored'), ...Array(6).fill('dropped')]);
    const sweeps = await sql<{ agent_key: string }>`
      select agent_key from fleet_sweeps where started_at >= '2026-12-06T12:00:00Z' order by started_at`.execute(
      app.db,
    );
    expect(sweeps.rows.map((r) => r.agent_key)).toEqual([
      spooled[0]!.sweep,
      spooled[3]!.sweep,
      'b2:NA1:2026-12-06T12:00:20.000Z',
      'b2:NA1:2026-12-06T12:00:30.000Z',
    ]);
    // A sweep a1 made under its lease at the same time as b2's is a reading like any other.
    const leased = sweepAt('2026-12-06T12:00:31.000Z', 70);
    expect(await forwardItems(app, app.actor('ops'), agent, leased)).toEqual(['stored', 'stored', 'stored']);
    expect(await storedSince('2026-12-06T12:00:00Z')).toEqual({ polls: 10, sweeps: 5 });
  });
});
