/** The machine list sorted, searched, paged by offset and exported as CSV, through the HTTP API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { type TestServer, testServer } from '../testing/index.js';
import { fleetDb, insertMachines } from './store.js';

let s: TestServer;
// Six machines at two sites; the last was never seen (no hashrate), the one with `_` in its model
// tells a search for `_` from any one character.
const MACHINES = [
  { id: 1, serial: 'SN-0001', model: '1246-83', site: 'SG1', ths: 90 },
  { id: 2, serial: 'SN-0002', model: '1246-83', site: 'NA1', ths: 110.5 },
  { id: 3, serial: 'SN-0003', model: '1366_87', site: 'SG1', ths: 70 },
  { id: 4, serial: 'SN-1004', model: '1246-83', site: 'NA1', ths: 0 },
  { id: 5, serial: 'SN-1005', model: '1366x87', site: 'SG1', ths: 120 },
  { id: 6, serial: 'SN-1006', model: '1246-83', site: 'NA1', ths: null },
];
beforeAll(async () => {
  s = await testServer();
  const at = s.app.clock.now();
  for (const site of ['SG1', 'NA1']) await addTestSite(s.app, s.app.actor('admin'), site);
  // The registry's and the poller's projections, straight in: this test is about reading them.
  await insertMachines(
    s.app.db,
    MACHINES.map((m) => ({ ...m, address: `10.0.0.${m.id}`, port: 4028, mac: `aa:bb:cc:00:00:0${m.id}` })),
    at,
  );
  await fleetDb(s.app.db)
    .insertInto('fleet_machine_state')
    .values(
      MACHINES.filter((m) => m.ths !== null).map((m) => ({
        machine_id: BigInt(m.id),
        last_polled_at: at,
        last_seen_at: at,
        consecutive_failures: 0,
        hashrate_ths: m.ths,
      })),
    )
    .execute();
});
afterAll(() => s?.close());

const list = async (q: string) => (await s.call('GET', `/api/fleet/machines?${q}`, { role: 'viewer' })).body;
const ids = async (q: string) => (await list(q)).machines.map((m: { id: number }) => m.id);

describe('the machine list', () => {
  it('sorts by a column either way, ties by id, machines never seen last', async () => {
    expect(await ids('sort=-hashrate')).toEqual([5, 2, 1, 3, 4, 6]);
    expect(await ids('sort=hashrate')).toEqual([4, 3, 1, 2, 5, 6]);
    expect(await ids('sort=site')).toEqual([2, 4, 6, 1, 3, 5]);
    expect(await ids('sort=-serial')).toEqual([6, 5, 4, 3, 2, 1]);
    const wrong = await s.call('GET', '/api/fleet/machines?sort=size', { role: 'viewer' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.field).toBe('sort');
  });

  it('pages a sorted list by offset with the total, and refuses a cursor with a sort', async () => {
    const second = await list('sort=-hashrate&limit=2&offset=2');
    expect(second.machines.map((m: { id: number }) => m.id)).toEqual([1, 3]);
    expect(second).toMatchObject({ total: 6, nextCursor: null });
    // In id order the cursor still walks the list.
    expect(await list('limit=4')).toMatchObject({ nextCursor: 4, total: 6 });
    expect(await ids('cursor=4')).toEqual([5, 6]);
    const mixed = await s.call('GET', '/api/fleet/machines?sort=-hashrate&cursor=2', { role: 'viewer' });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.field).toBe('cursor');
  });

  it('finds machines by a piece of serial, address, MAC or model, with the filters', async () => {
    expect(await ids('search=sn-100')).toEqual([4, 5, 6]);
    expect(await ids('search=10.0.0.3')).toEqual([3]);
    expect(await ids('search=00:05')).toEqual([5]);
    expect(await ids('search=1366_')).toEqual([3]);
    expect(await list('search=sn-100&site=NA1')).toMatchObject({ total: 2 });
  });

  it('exports every matching machine as CSV in the asked order, streamed', async () => {
    const res = await fetch(`${s.url}/api/fleet/machines.csv?site=SG1&sort=-hashrate`, {
      headers: { authorization: `Bearer ${await s.token('viewer')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe(
      'Machine,Serial,Model,Site,Address,Port,Status,Hashrate (TH/s),Why,Last seen,MAC,DNA',
    );
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 8).join(','))).toEqual([
      '5,SN-1005,1366x87,SG1,10.0.0.5,4028,new,120',
      '1,SN-0001,1246-83,SG1,10.0.0.1,4028,new,90',
      '3,SN-0003,1366_87,SG1,10.0.0.3,4028,new,70',
    ]);
    const refused = await s.call('GET', '/api/fleet/machines.csv?status=melting', { role: 'viewer' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.field).toBe('status');
  });

  it('shows an offline machine’s hashrate as the totals count it (0), beside its status, sorted so', async () => {
    // Machine 2 stops answering: its last good 110.5 TH/s is history, not what it hashes.
    await fleetDb(s.app.db)
      .updateTable('fleet_machines')
      .set({ status: 'offline' })
      .where('id', '=', 2n)
      .execute();
    const na1 = (await list('site=NA1')).machines as {
      id: number;
      status: string;
      hashrateThs: number | null;
    }[];
    expect(na1.find((m) => m.id === 2)).toMatchObject({ status: 'offline', hashrateThs: 0 });
    const summary = (await s.call('GET', '/api/fleet/summary', { role: 'viewer' })).body;
    const listed = na1.reduce((sum, m) => sum + (m.hashrateThs ?? 0), 0);
    expect(summary.sites.find((x: { site: string }) => x.site === 'NA1').measuredThs).toBe(listed);
    expect(await ids('sort=-hashrate')).toEqual([5, 1, 3, 4, 2, 6]);
  });
});
