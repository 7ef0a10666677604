/**
 * The dashboard in Chromium, timed by the browser itself (performance.now), on the demo company:
 * 1. the overview after sign-in: from the click on "Sign in" to the overview with every section
 *    loaded and its charts drawn. Target: ≤ 1,500 ms.
 * 2. every page opened by its address in a signed-in tab, from the start of the navigation to every
 *    panel loaded and drawn, beside a blank page (a tiny file of the same server) opened the same
 *    way: median and worst per page. Target ≤ 1,000 ms median on a quiet machine. And the
 *    JavaScript the first page (the overview) loads, gzipped. Target ≤ 300 KB.
 * 3. the fleet's machines table with 50,000 registered machines (simulated miners in their own
 *    processes, scanned in): the first page, then paging on, filtered, sorted and searched, each page
 *    fetched alone from the API (which sorts and searches the whole fleet), never the whole fleet.
 *
 *   npx tsx bench/dashboard/run.ts [--dashboard-runs 5] [--dashboard-machines 50000]  (0 skips part 2)
 */

import { type ChildProcess, fork } from 'node:child_process';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { newMinerClient } from '../../src/app/root.js';
import { loadDemo } from '../../src/demo/load.js';
import { scanRange } from '../../src/fleet/discovery.js';
import { ipToNumber, numberToIp } from '../../src/fleet/model.js';
import { readFleetSettings } from '../../src/fleet/settings.js';
import { sweepFleet } from '../../src/fleet/sweep.js';
import { addTestSite } from '../../src/mining/test-fixtures.js';
import { type Json, type TestServer, testServer } from '../../src/testing/index.js';
import { LAPTOP, launchChromium } from '../../test/e2e/harness.js';
import { ensureDashboardBuilt } from '../../web/build.js';

const TARGET_MS = 1500;
const PAGES = 10;
// The dashboard's own loopback range (127.171/16); the browser test's simulated site is at 127.171.250.
const BASE = '127.171.0.1';
const SIMULATOR = fileURLToPath(new URL('../../src/fleet/protocol/simulator-main.ts', import.meta.url));

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const n = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${args[i + 1]}`);
  return n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${Math.round(x)} ms`;

async function signIn(
  browser: Browser,
  url: string,
  token: string,
): Promise<{ page: Page; close: () => Promise<void> }> {
  // A new context each time: empty sessionStorage and HTTP cache, as a new visitor.
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  await page.goto(`${url}/`);
  await page.getByLabel('Token').fill(token);
  await page.evaluate(() => {
    document.querySelector('form')?.addEventListener('submit', () => {
      (window as unknown as { __mark: number }).__mark = performance.now();
    });
  });
  return { page, close: () => context.close() };
}

/** Waits, polling every frame, until main has loaded everything (and drawn its charts); ms since the mark. */
async function settled(page: Page, heading: string): Promise<number> {
  const handle = await page.waitForFunction(
    (h) => {
      const main = document.querySelector('main#main');
      const ready =
        main?.querySelector('h1')?.textContent?.includes(h) &&
        main.querySelectorAll('[aria-busy="true"]').length === 0 &&
        main.querySelectorAll('.card').length > 0 &&
        Array.from(main.querySelectorAll('.chart')).every((c) => c.querySelector('.recharts-surface'));
      const at = (window as unknown as { __mark?: number }).__mark;
      return ready && at !== undefined ? performance.now() - at : false;
    },
    heading,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** The time, after the mark, at which the last /api answer arrived. */
const apiDone = (page: Page) =>
  page.evaluate(() => {
    const at = (window as unknown as { __mark: number }).__mark;
    const ends = performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/api/') && e.startTime >= at)
      .map((e) => (e as PerformanceResourceTiming).responseEnd);
    return Math.max(0, ...ends) - at;
  });

async function overview(browser: Browser, server: TestServer, runs: number): Promise<string[]> {
  const token = await server.token('viewer');
  const totals: number[] = [];
  const apis: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { page, close } = await signIn(browser, server.url, token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    totals.push(Math.round(await settled(page, 'overview')));
    apis.push(Math.round(await apiDone(page)));
    await close();
  }
  const worst = Math.max(...totals);
  return [
    `overview after sign-in (demo company, 2020Q4, laptop width): runs ${totals.join(', ')} ms`,
    `  of which waiting for the API (last answer in): ${apis.join(', ')} ms`,
    `  median ${median(totals)} ms, worst ${worst} ms; target ≤ ${TARGET_MS} ms: ${worst <= TARGET_MS ? 'met' : 'NOT met'}`,
  ];
}

const PAGE_TARGET_MS = 1000;
const JS_TARGET_KB = 300;

/** From the start of the navigation to the page with every panel loaded and its charts drawn. */
async function openedIn(page: Page, path: string, url: string, blank: boolean): Promise<number> {
  await page.goto(`${url}${path}`);
  if (blank) return page.evaluate(() => performance.now());
  const handle = await page.waitForFunction(
    () => {
      const main = document.querySelector('main#main');
      const ready =
        main?.querySelector('h1, h2') &&
        main.querySelectorAll('[aria-busy="true"]').length === 0 &&
        Array.from(main.querySelectorAll('.chart')).every((c) => c.querySelector('.recharts-surface'));
      return ready ? performance.now() : false;
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** Every page of the dashboard's menu, and the pages under them (a contract, a machine, a scenario). */
async function pagesToOpen(server: TestServer): Promise<(readonly [string, string])[]> {
  const first = async (path: string, list: (body: Json) => { id: number }[]) =>
    list((await server.call('GET', path)).body)[0]?.id;
  const contract = await first('/api/sales/contracts?sort=-signedOn&limit=1', (b) => b.contracts);
  const machine = await first('/api/fleet/machines?limit=1', (b) => b.machines);
  const scenario = await first('/api/planning/scenarios', (b) => b);
  return [
    ['blank page (same server)', '/bench-blank.txt'],
    ['overview', '/'],
    ['order book', '/orders'],
    ['contract', `/orders/${contract ?? 1}`],
    ['new contract', '/orders/new'],
    ['supply', '/supply'],
    ['fleet', '/fleet'],
    ...(machine ? ([['machine', `/fleet/machines/${machine}`]] as const) : []),
    ['alerts', '/alerts'],
    ['self-mining', '/mining'],
    ['service', '/service'],
    ['planning', '/planning'],
    ...(scenario ? ([['planning scenario', `/planning/${scenario}`]] as const) : []),
    ['reports', '/reports'],
    ['books', '/books'],
  ];
}

async function everyPage(browser: Browser, server: TestServer, runs: number): Promise<string[]> {
  const pages = await pagesToOpen(server);
  // Admin: every page shows all it has (a viewer is shown which role may act, not the forms).
  const { page, close } = await signIn(browser, server.url, await server.token('admin'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await settled(page, 'overview');
  const lines: string[] = [];
  try {
    for (const [name, path] of pages) {
      const times: number[] = [];
      for (let i = 0; i < runs; i++)
        times.push(await openedIn(page, path, server.url, path.endsWith('.txt')));
      const m = median(times);
      lines.push(
        `  ${name.padEnd(26)} median ${ms(m).padStart(8)}, worst ${ms(Math.max(...times)).padStart(8)}${path.endsWith('.txt') ? '' : `; target ≤ ${PAGE_TARGET_MS} ms: ${m <= PAGE_TARGET_MS ? 'met' : 'NOT met'}`}`,
      );
    }
  } finally {
    await close();
  }
  return [
    `every page opened by its address after sign-in (admin, laptop width, ${runs} runs each):`,
    ...lines,
  ];
}

/** The JavaScript a new visitor's first page (sign-in, then the overview) loads, gzipped. */
async function firstPageJs(browser: Browser, server: TestServer): Promise<string[]> {
  const { page, close } = await signIn(browser, server.url, await server.token('viewer'));
  const files = new Map<string, number>();
  page.on('response', async (r) => {
    if (r.url().endsWith('.js')) files.set(r.url().split('/').pop()!, gzipSync(await r.body()).length);
  });
  await page.reload();
  await page.getByLabel('Token').fill(await server.token('viewer'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForFunction(() => document.querySelector('main h1')?.textContent?.includes('overview'));
  await page.waitForLoadState('networkidle');
  await close();
  const kb = [...files.values()].reduce((a, b) => a + b, 0) / 1024;
  return [
    `JavaScript of the first page, gzipped: ${kb.toFixed(1)} KB in ${files.size} files (${[...files.entries()].map(([f, b]) => `${f} ${(b / 1024).toFixed(1)}`).join(', ')}); target ≤ ${JS_TARGET_KB} KB: ${kb <= JS_TARGET_KB ? 'met' : 'NOT met'}`,
  ];
}

function startSimulator(count: number): Promise<ChildProcess> {
  const tsx = process.execArgv.some((a) => a.includes('tsx'))
    ? process.execArgv
    : ['--import', import.meta.resolve('tsx')];
  const child = fork(
    SIMULATOR,
    ['--count', String(count), '--base', BASE, '--fault-rate', '0.02', '--seed', 'dashboard', '--json'],
    {
      execArgv: tsx,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('{')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}): ${err.slice(-2000)}`)));
  });
}

async function machinesTable(browser: Browser, server: TestServer, count: number): Promise<string[]> {
  const simulator = await startSimulator(count);
  try {
    const client = newMinerClient({ ...readFleetSettings(process.env), concurrency: 2000 });
    const actor = server.app.actor('ops');
    await addTestSite(server.app, actor, 'PAGING');
    const t0 = performance.now();
    const scan = await scanRange(
      server.app,
      actor,
      {
        range: `${BASE}-${numberToIp(ipToNumber(BASE) + count - 1)}`,
        site: 'PAGING',
        port: 4028,
        concurrency: 2000,
      },
      { client },
    );
    await sweepFleet(server.app, actor, { client, concurrency: 2000 });
    const registered = scan.registered.length;
    process.stderr.write(`${registered} machines scanned in and swept in ${ms(performance.now() - t0)}\n`);

    const { page, close } = await signIn(browser, server.url, await server.token('viewer'));
    const responses: number[] = [];
    page.on('response', async (r) => {
      if (r.url().includes('/api/fleet/machines?')) responses.push((await r.body()).length);
    });
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The overview's requests finish first, so that the fleet page does not queue behind them.
    await settled(page, 'overview');
    const rowsShown = () => page.locator('#machines tbody tr').count();
    const mark = () =>
      page.evaluate(() => ((window as unknown as { __mark: number }).__mark = performance.now()));
    // The table's page `n` has arrived: the pager counts from its first row and nothing is fetching.
    const pageShown = async (n: number) => {
      const handle = await page.waitForFunction(
        (want) => {
          const table = document.querySelector('#machines .data-table');
          const text = table?.querySelector('nav.pager .muted')?.textContent ?? '';
          const size = Number((table?.querySelector('nav.pager select') as HTMLSelectElement | null)?.value);
          const done =
            text.startsWith(`${((want - 1) * size + 1).toLocaleString('en-US')}–`) &&
            table?.getAttribute('aria-busy') !== 'true';
          const at = (window as unknown as { __mark: number }).__mark;
          return done ? performance.now() - at : false;
        },
        n,
        { polling: 'raf', timeout: 60_000 },
      );
      return (await handle.jsonValue()) as number;
    };
    const timed = async (act: () => Promise<unknown>, n: number) => {
      await mark();
      await act();
      return pageShown(n);
    };

    const first = await timed(() => page.getByRole('link', { name: 'Fleet' }).click(), 1);
    const pager = page.getByRole('navigation', { name: 'Pages of machines' });
    const next: number[] = [];
    for (let i = 2; i <= PAGES + 1; i++)
      next.push(await timed(() => pager.getByRole('button', { name: 'Next' }).click(), i));
    const maxRows = await rowsShown();
    const filtered = await timed(() => page.getByLabel('Status', { exact: true }).selectOption('ok'), 1);
    // The API sorts the whole fleet: the largest hashrate first, then the next page of that order.
    const sorted = await timed(() => page.getByRole('button', { name: /^Hashrate/ }).click(), 1);
    const sortedNext = await timed(() => pager.getByRole('button', { name: 'Next' }).click(), 2);
    const search = page.getByLabel('Search');
    const searched = await timed(async () => {
      await search.fill('127.171.1');
      await search.press('Enter');
    }, 1);
    await close();
    const kb = (b: number) => `${(b / 1024).toFixed(1)} KB`;
    return [
      `machines table with ${registered.toLocaleString('en-US')} machines registered: first page (fleet page opened) ${ms(first)}, next ${PAGES} pages median ${ms(median(next))} (worst ${ms(Math.max(...next))}), status filter ${ms(filtered)}, sorted by hashrate ${ms(sorted)} and its next page ${ms(sortedNext)}, a search ${ms(searched)}`,
      `  ${responses.length} page requests, largest ${kb(Math.max(...responses))}, all together ${kb(responses.reduce((a, b) => a + b, 0))}; ${maxRows} rows in the table at a time`,
    ];
  } finally {
    simulator.kill('SIGTERM');
  }
}

export async function main(args: string[]): Promise<void> {
  const runs = option(args, 'dashboard-runs', 5);
  const machines = option(args, 'dashboard-machines', 50_000);
  const t0 = performance.now();
  await ensureDashboardBuilt({ quiet: true });
  const server = await testServer();
  await loadDemo(server.app, server.app.actor('admin'));
  process.stderr.write(`demo company loaded and dashboard built in ${ms(performance.now() - t0)}\n`);
  const browser = await launchChromium();
  const lines: string[] = [];
  try {
    lines.push(...(await overview(browser, server, runs)));
    lines.push(...(await everyPage(browser, server, runs)));
    lines.push(...(await firstPageJs(browser, server)));
    if (machines > 0) lines.push(...(await machinesTable(browser, server, machines)));
  } finally {
    await browser.close();
    await server.close();
  }
  const load = os.loadavg().map((x) => x.toFixed(1));
  lines.push(
    `load average at the end: ${load.join(', ')} on ${os.cpus().length} cores (other work on the machine slows every figure)`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
