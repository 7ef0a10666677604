import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetDb, insertMachines } from '../fleet/store.js';
import { type TestApp, testApp } from '../testing/index.js';
import { forwardItem } from './forward.js';
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

  const sweepAt = (iso: string, ths: number): SpoolItem[] => {
    const at = new Date(iso);
    const sweep = sweepKey(agent.name, 'NA1', at);
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
      {
        kind: 'polls',
        key: `${sweep}#0`,
        sweep,
        site: 'NA1',
        at: iso,
        batch: [{ record: record(1) }, { record: record(2) }],
      },
      {
        kind: 'end',
        key: `${sweep}#end`,
        sweep,
        site: 'NA1',
        at: iso,
        finishedAt: iso,
        report: { machines: 2, answered: 2, failed: 0, statusChanges: 0 },
        tally: { machines: 2, reporting: 2, stale: 0, offline: 0, ths: 2 * ths },
      },
    ];
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
});
