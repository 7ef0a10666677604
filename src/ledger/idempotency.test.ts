/**
 * Idempotency keys under concurrency, on either database (PGlite, or PostgreSQL when DATABASE_URL
 * is set): many identical requests sent at once with one key, over real HTTP, all get the answer of
 * the one write they make; the same key with a different request is refused and writes nothing;
 * identical bulk imports at once (keyed by the file's hash) import once. PGlite runs one statement
 * at a time, so these bite only on PostgreSQL.
 */
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addCustomer, importSales } from '../sales/service.js';
import { futuresContract, seedCatalog } from '../sales/test-fixtures.js';
import { type Json, type TestServer, tableCounts, testServer } from '../testing/index.js';

// A database and a server per test, and 20 requests at once: slow on a busy 2-core machine.
vi.setConfig({ testTimeout: 120_000 });

const AT_ONCE = 20;

const opened: TestServer[] = [];
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
});

/** A server with a catalog, a customer and a futures contract to pay into. */
async function serverWithContract(): Promise<{ s: TestServer; contractId: number }> {
  const s = await testServer();
  opened.push(s);
  await seedCatalog(s.app);
  s.app.clock.set('2020-11-20T00:00:00Z');
  const actor = s.app.actor();
  const customer = await addCustomer(s.app, actor, { name: 'C', country: 'US', region: 'north-america' });
  const contract = await futuresContract(s.app, actor, customer.id);
  return { s, contractId: contract.id };
}

async function eventsOfKind(s: TestServer, kind: string): Promise<number> {
  const r = await sql<{ n: bigint }>`select count(*)::int8 as n from events where kind = ${kind}`.execute(
    s.app.db,
  );
  return Number(r.rows[0]!.n);
}

const atOnce = <T>(n: number, send: (i: number) => Promise<T>) =>
  Promise.all(Array.from({ length: n }, (_, i) => send(i)));

/** How many answers had each status (and error code): `{ '200': 20 }`, `{ '200': 13, '409 db.duplicate': 7 }`. */
function tally(answers: { status: number; body: Json }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of answers) {
    const outcome = a.body?.error ? `${a.status} ${a.body.error.code}` : String(a.status);
    counts[outcome] = (counts[outcome] ?? 0) + 1;
  }
  return counts;
}

describe('one idempotency key, many identical requests at once', () => {
  it('answers every payment alike and records it once', async () => {
    const { s, contractId } = await serverWithContract();
    const before = await tableCounts(s.app);
    const answers = await atOnce(AT_ONCE, () =>
      s.call('POST', `/api/sales/contracts/${contractId}/payments`, {
        body: { day: '2020-11-12', amountUsd: '810000' },
        headers: { 'idempotency-key': 'wire-2020-11-12' },
      }),
    );
    expect(tally(answers)).toEqual({ '200': AT_ONCE });
    // The same bytes, not only the same content: the event's payload in the first answer's key order.
    for (const a of answers) expect(JSON.stringify(a.body)).toBe(JSON.stringify(answers[0]!.body));
    expect(await eventsOfKind(s, 'sales.payment-received')).toBe(1);
    const after = await tableCounts(s.app);
    expect(after.events).toBe(before.events! + 1);
    expect(after.idempotency_keys).toBe(before.idempotency_keys! + 1);
  });

  it('answers every new customer alike and adds it once', async () => {
    const { s } = await serverWithContract();
    const before = await tableCounts(s.app);
    const answers = await atOnce(AT_ONCE, () =>
      s.call('POST', '/api/sales/customers', {
        body: { name: 'Hashpower Ltd', country: 'SG', region: 'asia-pacific' },
        headers: { 'idempotency-key': 'new-customer-hashpower' },
      }),
    );
    expect(tally(answers)).toEqual({ '201': AT_ONCE });
    for (const a of answers) expect(JSON.stringify(a.body)).toBe(JSON.stringify(answers[0]!.body));
    expect(await eventsOfKind(s, 'sales.customer-added')).toBe(2);
    const after = await tableCounts(s.app);
    expect(after.events).toBe(before.events! + 1);
    expect(after.sales_customers).toBe(before.sales_customers! + 1);
  });
});

describe('one idempotency key, two senders', () => {
  it('is each sender own: the same key from another token is another write, never the first answer', async () => {
    const { s } = await serverWithContract();
    const add = (role: 'admin' | 'sales', name: string) =>
      s.call('POST', '/api/sales/customers', {
        role,
        body: { name, country: 'SG', region: 'asia-pacific' },
        headers: { 'idempotency-key': 'new-customer' },
      });
    const first = await add('admin', 'Hashpower Ltd');
    const other = await add('sales', 'Blockmine Pte');
    expect([first.status, other.status]).toEqual([201, 201]);
    expect(other.body.name).toBe('Blockmine Pte');
    expect((await add('sales', 'Blockmine Pte')).body).toEqual(other.body);
    expect(await eventsOfKind(s, 'sales.customer-added')).toBe(3);
  });
});

describe('one idempotency key, a different request', () => {
  it('refuses it with a 409 naming idempotencyKey and writes nothing', async () => {
    const { s, contractId } = await serverWithContract();
    const pay = (amountUsd: string) =>
      s.call('POST', `/api/sales/contracts/${contractId}/payments`, {
        body: { day: '2020-11-12', amountUsd },
        headers: { 'idempotency-key': 'wire-2020-11-12' },
      });
    expect((await pay('810000')).status).toBe(200);
    const before = await tableCounts(s.app);
    const other = await pay('1');
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({
      code: 'ledger.idempotency-key-reused',
      field: 'idempotencyKey',
    });
    expect(other.body.error.message).toContain('wire-2020-11-12');
    expect(await tableCounts(s.app)).toEqual(before);
  });

  it('lets one of two different requests sent at once under one key through, the other refused every time', async () => {
    const { s, contractId } = await serverWithContract();
    const before = await tableCounts(s.app);
    const bodies = [
      { day: '2020-11-12', amountUsd: '810000' },
      { day: '2020-11-12', amountUsd: '1' },
    ];
    const answers = await atOnce(AT_ONCE, (i) =>
      s.call('POST', `/api/sales/contracts/${contractId}/payments`, {
        body: bodies[i % 2],
        headers: { 'idempotency-key': 'wire-2020-11-12' },
      }),
    );
    expect(tally(answers)).toEqual({ '200': AT_ONCE / 2, '409 ledger.idempotency-key-reused': AT_ONCE / 2 });
    const winner = answers.find((a) => a.status === 200);
    const winning = answers.indexOf(winner!) % 2;
    answers.forEach((a, i) => {
      if (i % 2 === winning) expect(a).toEqual(winner);
      else {
        expect(a.status).toBe(409);
        expect(a.body.error).toMatchObject({
          code: 'ledger.idempotency-key-reused',
          field: 'idempotencyKey',
        });
      }
    });
    expect(await eventsOfKind(s, 'sales.payment-received')).toBe(1);
    expect((await tableCounts(s.app)).events).toBe(before.events! + 1);
  });
});

describe('one idempotency key, identical bulk imports at once', () => {
  it('imports the file once and reports the same to every caller', async () => {
    const { s } = await serverWithContract();
    const file = [
      { type: 'customer', ref: 'blue', name: 'Blue Energy', country: 'US', region: 'north-america' },
      {
        type: 'contract',
        ref: 'k1',
        customer: 'blue',
        kind: 'spot',
        signedOn: '2020-11-02',
        terms: { depositPercent: 0, balance: 'on-delivery', creditDays: 30, depositForfeitedOnCancel: false },
        lines: [{ productId: 'A1166P', units: 50, usdPerTh: '40' }],
      },
      { type: 'payment', contract: 'k1', day: '2020-11-03', amountUsd: '162000' },
    ]
      .map((row) => JSON.stringify(row))
      .join('\n');
    const before = await tableCounts(s.app);
    // The file's key is its hash: the same file sent again by anyone is the same write.
    const reports = await atOnce(5, () =>
      importSales(s.app, s.app.actor(), file, { format: 'ndjson' }).catch((e: unknown) => e),
    );
    for (const r of reports) expect(r).toEqual(reports[0]);
    expect(reports[0]).toMatchObject({ customers: 1, contracts: 1, events: 1 });
    const after = await tableCounts(s.app);
    expect(after.events).toBe(before.events! + 4);
    expect(after.sales_customers).toBe(before.sales_customers! + 1);
  });
});
