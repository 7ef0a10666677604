import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import type { Role } from '../../src/auth/roles.js';
import { type DemoRack, startDemoRack } from '../../src/demo/fleet.js';
import { loadDemo } from '../../src/demo/load.js';
import { miningStatus } from '../../src/mining/targets.js';
import { type DemoSnapshot, type TestServer, testServer } from '../../src/testing/index.js';
import { until } from '../../src/testing/processes.js';
import { ensureDashboardBuilt } from '../../web/build.js';
import { TOKEN_KEY } from '../../web/src/api.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for root in a sandbox with a closed network (see the machine notes): no sandbox, no GPU, no phoning home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `Chromium is not at ${CHROMIUM}: install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH.`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/**
 * One Chromium for every browser file a test worker runs: they run one after another in it (the
 * Vitest configuration's `isolate: false`), and each started its own, a second or more of a run
 * each. Each file still has its own contexts. Playwright ends it when the worker exits.
 */
let shared: Promise<Browser> | undefined;
async function sharedChromium(): Promise<Browser> {
  const browser = await shared?.catch(() => undefined);
  if (browser?.isConnected()) return browser;
  shared = launchChromium(); // none yet, or it crashed or failed to start under an earlier file
  return shared;
}

export const LAPTOP = { width: 1366, height: 860 };
export const PHONE = { width: 390, height: 844 };

export interface Dashboard {
  server: TestServer;
  /** The process's one Chromium, shared with the worker's other browser files: close only what you open in it. */
  browser: Browser;
  url: string;
  /**
   * A new tab (its own sessionStorage) at the given width, signed in with a token of `role` on the
   * page at `at` (the overview unless told: a test that goes straight to a page signs in there rather
   * than loading the overview, whose quarterly report is the API's slowest answer, and then its page).
   */
  signedIn(opts?: { role?: Role; viewport?: { width: number; height: number }; at?: string }): Promise<Page>;
  /**
   * Closes the tabs `signedIn` opened so far: a file's afterEach, since a tab left on a live page
   * (the fleet's, the alerts') goes on asking the server every 5 s through the file's other tests.
   */
  closeTabs(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A real server on a fresh database (PGlite, or PostgreSQL when DATABASE_URL is set), the dashboard
 * built from the sources, and Chromium (the worker's: close() closes only this dashboard's tabs). The database holds the demo company as the snapshot `demo`
 * has it (src/testing/demo-snapshot.ts: loaded through the services once per run, copied here),
 * `'demo@2021-01-15'` unless told; with `demo: false` it is empty and the clock stands at `at`;
 * with `at` and a snapshot, the demo is loaded here up to `at` (the screenshots).
 */
export async function startDashboard(
  opts: { demo?: false | DemoSnapshot; at?: string } = {},
): Promise<Dashboard> {
  await ensureDashboardBuilt({ quiet: true });
  const demo = opts.demo ?? 'demo@2021-01-15';
  const server = await testServer(demo && !opts.at ? { demo } : {});
  if (opts.at) server.app.clock.set(opts.at);
  if (demo && opts.at) await loadDemo(server.app, server.app.actor('admin'));
  const browser = await sharedChromium();
  const contexts: BrowserContext[] = [];
  const closeTabs = async () => {
    for (const c of contexts.splice(0)) await c.close();
  };
  let formUsed = false;
  return {
    server,
    browser,
    url: server.url,
    async signedIn({ role = 'admin', viewport = LAPTOP, at = '/' } = {}) {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      // Fail a step within the test's own time, naming the step, rather than time the test out.
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      const token = await server.token(role);
      // The file's first tab signs in through the form; the others start with the token in their
      // sessionStorage, as the form leaves it, and skip the form's own check of it with the API.
      if (formUsed) await context.addInitScript(seedToken, { origin: server.url, key: TOKEN_KEY, token });
      const page = await context.newPage();
      await page.goto(`${server.url}${at}`);
      if (!formUsed) {
        await page.getByLabel('Token').fill(token);
        await page.getByRole('button', { name: 'Sign in' }).click();
        formUsed = true;
      }
      // Signing in waits for the first API answers, which a busy machine (a suite beside it) slows most.
      await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 60_000 });
      return page;
    },
    closeTabs,
    async close() {
      await closeTabs();
      await server.close();
    },
  };
}

/**
 * Puts the token in a new tab's sessionStorage before the dashboard's scripts run (a Playwright
 * init script, so run in the page): once only, so that a test's sign-out or reload stays its own.
 */
function seedToken({ origin, key, token }: { origin: string; key: string; token: string }): void {
  if (location.origin !== origin || sessionStorage.getItem('e2e.seeded')) return;
  sessionStorage.setItem('e2e.seeded', '1');
  sessionStorage.setItem(key, token);
}

/**
 * A dashboard on a copy of the run's demo company with today's date on the server's clock, as the
 * operations file has it from its simulated site's polls: the sales and overview files' paths were
 * written in one file with it. The caller names the snapshot (the run's sequencer finds it in the
 * file and makes it meanwhile), and its setup allows minutes to wait for it.
 */
export async function startDemoDashboardToday(demo: DemoSnapshot): Promise<Dashboard> {
  const d = await startDashboard({ demo });
  d.server.app.clock.set(new Date().toISOString());
  return d;
}

/** A table's header and body rows as text, read at one instant (a live page re-renders between two reads). */
export const tableText = (table: Locator): Promise<{ head: string[]; rows: string[][] }> =>
  table.evaluate((t) => ({
    head: Array.from(t.querySelectorAll('thead th'), (c) => c.textContent ?? ''),
    rows: Array.from(t.querySelectorAll('tbody tr, tfoot tr'), (r) =>
      Array.from(r.querySelectorAll('td'), (c) => c.textContent ?? ''),
    ),
  }));

/** The TH/s a cell of a hashrate column reads, in the unit its header names (`Measured (PH/s)`). */
export function cellThs(
  table: { head: string[]; rows: string[][] },
  row: RegExp,
  column: string,
): number | null {
  const i = table.head.findIndex((h) => h.startsWith(column));
  const unit = /\((TH|PH|EH)\/s\)/.exec(table.head[i] ?? '')?.[1] as 'TH' | 'PH' | 'EH' | undefined;
  const cell = table.rows.find((r) => row.test(r[0] ?? ''))?.[i];
  if (!unit || cell === undefined) throw new Error(`no ${column} hashrate column or no row ${row}`);
  const n = /^-?[\d,.]+$/.test(cell) ? Number(cell.replaceAll(',', '')) : null;
  return n === null ? null : n * { TH: 1, PH: 1e3, EH: 1e6 }[unit];
}

/**
 * Six of the demo's simulated rack on `base`, returned once self-mining reads LAB measured (the
 * rack's first sweep starts at once): what the self-mining page's tests draw.
 */
export async function startMeasuredDemoRack(server: TestServer, base: string): Promise<DemoRack> {
  const app = server.app;
  const rack = await startDemoRack(app, app.actor('admin'), { count: 6, base });
  try {
    await until('LAB measured', 30_000, async () => {
      const lab = (await miningStatus(app)).sites.find((s) => s.site === 'LAB');
      return lab?.measuredThs ?? undefined;
    });
    return rack;
  } catch (error) {
    await rack.stop();
    throw error;
  }
}
