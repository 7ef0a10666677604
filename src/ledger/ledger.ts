import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Role } from '../auth/roles.js';
import type { Db } from '../db/db.js';
import type { Clock } from '../kernel/clock.js';
import { AppError, ruleBroken } from '../kernel/errors.js';
import {
  fromStoredJson,
  fromStoredJsonText,
  toStoredJson,
  toStoredJsonText,
  toWireJson,
} from '../kernel/json.js';
import type { AnyEvent, EventOf, Recorded } from './events.js';

/** Who is acting: a token's name (`token:alice`) or the local user of the embedded database. */
export interface Actor {
  id: string;
  role: Role;
}

export interface RecordedEvent<P = unknown> {
  id: bigint;
  recordedAt: Date;
  actor: string;
  kind: string;
  stream: string;
  version: number;
  payload: P;
}

export type Projection = (tx: Db, event: RecordedEvent) => Promise<void>;
/** Event kind -> how it updates the module's tables. Each module exports one such map. */
export type Projections = Record<string, Projection>;

/** What the ledger needs to record a write: the database, the time, and every module's projections. */
export interface LedgerContext {
  db: Db;
  clock: Clock;
  projections: Projections;
}

export interface WriteRequest<K extends string = string> {
  actor: Actor;
  /** Event kind, `<module>.<what-happened>`, e.g. `sales.payment-received`. */
  kind: K;
  /** What the event belongs to (`contract:42`); writers on one stream are serialised. */
  stream: string;
  idempotencyKey?: string | undefined;
  /** The validated input; the same key must come with the same request. */
  request: unknown;
}

/** Numbers handed out inside one write, so the event can carry them for a replay. */
const allocated = new WeakMap<Db, Record<string, number>>();

/**
 * The one way anything is written. In one transaction: honour the idempotency key, lock the stream,
 * let `decide` check the rules and produce the payload, append the event, run its projection (which
 * updates the module's tables), build the response and remember it for the key. Modules call it
 * through `recorder<TheirEvent>()` (events.ts), which checks the payload against the kind.
 *
 * Locks are taken in one order, the key before the stream (and the stream before whatever `decide`
 * locks), so writers can't deadlock. The key is locked before it is looked up: requests sent at once
 * with one key queue on it, and each, once the one before has committed, finds its result (see
 * `lockKey`) — one write, the same answer for all. A transaction may take one key: a second `record`
 * with a key inside an open transaction would take a key after a stream.
 */
export async function record<R, K extends string = string, P = unknown>(
  ctx: LedgerContext,
  req: WriteRequest<K>,
  decide: (tx: Db) => Promise<P>,
  respond: (tx: Db, event: Recorded<EventOf<K, P>>) => Promise<R>,
): Promise<R> {
  return inTransaction(ctx.db, async (tx) => {
    // Only a write with a key is matched against a repeat, so only its request is hashed: the
    // fleet's first sweep records a thousand status changes a batch without one.
    const keyed = req.idempotencyKey ? { key: req.idempotencyKey, hash: hashRequest(req) } : undefined;
    if (keyed) {
      await lockKey(tx, req.actor.id, keyed.key);
      const earlier = await findEarlier(tx, req.actor.id, keyed.key, keyed.hash);
      if (earlier !== undefined) return earlier as R;
    }
    await lockStream(tx, req.stream);
    allocated.set(tx, {});
    const payload = await decide(tx);
    const event = await append(tx, req, ctx.clock.now(), payload);
    await project(ctx.projections, tx, event);
    const result = await respond(tx, event);
    if (keyed) {
      await tx
        .insertInto('idempotency_keys')
        .values({
          actor: req.actor.id,
          key: keyed.key,
          request_hash: keyed.hash,
          event_id: event.id,
          result: JSON.stringify(toStoredJson(result)),
        })
        .execute();
    }
    return result;
  });
}

/** Runs `work` in a transaction, or inside the one already open (bulk imports wrap many writes). */
export async function inTransaction<R>(db: Db, work: (tx: Db) => Promise<R>): Promise<R> {
  if (db.isTransaction) return work(db);
  return db.transaction().execute(work);
}

/** The next number of a sequence (`contract` -> 1, 2, …), taken inside the current write. */
export async function nextNumber(tx: Db, name: string): Promise<number> {
  const row = await tx
    .insertInto('counters')
    .values({ name, value: 1n })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + 1` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  const value = Number(row.value);
  const taken = allocated.get(tx);
  if (taken) taken[name] = value;
  return value;
}

/** Whether a write with this idempotency key has been recorded, by anyone. */
export async function keyRecorded(db: Db, key: string): Promise<boolean> {
  const row = await db.selectFrom('idempotency_keys').select('key').where('key', '=', key).executeTakeFirst();
  return row !== undefined;
}

/** The first answer to this actor's key: a key is the sender's own, another's same key is another write. */
async function findEarlier(tx: Db, actor: string, key: string, requestHash: string): Promise<unknown> {
  const row = await tx
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('actor', '=', actor)
    .where('key', '=', key)
    .executeTakeFirst();
  if (!row) return undefined;
  if (row.request_hash !== requestHash) {
    throw ruleBroken(
      'ledger.idempotency-key-reused',
      `The idempotency key ${key} was already used for a different request; use a new key for a new request.`,
      'idempotencyKey',
    );
  }
  return fromStoredJson(row.result);
}

/** The first half of every idempotency key's lock (`0x6b657973`, "keys"). */
const KEY_LOCK_SPACE = 0x6b657973;

/**
 * Locks an idempotency key for the rest of the transaction. A request waiting here for another with
 * the same key goes on when that one commits (or rolls back), and its next statement sees what was
 * committed: under READ COMMITTED, PostgreSQL's default and ours, each statement reads a new snapshot.
 * Keys are locked by the two-int form of the advisory lock, a space PostgreSQL keeps apart from the
 * one-bigint form streams use, so a key spelt like a stream (`customers`) is not that stream's lock.
 * Two keys whose 32-bit hashes collide only wait for each other.
 */
async function lockKey(tx: Db, actor: string, key: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${KEY_LOCK_SPACE}::int4, hashtext(${`${actor}
${key}`}))`.execute(tx);
}

async function lockStream(tx: Db, stream: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${stream}, 0))`.execute(tx);
}

async function append<K extends string, P>(
  tx: Db,
  req: WriteRequest<K>,
  at: Date,
  payload: P,
): Promise<Recorded<EventOf<K, P>>> {
  const last = await tx
    .selectFrom('events')
    .select((eb) => eb.fn.max('version').as('version'))
    .where('stream', '=', req.stream)
    .executeTakeFirst();
  const version = Number(last?.version ?? 0) + 1;
  const stored = toStoredJson(payload);
  const row = await tx
    .insertInto('events')
    .values({
      recorded_at: at,
      actor: req.actor.id,
      kind: req.kind,
      stream: req.stream,
      version,
      payload: JSON.stringify(stored),
      counters: JSON.stringify(allocated.get(tx) ?? {}),
    })
    .returning(['id'])
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    recordedAt: at,
    actor: req.actor.id,
    kind: req.kind,
    stream: req.stream,
    version,
    // Read back from the stored form, so `respond` and the projection see what a replay will see;
    // typed as written, as every stored payload is (the trust boundary: see `eventFromRow`).
    payload: fromStoredJson<P>(stored),
  };
}

/** An event decided by its module, to be appended with others in one go (bulk imports). */
export interface BatchWrite<E extends AnyEvent = AnyEvent> {
  /** The kind and payload, one of the module's events. */
  event: E;
  stream: string;
  /** Numbers the event took (`{ contract: 42 }`), so a replay restores the counters. */
  counters?: Record<string, number>;
}

/** Locks many streams for the rest of the transaction, in one fixed order so batches can't deadlock. */
export async function lockStreams(tx: Db, streams: readonly string[]): Promise<void> {
  const sorted = [...new Set(streams)].sort();
  if (sorted.length === 0) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(s, 0)) from unnest(${sorted}::text[]) as s order by s`.execute(
    tx,
  );
}

/**
 * The bulk form of `record`'s append, for imports of thousands of events: inside the caller's
 * transaction it locks every stream, numbers each stream's events on from its latest version and
 * inserts them thousands at a time. Rules and projections stay the caller's: decide every event
 * first, then project the returned events (the same projections a replay runs one by one).
 */
export async function appendEvents<E extends AnyEvent>(
  tx: Db,
  actor: Actor,
  at: Date,
  writes: readonly BatchWrite<E>[],
  /**
   * lockStreams: false when the caller already keeps other writers of these streams out (by row
   * locks), and there are too many streams for advisory locks, which share one fixed-size table.
   */
  opts: { lockStreams?: boolean } = {},
): Promise<Recorded<E>[]> {
  const streams = [...new Set(writes.map((w) => w.stream))];
  if (opts.lockStreams !== false) await lockStreams(tx, streams);
  const latest = new Map<string, number>();
  for (let i = 0; i < streams.length; i += 10_000) {
    const rows = await tx
      .selectFrom('events')
      .select(['stream', (eb) => eb.fn.max('version').as('version')])
      .where('stream', '=', sql<string>`any(${streams.slice(i, i + 10_000)}::text[])`)
      .groupBy('stream')
      .execute();
    for (const r of rows) latest.set(r.stream, Number(r.version));
  }
  const events: Recorded<E>[] = [];
  // Each chunk travels as one JSON document unpacked by the database: a bound value per row and
  // column costs more than the rows themselves at this size.
  for (let i = 0; i < writes.length; i += 5000) {
    const chunk = writes.slice(i, i + 5000).map((w) => {
      const version = (latest.get(w.stream) ?? 0) + 1;
      latest.set(w.stream, version);
      return { w, version, text: toStoredJsonText(w.event.payload) };
    });
    const json = `[${chunk
      .map(
        ({ w, version, text }) =>
          `{"kind":${JSON.stringify(w.event.kind)},"stream":${JSON.stringify(w.stream)},"version":${version},"payload":${text},"counters":${JSON.stringify(w.counters ?? {})}}`,
      )
      .join(',')}]`;
    const rows = await sql<{ id: bigint; stream: string; version: number }>`
      insert into events (recorded_at, actor, kind, stream, version, payload, counters)
      select ${at}::timestamptz, ${actor.id}::text, kind, stream, version, payload, counters
      from jsonb_to_recordset(${json}::jsonb) as x(kind text, stream text, version int4, payload jsonb, counters jsonb)
      returning id, stream, version`.execute(tx);
    const ids = new Map(rows.rows.map((r) => [`${r.version}:${r.stream}`, r.id]));
    for (const { w, version, text } of chunk) {
      events.push({
        ...w.event,
        id: ids.get(`${version}:${w.stream}`)!,
        recordedAt: at,
        actor: actor.id,
        stream: w.stream,
        version,
        // Read back from the stored text, so projections see what a replay will see; typed as
        // written (the trust boundary: see `eventFromRow`).
        payload: fromStoredJsonText<E['payload']>(text),
      });
    }
  }
  return events;
}

/** Takes `count` numbers of a sequence at once and returns the first; the rest follow it. */
export async function reserveNumbers(tx: Db, name: string, count: number): Promise<number> {
  const row = await tx
    .insertInto('counters')
    .values({ name, value: BigInt(count) })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: sql`counters.value + ${BigInt(count)}` }))
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value) - count + 1;
}

export async function project(projections: Projections, tx: Db, event: RecordedEvent): Promise<void> {
  const projection = projections[event.kind];
  if (!projection) {
    throw new AppError(
      'unavailable',
      'ledger.no-projection',
      `No module handles events of kind ${event.kind}.`,
    );
  }
  await projection(tx, event);
}

function hashRequest(req: WriteRequest): string {
  return createHash('sha256')
    .update(`${req.kind}\n${req.stream}\n${toWireJson(req.request)}`)
    .digest('hex');
}
