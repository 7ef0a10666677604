import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';

describe('fleet API input', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await testServer();
  });
  afterAll(async () => s.close());

  it('answers an empty fleet', async () => {
    const summary = await s.call('GET', '/api/fleet/summary', { role: 'viewer' });
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({ machines: 0, measuredThs: 0, sites: [], lastSweep: null });
    const page = await s.call('GET', '/api/fleet/machines?limit=10', { role: 'viewer' });
    expect(page.body).toEqual({ machines: [], nextCursor: null, total: 0 });
  });

  it('refuses bad input with a 4xx naming the field, writing nothing', async () => {
    const before = await tableCounts(s.app);
    const cases: [string, string, unknown, number, string][] = [
      ['POST', '/api/fleet/scans', { range: '10.0.0.0/8', site: 'SG1' }, 400, 'range'],
      ['POST', '/api/fleet/scans', { range: '10.0.0.0/24', site: 'S G' }, 400, 'site'],
      ['POST', '/api/fleet/scans', { range: '10.0.0.0/24', site: 'SG1', port: 70000 }, 400, 'port'],
      ['POST', '/api/fleet/control', { selector: {}, action: { kind: 'soft-off' } }, 400, 'selector'],
      [
        'POST',
        '/api/fleet/control',
        { selector: { site: 'SG1' }, action: { kind: 'melt' } },
        400,
        'action.kind',
      ],
      [
        'POST',
        '/api/fleet/control',
        // No site is registered here: said as an unknown site, not as a site with no machine.
        { selector: { site: 'SG1' }, action: { kind: 'soft-off' } },
        400,
        'selector.site',
      ],
      [
        'POST',
        '/api/fleet/control',
        { selector: { status: 'board-down' }, action: { kind: 'soft-off' } },
        400,
        'selector',
      ],
      [
        'POST',
        '/api/fleet/control',
        { selector: { machines: [7] }, action: { kind: 'reboot' } },
        400,
        'selector.machines',
      ],
      [
        'POST',
        '/api/fleet/control',
        { selector: { machines: [0] }, action: { kind: 'reboot' } },
        400,
        'selector.machines.0',
      ],
    ];
    for (const [method, path, body, status, field] of cases) {
      const r = await s.call(method, path, { body, role: 'ops' });
      expect(r.status, `${path} ${JSON.stringify(body)}`).toBe(status);
      expect(r.body.error.field, `${path} ${JSON.stringify(body)}`).toBe(field);
    }
    const reads: [string, string][] = [
      ['/api/fleet/machines?status=melting', 'status'],
      ['/api/fleet/machines?limit=5000', 'limit'],
      ['/api/fleet/hashrate?from=yesterday&to=2021-01-15', 'from'],
      ['/api/fleet/hashrate?from=2021-01-16&to=2021-01-15', 'from'],
      ['/api/fleet/machines/abc', 'id'],
    ];
    for (const [path, field] of reads) {
      const r = await s.call('GET', path, { role: 'viewer' });
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe(field);
    }
    expect((await s.call('GET', '/api/fleet/machines/99', { role: 'viewer' })).status).toBe(404);
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('lets only ops act on machines', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'viewer',
      body: { selector: { all: true }, action: { kind: 'soft-off' } },
    });
    expect(r.status).toBe(403);
  });
});
