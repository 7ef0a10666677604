import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { freshCliEnv, runCli } from '../testing/cli.js';
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

  it('refuses an unknown site in every site filter as a 400 naming site, a known one answers', async () => {
    const before = await tableCounts(s.app);
    const reads = [
      '/api/fleet/machines',
      '/api/fleet/machines.csv',
      '/api/fleet/hashrate?from=2021-01-15&to=2021-01-16&',
      '/api/fleet/events',
      '/api/alerts',
      // Self-mining's lists name the same sites: one registry, one refusal.
      '/api/mining/machines',
      '/api/mining/deployments',
      '/api/mining/hashrate?from=2021-01-15&to=2021-01-16&',
      '/api/mining/energy?from=2021-01-15&to=2021-01-16&',
      '/api/mining/earnings/days?from=2021-01-15&to=2021-01-16&',
    ];
    const withSite = (path: string, site: string) => `${path}${path.includes('?') ? '' : '?'}site=${site}`;
    for (const path of reads) {
      const r = await s.call('GET', withSite(path, 'NOPE'), { role: 'viewer' });
      expect(r.status, path).toBe(400);
      expect(r.body.error.field, path).toBe('site');
      expect(r.body.error.message, path).toContain('NOPE');
    }
    expect(await tableCounts(s.app)).toEqual(before);
    await addTestSite(s.app, s.app.actor('admin'), 'KNOWN1');
    for (const path of reads.filter((p) => !p.includes('.csv'))) {
      expect((await s.call('GET', withSite(path, 'KNOWN1'), { role: 'viewer' })).status, path).toBe(200);
    }
    expect(await s.text('/api/fleet/machines.csv?site=KNOWN1')).toMatch(/^Machine,Serial/);
  });

  it('lets only ops act on machines', async () => {
    const r = await s.call('POST', '/api/fleet/control', {
      role: 'viewer',
      body: { selector: { all: true }, action: { kind: 'soft-off' } },
    });
    expect(r.status).toBe(403);
  });
});

describe('fleet, alerts and mining commands with a site filter', () => {
  const env = freshCliEnv();
  it('refuse an unknown site with exit code 2 and one line naming it', async () => {
    for (const args of [
      ['fleet', 'machines', '--site', 'NOPE'],
      ['fleet', 'hashrate', '--site', 'NOPE', '--from', '2021-01-15', '--to', '2021-01-16'],
      ['fleet', 'events', '--site', 'NOPE'],
      ['alerts', 'list', '--site', 'NOPE'],
      ['mining', 'machines', '--site', 'NOPE'],
      ['mining', 'hashrate', '--site', 'NOPE', '--from', '2021-01-15', '--to', '2021-01-16'],
    ]) {
      const r = await runCli(args, env);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toContain('NOPE');
    }
  });
});
