/**
 * /metrics as Prometheus itself sees it: the text passes `promtool check metrics`, and Debian's real
 * `prometheus` (apt-get install prometheus; .ci/run installs it) scrapes a running HashForge on
 * loopback and answers a fleet figure through its HTTP query API. Skipped, saying so, only where
 * the binaries are absent.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../fleet/protocol/simulator.js';
import { simulatedSite } from '../fleet/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../testing/index.js';

const has = (bin: string) => spawnSync(bin, ['--version']).status === 0;
const PROMETHEUS = has('prometheus');
const PROMTOOL = has('promtool');
if (!PROMETHEUS || !PROMTOOL) {
  console.warn(
    "SKIPPED: the Prometheus tests need Debian's prometheus and promtool (apt-get install -y prometheus); they are not installed here.",
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('GET /metrics', () => {
  let s: TestServer;
  let sim: Simulator;

  beforeAll(async () => {
    s = await testServer();
    sim = (await simulatedSite(s, { site: 'PROM', count: 4, base: '127.142.0.1', seed: 'metrics' }))
      .simulator;
  });
  afterAll(async () => {
    await sim.stop();
    await s.close();
  });

  const scrape = async (query = '') => {
    const res = await fetch(`${s.url}/metrics${query}`);
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  };
  const siteThs = async () =>
    (await s.call('GET', '/api/fleet/summary', { role: 'viewer' })).body.sites.find(
      (x: Json) => x.site === 'PROM',
    ).measuredThs as number;

  it('shows the site’s hashrate, machines by status, the poller’s figures and Node’s, never an address', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain; version=0\.0\.4/);
    const line = text
      .split('\n')
      .find((l) => l.startsWith('hashforge_fleet_hashrate_hashes_per_second{site="PROM"'));
    expect(line, text).toBeDefined();
    expect(Number(line!.split(' ').at(-1)) / 1e12).toBeCloseTo(await siteThs(), 3);
    expect(text).toMatch(/hashforge_fleet_machines\{site="PROM",model="[^"]+",status="ok"\} 4/);
    expect(text).toMatch(/hashforge_fleet_polls_total\{result="answered"\} 4/);
    expect(text).toMatch(/hashforge_fleet_sweeps_total\{outcome="done"\} 1/);
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
    expect(text).not.toContain('127.142.');
    expect(text).not.toMatch(/^hashforge_machine_/m);
  });

  it('adds per-machine series only for the serials asked for, and refuses too many', async () => {
    const serial = sim.miners[1]!.dna;
    const { text } = await scrape(`?machines=${serial}`);
    const mine = text.split('\n').filter((l) => l.startsWith('hashforge_machine_'));
    expect(mine.length).toBeGreaterThanOrEqual(2);
    expect(mine.every((l) => l.includes(`serial="${serial}"`))).toBe(true);
    const many = await scrape(`?machines=${Array.from({ length: 51 }, (_, i) => `S${i}`).join(',')}`);
    expect(many.status).toBe(400);
    expect(JSON.parse(many.text).error.field).toBe('machines');
  });

  it('has every metric the Grafana dashboard in docs/ queries', async () => {
    const { text } = await scrape(`?machines=${sim.miners[0]!.dna}`);
    const dashboard = readFileSync(join(import.meta.dirname, '../../docs/grafana-fleet.json'), 'utf8');
    const used = new Set(dashboard.match(/\b(hashforge|process|nodejs)_[a-z0-9_]+/g));
    expect(used.size).toBeGreaterThan(8);
    for (const name of used) expect(text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
    expect(text).toMatch(/^hashforge_site_installed_hashrate_hashes_per_second\{site="PROM"\} 0$/m);
  });

  it.skipIf(!PROMTOOL)('passes promtool check metrics', async () => {
    const { text } = await scrape(`?machines=${sim.miners[0]!.dna}`);
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(check.status, `${check.stdout}${check.stderr}`).toBe(0);
  });

  it.skipIf(!PROMETHEUS)(
    'is scraped by a real Prometheus, which answers the site’s hashrate through its query API',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'hashforge-prometheus-'));
      writeFileSync(
        join(dir, 'prometheus.yml'),
        [
          'global:',
          '  scrape_interval: 1s',
          'scrape_configs:',
          '  - job_name: hashforge',
          '    metrics_path: /metrics',
          '    static_configs:',
          `      - targets: ['${new URL(s.url).host}']`,
        ].join('\n'),
      );
      const port = await freePort();
      const api = `http://127.0.0.1:${port}`;
      const prometheus: ChildProcess = spawn(
        'prometheus',
        [
          `--config.file=${join(dir, 'prometheus.yml')}`,
          `--storage.tsdb.path=${join(dir, 'data')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      try {
        const query = encodeURIComponent('sum(hashforge_fleet_hashrate_hashes_per_second{site="PROM"})');
        let value: number | undefined;
        // Prometheus starts, scrapes every second; wait for the first sample (bounded, no fixed sleep).
        for (let i = 0; i < 120 && value === undefined; i++) {
          try {
            const body = (await (await fetch(`${api}/api/v1/query?query=${query}`)).json()) as Json;
            const result = body?.data?.result?.[0];
            if (result) value = Number(result.value[1]);
          } catch {
            // not listening yet
          }
          if (value === undefined) await new Promise((r) => setTimeout(r, 250));
        }
        expect(value, 'Prometheus never had a sample of the site’s hashrate').toBeDefined();
        expect(value! / 1e12).toBeCloseTo(await siteThs(), 3);
        const up = (await (await fetch(`${api}/api/v1/query?query=up`)).json()) as Json;
        expect(up.data.result[0].value[1]).toBe('1');
      } finally {
        const exited = new Promise((resolve) => prometheus.once('exit', resolve));
        prometheus.kill('SIGTERM');
        await exited;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    60_000,
  );
});
