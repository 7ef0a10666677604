/**
 * One rule for "meant off but hashing": the machine API's `notAsAsked` (model.ts) and the SQL the
 * reconciler resends the soft off by (`meantOffButHashing`) agree on the same rows — every wanted
 * power, status and run of failed polls.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestServer, testServer } from '../testing/index.js';
import { HASHING_STATUSES } from './model.js';
import { insertMachines, meantOffButHashing } from './store.js';

const STATUSES = ['ok', 'degraded', 'board-down', 'idle', 'offline', 'protocol-error', 'new'];
const ROWS = (['off', 'on'] as const).flatMap((wanted) =>
  STATUSES.flatMap((status) => [0, 1, 3].map((failures) => ({ wanted, status, failures }))),
);

let s: TestServer;
beforeAll(async () => {
  s = await testServer();
  const at = s.app.clock.now();
  const asked = new Date(at.getTime() - 3_600_000);
  await addTestSite(s.app, s.app.actor('admin'), 'PI1');
  const ids = ROWS.map((_, i) => i + 1);
  await insertMachines(
    s.app.db,
    ids.map((id) => ({
      id,
      serial: `PI-${id}`,
      model: '1246-83',
      site: 'PI1',
      address: `10.9.0.${id}`,
      port: 4028,
    })),
    at,
  );
  // The poller's and the controls' projections, straight in: this test is about reading them.
  for (const [i, r] of ROWS.entries()) {
    await sql`update fleet_machines set status = ${r.status} where id = ${i + 1}`.execute(s.app.db);
    await sql`insert into fleet_machine_state (machine_id, last_polled_at, last_seen_at, consecutive_failures)
      values (${i + 1}, ${at}, ${at}, ${r.failures})`.execute(s.app.db);
    await sql`insert into fleet_power_intent (machine_id, wanted, control_id, requested_at, actor)
      values (${i + 1}, ${r.wanted}, 1, ${asked}, 'test')`.execute(s.app.db);
  }
});
afterAll(() => s?.close());

describe('a machine meant off but hashing', () => {
  it('is the same machines on its page as the reconciler sends the soft off again', async () => {
    const now = s.app.clock.now();
    const resent = await meantOffButHashing(s.app.db, {
      now,
      sentBefore: now,
      inFlightSince: now,
      hashing: HASHING_STATUSES,
    });
    const shown: number[] = [];
    for (const id of ROWS.map((_, i) => i + 1)) {
      const r = await s.call('GET', `/api/fleet/machines/${id}`, { role: 'viewer' });
      if (r.body.power.notAsAsked === 'hashing-while-meant-off') shown.push(id);
    }
    // Meant off, answering and hashing: 3 hashing statuses, failures 0 only.
    expect(shown).toHaveLength(3);
    expect(resent.map((m) => m.id)).toEqual(shown);
  });
});
