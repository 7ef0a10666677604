import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_DIR } from '../demo/load.js';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';

const csv = readFileSync(join(DATA_DIR, 'market', 'btc_daily.csv'), 'utf8');
const year2021 = [csv.split('\n')[0], ...csv.split('\n').filter((l) => l.startsWith('2021-'))].join('\n');

describe('market data over HTTP', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  it('imports a year of the shipped history and answers the market in force on a day', async () => {
    const r = await s.call('POST', '/api/market/imports', {
      role: 'finance',
      body: { csv: year2021, source: 'Coin Metrics' },
    });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ imported: 365, first: '2021-01-01', last: '2021-12-31' });
    const day = await s.call('GET', '/api/market/days/2021-01-15', { role: 'viewer' });
    expect(day.body.btcUsd).toBe('3671032');
    expect(day.body.hashpriceUsdPerThDay).toBeGreaterThan(0.2);
    expect(day.body.hashpriceUsdPerThDay).toBeLessThan(0.3);
    const after = await s.call('GET', '/api/market/days/2022-03-01', { role: 'viewer' });
    expect(after.body.day).toBe('2021-12-31');
    const before = await s.call('GET', '/api/market/days/2020-06-01', { role: 'viewer' });
    expect(before.status).toBe(409);
    expect(before.body.error.code).toBe('market.no-data');
  });

  it('records a user file with a spot USD/TH column', async () => {
    const text =
      'date,btc_usd,difficulty,fees_per_block_btc,spot_usd_per_th\n2022-01-03,46000.50,24000000000000,0.1,62.50\n';
    const r = await s.call('POST', '/api/market/imports', { role: 'supply', body: { csv: text } });
    expect(r.status).toBe(201);
    const day = await s.call('GET', '/api/market/days/2022-01-05', { role: 'viewer' });
    expect(day.body).toMatchObject({
      day: '2022-01-03',
      btcUsd: '4600050',
      spotUsdPerTh: '6250',
      feesPerBlockSats: '10000000',
    });
  });

  it('refuses a file with any bad row, listing the rows, and imports nothing', async () => {
    const before = await tableCounts(s.app);
    const text =
      'date,btc_usd,difficulty,fees_per_block_btc\n2023-01-01,16000,3e13,0.1\n2023-01-02,-5,3e13,0.1\n2023-02-30,16000,3e13,0.1\n';
    const r = await s.call('POST', '/api/market/imports', { role: 'finance', body: { csv: text } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('market.rows-rejected');
    expect(r.body.error.detail.rejected.map((x: { line: number }) => x.line)).toEqual([3, 4]);
    expect(await tableCounts(s.app)).toEqual(before);
    const noHeader = await s.call('POST', '/api/market/imports', {
      role: 'finance',
      body: { csv: 'a,b\n1,2\n' },
    });
    expect(noHeader.status).toBe(400);
    expect(noHeader.body.error.field).toBe('csv');
    const viewer = await s.call('POST', '/api/market/imports', { role: 'viewer', body: { csv: text } });
    expect(viewer.status).toBe(403);
  });

  it('refuses bad ranges and days naming the field', async () => {
    const r = await s.call('GET', '/api/market/days?from=2021-02-01&to=2021-01-01', { role: 'viewer' });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('from');
    const d = await s.call('GET', '/api/market/days/2021-13-01', { role: 'viewer' });
    expect(d.status).toBe(400);
    expect(d.body.error.field).toBe('day');
    // Year 0 is no year (PostgreSQL refuses it): refused at the boundary, never a 500.
    const zero = await s.call('GET', '/api/market/days/0000-01-01', { role: 'viewer' });
    expect(zero.status).toBe(400);
    expect(zero.body.error).toMatchObject({ field: 'day', message: expect.stringMatching(/from 1900 on/) });
  });
});
