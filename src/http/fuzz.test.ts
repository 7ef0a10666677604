/**
 * Bad input for every operation the OpenAPI document lists (cases: ./fuzz-cases.ts): no answer is
 * a 5xx, a NUL or lone surrogate anywhere is a 400, and nothing refused writes an event. By default
 * a seed-fixed sample runs; `npm run fuzz` runs every case (HASHFORGE_FUZZ=all, and
 * HASHFORGE_FUZZ_SEED for another sample).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../kernel/random.js';
import { type TestServer, testServer } from '../testing/index.js';
import { type FuzzCase, fuzzCases, type OpenApiDocument } from './fuzz-cases.js';

const ALL = process.env.HASHFORGE_FUZZ === 'all';
const SEED = process.env.HASHFORGE_FUZZ_SEED ?? 'issue-14';
const SAMPLE = 600;

let server: TestServer;
let token: string;

beforeAll(async () => {
  server = await testServer();
  token = await server.token('admin');
});
afterAll(() => server.close());

async function send(c: FuzzCase): Promise<{ status: number; body: string }> {
  const res = await fetch(`${server.url}${c.url}`, {
    method: c.method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(c.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(c.body === undefined
      ? {}
      : { body: typeof c.body === 'string' ? c.body : new Blob([c.body as Uint8Array<ArrayBuffer>]) }),
  });
  return { status: res.status, body: await res.text() };
}

async function eventCount(): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from events`.execute(server.app.db);
  return r.rows[0]!.n;
}

/** Every case, or a sample the seed fixes, so a failure can be replayed. */
function chosen(all: FuzzCase[]): FuzzCase[] {
  if (ALL) return all;
  const random = createRandom(SEED);
  const pool = [...all];
  const picked: FuzzCase[] = [];
  while (picked.length < SAMPLE && pool.length > 0)
    picked.push(pool.splice(random.int(0, pool.length - 1), 1)[0]!);
  return picked;
}

/** What is wrong with an answer, if anything. */
function judge(c: FuzzCase, answer: { status: number; body: string }): string | undefined {
  if (answer.status >= 500) return 'a server error';
  if (answer.status === 401) return 'the fuzz token stopped working';
  if (c.mustBe400 && answer.status !== 400) return 'must be refused with 400';
  if (answer.status < 400) return undefined;
  let error: { code?: unknown; message?: unknown; field?: unknown } | undefined;
  try {
    error = JSON.parse(answer.body).error;
  } catch {
    return 'a refusal that is not JSON';
  }
  if (typeof error?.code !== 'string' || typeof error.message !== 'string')
    return 'a refusal without code and message';
  if (c.mustBe400 && typeof error.field !== 'string') return 'a 400 naming no field';
  return undefined;
}

describe('bad input, derived from the OpenAPI document', () => {
  it('never answers 5xx, refuses NUL and lone surrogates with a named 400, and writes nothing it refuses', {
    timeout: ALL ? 1_800_000 : 60_000,
  }, async () => {
    const doc = (await server.call('GET', '/api/openapi.json')).body as OpenApiDocument;
    const all = fuzzCases(doc);
    expect(all.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    const run = chosen(all);
    const tally = { sent: 0, refused: 0, serverErrors: 0, refusalsThatWrote: 0 };
    let events = await eventCount();
    for (const c of run) {
      const answer = await send(c);
      const after = await eventCount();
      const problem = judge(c, answer);
      tally.sent++;
      if (answer.status >= 400) tally.refused++;
      if (answer.status >= 500) tally.serverErrors++;
      if (problem) failures.push(`${c.name}: ${problem} — ${answer.status} ${answer.body.slice(0, 200)}`);
      if (answer.status >= 400 && after !== events) {
        tally.refusalsThatWrote++;
        failures.push(`${c.name}: refused with ${answer.status} but wrote ${after - events} events`);
      }
      events = after;
      // A case that revoked or broke the fuzz's own token would hide every later one.
      if (answer.status === 401) break;
    }
    // A case's name starts with its operation: `POST /api/sales/contracts body.lines.0.units = "0x10"`.
    const operations = new Set(all.map((c) => c.name.split(' ', 2).join(' '))).size;
    console.log(
      `fuzz: ${tally.sent} of ${all.length} cases sent (${ALL ? 'all' : `a sample, seed ${SEED}`}) over ${operations} operations; ` +
        `${tally.refused} refused, ${tally.serverErrors} answered 5xx, ${tally.refusalsThatWrote} refusals wrote an event; ${failures.length} failures`,
    );
    expect(failures).toEqual([]);
  });

  it('refuses what issue 14 found accepted, each with a 400 naming the field, writing nothing', async () => {
    const before = await eventCount();
    const machine = {
      kind: 'machine',
      id: 'A1246',
      name: 'AvalonMiner 1246',
      family: 'A12',
      stage: 'development',
      generation: 12,
      ths: true,
      watts: 3420,
      chipsPerMachine: 120,
      hashboards: 3,
    };
    const cases: [string, string, unknown, string][] = [
      ['POST', '/api/mining/sites/SG1/prices', { usdPerKwh: '', effectiveFrom: '2021-01-05' }, 'usdPerKwh'],
      ['POST', '/api/supply/builds', { productId: 'A1246', month: '2021-01', units: null }, 'units'],
      ['POST', '/api/catalog/products', machine, 'ths'],
      ['POST', '/api/catalog/products', { ...machine, ths: 90, watts: '1e3' }, 'watts'],
      ['POST', '/api/catalog/products', { ...machine, ths: 90, name: 'A\u0000' }, 'name'],
      [
        'POST',
        '/api/sales/customers',
        { name: 'Acme \uD800', country: 'US', region: 'north-america' },
        'name',
      ],
      [
        'POST',
        '/api/treasury/payouts',
        { payouts: [{ date: '9999-12-31', pool: 'f2pool', btc: '0.1' }] },
        'date',
      ],
      [
        'POST',
        '/api/reports/guidance',
        { givenWith: '2021Q1', metric: 'revenue-usd', period: '2021', low: -1, statement: 'Up' },
        'low',
      ],
      ['GET', '/api/sales/contracts?customerId=0x10', undefined, 'customerId'],
      ['GET', '/api/catalog/products/A1%00', undefined, 'id'],
    ];
    for (const [method, url, body, field] of cases) {
      const answer = await send({
        name: url,
        method,
        url,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      expect([url, answer.status, JSON.parse(answer.body).error?.field]).toEqual([url, 400, field]);
    }
    const bytes = new TextEncoder().encode('{"name":"Acme \u2063","role":"viewer"}');
    const invalid = new Uint8Array([...bytes.slice(0, 14), 0xff, 0xfe, ...bytes.slice(17)]);
    const answer = await send({
      name: 'invalid UTF-8',
      method: 'POST',
      url: '/api/auth/tokens',
      body: invalid,
    });
    expect([answer.status, JSON.parse(answer.body).error?.field]).toEqual([400, 'name']);
    expect(await eventCount()).toBe(before);
  });
});
