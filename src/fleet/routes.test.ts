import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTestSite } from '../mining/test-fixtures.js';
import { modules } from '../modules.js';
import { freshCliEnv, runCli } from '../testing/cli.js';
import { type TestServer, tableCounts, testServer } from '../testing/index.js';
import { fleetDb } from './store.js';

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
    // Every read the OpenAPI document lists with a site parameter: a list written by hand here
    // missed the fleet's summary, which ignored its site.
    const reads = siteFilteredReads((await s.call('GET', '/api/openapi.json', { role: null })).body);
    expect(reads).toContain('/api/fleet/summary');
    expect(reads).toContain('/api/mining/earnings/days?from=2021-01-15&to=2021-01-16&');
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

  it("answers one site's summary with that site's machines only", async () => {
    await addTestSite(s.app, s.app.actor('admin'), 'SUMA');
    await addTestSite(s.app, s.app.actor('admin'), 'SUMB');
    const at = new Date('2021-01-15T00:00:00Z');
    await fleetDb(s.app.db)
      .insertInto('fleet_machines')
      .values(
        (['SUMA', 'SUMA', 'SUMB'] as const).map((site, i) => ({
          id: BigInt(9100 + i),
          serial: `SUM-${i}`,
          site,
          address: `10.9.0.${i + 1}`,
          port: 4028,
          registered_at: at,
          status: 'ok',
          status_since: at,
        })),
      )
      .execute();
    const one = await s.call('GET', '/api/fleet/summary?site=SUMA', { role: 'viewer' });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({ machines: 2, byStatus: { ok: 2 } });
    expect(one.body.sites.map((x: { site: string }) => x.site)).toEqual(['SUMA']);
    const all = await s.call('GET', '/api/fleet/summary', { role: 'viewer' });
    expect(all.body.machines).toBeGreaterThanOrEqual(3);
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
    const commands = await siteFilteredCommands();
    expect(commands).toContainEqual(['fleet', 'summary']);
    expect(commands).toContainEqual(['mining', 'energy', '--from', RANGE.from, '--to', RANGE.to]);
    for (const command of commands) {
      const args = [...command, '--site', 'NOPE'];
      const r = await runCli(args, env);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr, args.join(' ')).toContain('NOPE');
    }
  });
});

/** A day range every dated site filter accepts. */
const RANGE: Record<string, string> = { from: '2021-01-15', to: '2021-01-16' };

/** The path (with its required query filled) of every GET /api operation that takes a `site` query. */
function siteFilteredReads(doc: {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string; required?: boolean }[] }>>;
}): string[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => {
    const params = ops.get?.parameters ?? [];
    if (!params.some((p) => p.in === 'query' && p.name === 'site')) return [];
    const required = params.filter((p) => p.in === 'query' && p.required);
    for (const p of required) if (!(p.name in RANGE)) throw new Error(`no sample for ${path}'s ${p.name}`);
    return [
      required.length === 0 ? path : `${path}?${required.map((p) => `${p.name}=${RANGE[p.name]}&`).join('')}`,
    ];
  });
}

/** Every command whose --site is a filter (optional), from the modules' command trees, with its required options filled. */
async function siteFilteredCommands(): Promise<string[][]> {
  const program = new Command();
  for (const m of modules) if (m.commands) (await m.commands.register())(program);
  const out: string[][] = [];
  const walk = (c: Command, path: string[]) => {
    const site = c.options.find((o) => o.long === '--site');
    if (site && !site.mandatory && !c.registeredArguments.some((a) => a.required)) {
      const required = c.options.filter((o) => o.mandatory).map((o) => o.attributeName());
      for (const name of required)
        if (!(name in RANGE)) throw new Error(`no sample for ${path.join(' ')} --${name}`);
      out.push([...path, ...required.flatMap((name) => [`--${name}`, RANGE[name]!])]);
    }
    for (const sub of c.commands) walk(sub, [...path, sub.name()]);
  };
  walk(program, []);
  return out;
}
