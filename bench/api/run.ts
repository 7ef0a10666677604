/**
 * Every GET of the API on the demo company, with the dashboard's own parameters (the quarter
 * pickers' 2019Q1..2022Q2, their first and last days and months, the list pages' page sizes, ids
 * from the demo's own records), each called --runs times one after the other. Meanwhile a worker
 * thread pings /healthz every 20 ms and keeps its worst answer time, and the server — its own
 * process (server.ts) — watches its event loop (monitorEventLoopDelay, 1 ms resolution).
 * Targets: every route ≤ 200 ms p95; no event-loop block over 100 ms; /healthz never waits behind
 * a request (worst ≤ 100 ms).
 *
 *   npx tsx bench/api/run.ts [--runs 14] [--only /api/mining] [--data-dir /tmp/bench-api-demo]
 *                            [--timeout 60000] [--rack-base 127.201.0.1]
 *
 * --data-dir keeps the loaded demo between runs (the first run loads it, ~20 s); without it the
 * demo is loaded into memory each time. --rack-base moves the demo's simulated rack off its own
 * loopback block when something else (an `npm start`) holds it.
 * When the demo has no saved scenario or no alert, the bench makes one first (see scenarioIds and
 * alertIds), so that every GET is measured.
 */
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import {
  addMonths,
  addQuarters,
  firstDayOfQuarter,
  lastDayOfQuarter,
  quarterMonths,
} from '../../src/kernel/calendar.js';
import { baseline } from '../baseline.js';
import type { LoopReading, ParentMessage, ServerReady } from './server.js';

const ROUTE_P95_MS = 200;
const LOOP_BLOCK_MS = 100;
const HEALTHZ_MS = 100;
const SERVER = fileURLToPath(new URL('./server.ts', import.meta.url));

/** The quarters the dashboard's pickers offer that the demo's books cover. */
const QUARTERS = Array.from({ length: 14 }, (_, i) => addQuarters('2019Q1', i));

interface Ids {
  products: string[];
  contracts: string[];
  sites: string[];
  fleetMachines: string[];
  alerts: string[];
  payments: string[];
  scenarios: string[];
  serials: string[];
  tickets: string[];
  serviceCustomers: string[];
}

/** One way the dashboard (or a user) calls a route: a URL for the i-th run and the status it expects. */
interface Variant {
  label: string;
  url: (i: number) => string;
  status?: number;
}

const q = (i: number) => QUARTERS[i % QUARTERS.length]!;
const qs = (params: Record<string, string | number>) =>
  `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
const pick = (xs: string[], i: number) => xs[i % xs.length];
const quarterDays = (i: number) => ({ from: firstDayOfQuarter(q(i)), to: lastDayOfQuarter(q(i)) });
const quarterMonthRange = (i: number) => {
  const [m1, , m3] = quarterMonths(q(i));
  return { from: m1, to: m3 };
};
const lastDay = (i: number) => lastDayOfQuarter(q(i));

/**
 * The parameters by route (the OpenAPI path). A route not named here is called bare; one that
 * needs parameters and is not named here is reported as not covered.
 */
function variantsOf(ids: Ids): Record<string, Variant[] | ((path: string) => Variant[])> {
  const byId = (list: string[]) => (path: string) =>
    list.length === 0
      ? []
      : [
          {
            label: 'each id',
            url: (i: number) => path.replace(/\{\w+\}/, encodeURIComponent(pick(list, i)!)),
          },
        ];
  const byQuarter =
    (extra = '') =>
    (path: string) => [
      { label: 'quarter', url: (i: number) => `${path.replace('{quarter}', q(i))}${extra}` },
    ];
  return {
    '/api/audit': [{ label: 'first page', url: () => '/api/audit?limit=50' }],
    '/api/catalog/products/{id}': byId(ids.products),
    '/api/market/days/{day}': [{ label: 'quarter end', url: (i) => `/api/market/days/${lastDay(i)}` }],
    '/api/market/days': [{ label: 'quarter', url: (i) => `/api/market/days${qs(quarterDays(i))}` }],
    '/api/fleet/machines': [
      { label: 'first page', url: () => '/api/fleet/machines?limit=50' },
      { label: 'status ok', url: () => '/api/fleet/machines?status=ok&limit=50' },
    ],
    '/api/fleet/machines/{id}': byId(ids.fleetMachines),
    '/api/fleet/hashrate': [
      {
        label: 'last hour',
        url: () => {
          const to = new Date();
          return `/api/fleet/hashrate${qs({ from: new Date(to.getTime() - 3_600_000).toISOString(), to: to.toISOString() })}`;
        },
      },
    ],
    '/api/fleet/events': [{ label: 'first page', url: () => '/api/fleet/events?limit=50' }],
    '/api/supply/plan': [
      {
        label: '12 months',
        url: (i) =>
          `/api/supply/plan${qs({ from: quarterMonthRange(i).from, to: addMonths(quarterMonthRange(i).from, 11) })}`,
      },
    ],
    '/api/supply/recommendation': [
      {
        label: 'month, btcUsd',
        url: (i) => `/api/supply/recommendation${qs({ month: quarterMonthRange(i).to, btcUsd: 30000 })}`,
      },
    ],
    '/api/supply/self-mining': [
      { label: 'quarter', url: (i) => `/api/supply/self-mining${qs(quarterMonthRange(i))}` },
    ],
    '/api/sales/contracts': [
      { label: 'page of 50', url: (i) => `/api/sales/contracts${qs({ limit: 50, offset: (i % 5) * 50 })}` },
      {
        label: 'signed in quarter',
        url: (i) => `/api/sales/contracts${qs({ signedIn: q(i), limit: 50, offset: 0 })}`,
      },
    ],
    '/api/sales/contracts/{id}': byId(ids.contracts),
    '/api/sales/entries': [
      { label: 'quarter', url: (i) => `/api/sales/entries${qs({ quarter: q(i), limit: 50 })}` },
    ],
    '/api/sales/quarters/{quarter}': byQuarter(),
    '/api/sales/years/{year}': [{ label: 'year', url: (i) => `/api/sales/years/${q(i).slice(0, 4)}` }],
    '/api/sales/opportunity-cost': [
      { label: 'quarter end', url: (i) => `/api/sales/opportunity-cost${qs({ day: lastDay(i) })}` },
    ],
    '/api/sales/open-tranches': [
      {
        label: 'quarter end',
        url: (i) => `/api/sales/open-tranches${qs({ until: quarterMonthRange(i).to })}`,
      },
    ],
    '/api/mining/sites/{code}': byId(ids.sites),
    '/api/mining/machines': [
      { label: 'bare', url: () => '/api/mining/machines' },
      { label: 'one site', url: (i) => `/api/mining/machines${qs({ site: pick(ids.sites, i)! })}` },
    ],
    '/api/mining/hashrate': [{ label: 'quarter', url: (i) => `/api/mining/hashrate${qs(quarterDays(i))}` }],
    '/api/mining/energy': [{ label: 'quarter', url: (i) => `/api/mining/energy${qs(quarterDays(i))}` }],
    '/api/mining/earnings': [
      { label: 'quarter', url: (i) => `/api/mining/earnings${qs(quarterMonthRange(i))}` },
    ],
    '/api/mining/earnings/days': [
      { label: 'quarter', url: (i) => `/api/mining/earnings/days${qs(quarterDays(i))}` },
    ],
    '/api/mining/economics': [
      { label: 'quarter end', url: (i) => `/api/mining/economics${qs({ on: lastDay(i) })}` },
      { label: 'today', url: () => '/api/mining/economics' },
    ],
    '/api/mining/advice': [
      { label: 'quarter end', url: (i) => `/api/mining/advice${qs({ on: lastDay(i) })}` },
      { label: 'today', url: () => '/api/mining/advice' },
    ],
    '/api/mining/allocation': [
      { label: 'quarter', url: (i) => `/api/mining/allocation${qs(quarterMonthRange(i))}` },
    ],
    '/api/mining/quarters/{quarter}': byQuarter(),
    '/api/mining/status': [
      { label: 'quarter end', url: (i) => `/api/mining/status${qs({ on: lastDay(i) })}` },
      { label: 'today', url: () => '/api/mining/status' },
    ],
    '/api/treasury/balances': [
      { label: 'quarter end', url: (i) => `/api/treasury/balances${qs({ on: lastDay(i) })}` },
    ],
    '/api/treasury/movements': [
      { label: 'quarter', url: (i) => `/api/treasury/movements${qs({ ...quarterDays(i), limit: 50 })}` },
    ],
    '/api/treasury/valuation': [
      { label: 'quarter end', url: (i) => `/api/treasury/valuation${qs({ on: lastDay(i) })}` },
      { label: 'far future (400)', url: () => '/api/treasury/valuation?on=9999-12-31', status: 400 },
    ],
    '/api/treasury/quarters/{quarter}': byQuarter(),
    '/api/treasury/cash': [
      { label: 'quarter end', url: (i) => `/api/treasury/cash${qs({ on: lastDay(i) })}` },
    ],
    '/api/treasury/cash/roll': [
      { label: 'quarter', url: (i) => `/api/treasury/cash/roll${qs(quarterDays(i))}` },
    ],
    '/api/treasury/depreciation': [
      { label: 'quarter end', url: (i) => `/api/treasury/depreciation${qs({ on: lastDay(i) })}` },
    ],
    '/api/alerts/{id}': byId(ids.alerts),
    // The GET beside the POST that makes a demo machine misbehave: the machine's simulated fault now.
    '/api/demo/rack/machines/{id}/fault': byId(ids.fleetMachines),
    '/api/sales/payments/{eventId}/adjustments': byId(ids.payments),
    '/api/planning/scenarios/{id}': byId(ids.scenarios),
    // What the scenario's last run stored (scenarioIds runs each first; the run is a POST).
    '/api/planning/scenarios/{id}/results': byId(ids.scenarios),
    '/api/service/serials/{serial}': byId(ids.serials),
    '/api/service/warranty/{serial}': byId(ids.serials),
    '/api/service/tickets/{id}': byId(ids.tickets),
    '/api/service/customers/{id}': byId(ids.serviceCustomers),
    '/api/reports/quarterly/{quarter}': byQuarter(),
  };
}

interface Row {
  route: string;
  variant: string;
  times: number[];
  statuses: Map<number, number>;
  unexpected: string | undefined;
  loopMaxMs: number;
  bytes: number;
}

type IdsOf = (path: string, field: string) => Promise<string[]>;
type Json = (path: string, body?: unknown) => Promise<unknown>;

/**
 * Saved scenarios, one saved first when there is none (the demo saves none): a small run, as of the
 * dashboard's default day, so that /api/planning/scenarios/{id} and its results are measured. Its
 * idempotency key makes a second bench on the same data directory find it instead of saving another.
 * Each is run first (a write), as the page runs one whose results are missing or stale.
 */
async function scenarioIds(idsOf: IdsOf, json: Json): Promise<string[]> {
  const saved = (await idsOf('/api/planning/scenarios', 'id')).slice(0, 5);
  const made =
    saved.length > 0 ? {} : ((await json('/api/planning/scenarios', BENCH_SCENARIO)) as { id?: number });
  const ids = saved.length > 0 ? saved : made.id === undefined ? [] : [String(made.id)];
  // Run each, as the page does when it finds no fresh results: the GET reads what a run stored.
  for (const id of ids) await json(`/api/planning/scenarios/${id}/run`, {});
  return ids;
}

const BENCH_SCENARIO = {
  name: 'bench/api: 2021 from the 2020 books',
  asOf: '2020-12-31',
  horizonMonths: 12,
  paths: 1000,
  seed: 1,
};

/**
 * Alerts to read by id. The demo's books have none, and the bench's server runs no evaluator, so
 * when there is none a demo machine's fan is stopped and the rules evaluated every few seconds
 * until the fan-failure alert fires (its 30 s sustain, so about 40 s, once per data directory),
 * then the fan is mended.
 */
async function alertIds(idsOf: IdsOf, json: Json, machines: string[]): Promise<string[]> {
  const listed = () => idsOf('/api/alerts?limit=20', 'id');
  const found = await listed();
  const machine = machines[0];
  if (found.length > 0 || machine === undefined) return found;
  const fault = `/api/demo/rack/machines/${machine}/fault`;
  await json(fault, { fault: 'fan-failure' });
  try {
    const until = performance.now() + ALERT_WAIT_MS;
    while (performance.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 5_000));
      await json('/api/alerts/evaluations', {});
      const fired = await listed();
      if (fired.length > 0) return fired;
    }
    return [];
  } finally {
    await json(fault, { fault: 'healthy' });
  }
}
const ALERT_WAIT_MS = 120_000;

const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil(xs.length * 0.95) - 1)]!;

/** Pings /healthz every 20 ms from its own thread (so that the client's parsing does not delay it). */
const PINGER = `
const { parentPort, workerData } = require('node:worker_threads');
let worst = 0, count = 0, stop = false;
parentPort.on('message', () => { stop = true; });
(async () => {
  while (!stop) {
    const t = performance.now();
    // A ping that fails (the client's own 300 s header timeout) counts at the time it took.
    await fetch(workerData.url + '/healthz').then((r) => r.text()).catch(() => {});
    worst = Math.max(worst, performance.now() - t);
    count++;
    await new Promise((res) => setTimeout(res, 20));
  }
  parentPort.postMessage({ worst, count });
})();
`;

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string', default: '14' },
      only: { type: 'string' },
      'data-dir': { type: 'string' },
      'rack-base': { type: 'string' },
      timeout: { type: 'string', default: '60000' },
    },
    allowPositionals: true,
    strict: false,
  });
  const runs = Number(values.runs);
  const timeoutMs = Number(values.timeout);
  const only = typeof values.only === 'string' ? values.only : undefined;
  const dataDir = typeof values['data-dir'] === 'string' ? values['data-dir'] : undefined;
  console.log(baseline());

  const rackBase = typeof values['rack-base'] === 'string' ? ['--rack-base', values['rack-base']] : [];
  const child = fork(SERVER, [...(dataDir ? ['--data-dir', dataDir] : []), ...rackBase], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: ((m: unknown) => void)[] = [];
  child.on('message', (m) => messages.shift()?.(m));
  const next = <T>() => new Promise<T>((resolve) => messages.push((m) => resolve(m as T)));
  const loop = async (m: ParentMessage) => {
    const reply = next<LoopReading>();
    child.send(m);
    return reply;
  };
  const ready = await Promise.race([
    next<ServerReady>(),
    new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`server exited (${code})`))),
    ),
  ]);
  console.log(
    `demo company ${ready.loaded === 'now' ? `loaded in ${Math.round(ready.loadMs)} ms` : 'loaded by an earlier run'} (${process.env.DATABASE_URL ? 'PostgreSQL' : `PGlite, ${dataDir ?? 'in memory'}`})`,
  );

  // A request that outlasts --timeout counts as status 0 at the timeout (the server may still be busy).
  const call = async (path: string, body?: unknown) => {
    try {
      const res = await fetch(`${ready.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: {
          authorization: `Bearer ${ready.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: res.status, text: await res.text() };
    } catch (error) {
      return { status: 0, text: error instanceof Error ? error.message : String(error) };
    }
  };
  const json = async (path: string, body?: unknown) => JSON.parse((await call(path, body)).text) as unknown;
  const firstArray = (b: unknown): Record<string, unknown>[] =>
    Array.isArray(b)
      ? b
      : ((Object.values(b as object).find(Array.isArray) as Record<string, unknown>[]) ?? []);
  const idsOf = async (path: string, field: string) =>
    firstArray(await json(path)).map((r) => String(r[field]));
  const contracts = (await idsOf('/api/sales/contracts?limit=50', 'id')).slice(0, 20);
  // The payments of a few contracts, by their ledger event (the adjustments route's key).
  const paymentsOf = async (of: string[]) =>
    (
      await Promise.all(
        of.map(async (id) => {
          const detail = (await json(`/api/sales/contracts/${id}`)) as {
            history?: { eventId: string; kind: string }[];
          };
          return (detail.history ?? [])
            .filter((h) => h.kind === 'sales.payment-received')
            .map((h) => h.eventId);
        }),
      )
    ).flat();
  const tickets = firstArray(await json('/api/service/tickets?limit=50'));
  const fleetMachines = (await idsOf('/api/fleet/machines?limit=50', 'id')).slice(0, 20);
  const distinct = (rows: Record<string, unknown>[], field: string) =>
    [
      ...new Set(
        rows
          .map((r) => r[field])
          .filter((v) => v != null)
          .map(String),
      ),
    ].slice(0, 20);
  const ids: Ids = {
    products: await idsOf('/api/catalog/products', 'id'),
    contracts,
    sites: await idsOf('/api/mining/sites', 'code'),
    fleetMachines,
    alerts: await alertIds(idsOf, json, fleetMachines),
    payments: await paymentsOf(contracts.slice(0, 5)),
    scenarios: await scenarioIds(idsOf, json),
    serials: distinct(tickets, 'serial'),
    tickets: distinct(tickets, 'id'),
    serviceCustomers: distinct(tickets, 'customerId'),
  };

  const doc = (await json('/api/openapi.json')) as {
    paths: Record<string, { get?: { parameters?: { in: string; name: string; required?: boolean }[] } }>;
  };
  const table = variantsOf(ids);
  const rows: Row[] = [];
  const uncovered: string[] = [];
  const pinger = new Worker(PINGER, { eval: true, workerData: { url: ready.url } });
  const t0 = performance.now();
  for (const [path, ops] of Object.entries(doc.paths)) {
    if (!ops.get || (only && !path.startsWith(only))) continue;
    const entry = table[path];
    const required = (ops.get.parameters ?? []).filter((p) => p.required);
    const variants =
      typeof entry === 'function'
        ? entry(path)
        : (entry ?? (required.length === 0 ? [{ label: 'bare', url: () => path }] : []));
    if (variants.length === 0) uncovered.push(path);
    for (const v of variants) {
      const row: Row = {
        route: path,
        variant: v.label,
        times: [],
        statuses: new Map(),
        unexpected: undefined,
        loopMaxMs: 0,
        bytes: 0,
      };
      await loop({ eld: 'reset' });
      for (let i = 0; i < runs; i++) {
        const url = v.url(i);
        const t = performance.now();
        const r = await call(url);
        row.times.push(performance.now() - t);
        row.bytes = Math.max(row.bytes, r.text.length);
        row.statuses.set(r.status, (row.statuses.get(r.status) ?? 0) + 1);
        if (r.status !== (v.status ?? 200) && !row.unexpected)
          row.unexpected = `${url} → ${r.status} ${r.text.slice(0, 160)}`;
      }
      row.loopMaxMs = (await loop({ eld: 'read' })).windowMaxMs;
      rows.push(row);
      process.stderr.write('.');
    }
  }
  pinger.postMessage('stop');
  const healthz = await new Promise<{ worst: number; count: number }>((resolve) =>
    pinger.once('message', resolve),
  );
  await pinger.terminate();
  const overall = await loop({ eld: 'read' });
  const elapsed = performance.now() - t0;
  child.disconnect();
  process.stderr.write('\n');

  const fmt = (x: number) => `${Math.round(x)}`.padStart(7);
  const width = Math.max(...rows.map((r) => r.route.length + r.variant.length + 3));
  console.log(`${'route (variant)'.padEnd(width)}     p95   worst   block  status  size`);
  for (const r of rows) {
    const miss = p95(r.times) > ROUTE_P95_MS || r.loopMaxMs > LOOP_BLOCK_MS || r.unexpected;
    console.log(
      `${`${r.route} (${r.variant})`.padEnd(width)} ${fmt(p95(r.times))} ${fmt(Math.max(...r.times))} ${fmt(r.loopMaxMs)}  ${[...r.statuses.keys()].join('/').padEnd(6)} ${`${Math.round(r.bytes / 1024)}K`.padStart(5)}${miss ? '  ✗' : ''}`,
    );
  }
  for (const r of rows) if (r.unexpected) console.log(`unexpected answer: ${r.unexpected}`);
  const slow = rows.filter((r) => p95(r.times) > ROUTE_P95_MS);
  const blocking = rows.filter((r) => r.loopMaxMs > LOOP_BLOCK_MS);
  const wrong = rows.filter((r) => r.unexpected);
  console.log(
    `${rows.length} route variants × ${runs} runs in ${Math.round(elapsed / 1000)} s; times in ms (block: the server's worst event-loop delay while the variant ran)`,
  );
  console.log(`/healthz pinged ${healthz.count} times meanwhile: worst ${Math.round(healthz.worst)} ms`);
  console.log(`server event loop: worst block ${Math.round(overall.overallMaxMs)} ms over the whole run`);
  if (uncovered.length > 0)
    console.log(`not covered (needs parameters the bench does not know): ${uncovered.join(', ')}`);
  console.log(baseline());
  const met = (ok: boolean) => (ok ? 'met' : 'NOT met');
  console.log(
    `verdict: p95 ≤ ${ROUTE_P95_MS} ms on every route: ${met(slow.length === 0)}${slow.length ? ` (${slow.length} over)` : ''}; ` +
      `no event-loop block > ${LOOP_BLOCK_MS} ms: ${met(overall.overallMaxMs <= LOOP_BLOCK_MS)}${blocking.length ? ` (${blocking.length} variants block)` : ''}; ` +
      `/healthz worst ≤ ${HEALTHZ_MS} ms: ${met(healthz.worst <= HEALTHZ_MS)}; ` +
      `answers as expected: ${met(wrong.length === 0)}; every GET covered: ${met(uncovered.length === 0)}`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
