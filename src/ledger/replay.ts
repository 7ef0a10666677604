import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { eventFromRow } from './events.js';
import { inTransaction, type LedgerContext, type Projection, project, type RecordedEvent } from './ledger.js';
import type { PhasedProgress } from './progress.js';

/**
 * A projection that can also apply a run of its module's events in one call, as the module's bulk
 * import does (`withBatch(one, projectSalesEvents)`): a replay hands it each run of consecutive
 * events recorded at one instant (one import's), instead of a call and its queries per event.
 */
export function withBatch<F extends (tx: Db, event: never) => Promise<void>>(
  one: F,
  batch: (tx: Db, events: readonly Parameters<F>[1][]) => Promise<void>,
): F {
  return Object.assign(one, { batch });
}

type BatchOf = (tx: Db, events: readonly RecordedEvent[]) => Promise<void>;
const batchOf = (p: Projection | undefined): BatchOf | undefined =>
  (p as { batch?: BatchOf } | undefined)?.batch;

export interface ReplayOptions {
  /** Events read, written and projected per transaction. */
  batch?: number;
  /** Only events up to this id (a snapshot's last); all by default. */
  through?: bigint;
  /** Called after each batch with how many events it held. */
  onEvents?: (count: number) => void;
}

/**
 * Rebuilds every module table of `target` (an empty, migrated database) from `source`'s events, in
 * order, through the same projections that wrote them the first time. Proves the tables are derived.
 * Each batch's events go in first, as stored (their ids too), then are projected one by one; the
 * numbers they took restore the counters, and the events' id sequence is moved past the last, so
 * the rebuilt database takes new writes.
 */
export async function replayInto(
  source: Pick<LedgerContext, 'db'>,
  target: Pick<LedgerContext, 'db' | 'projections'>,
  opts: ReplayOptions = {},
): Promise<number> {
  const batch = opts.batch ?? 5000;
  let after = 0n;
  let count = 0;
  for (;;) {
    let query = source.db.selectFrom('events').selectAll().where('id', '>', after);
    if (opts.through !== undefined) query = query.where('id', '<=', opts.through);
    const rows = await query.orderBy('id').limit(batch).execute();
    if (rows.length === 0) break;
    await inTransaction(target.db, async (tx) => {
      const counters: Record<string, number> = {};
      for (const row of rows) {
        for (const [name, value] of Object.entries(row.counters)) {
          counters[name] = Math.max(counters[name] ?? 0, value);
        }
      }
      // One statement for the batch, its rows as one JSON document: the projections after it may
      // refer to any of these events.
      const json = JSON.stringify(
        rows.map((r) => ({ ...r, id: String(r.id), recorded_at: r.recorded_at.toISOString() })),
      );
      await sql`insert into events (id, recorded_at, actor, kind, stream, version, payload, counters)
        overriding system value
        select id, recorded_at, actor, kind, stream, version, payload, counters
        from jsonb_to_recordset(${json}::jsonb) as x(id int8, recorded_at timestamptz, actor text, kind text,
          stream text, version int4, payload jsonb, counters jsonb)
        order by id`.execute(tx);
      for (const [name, value] of Object.entries(counters)) {
        await sql`insert into counters (name, value) values (${name}, ${value})
          on conflict (name) do update set value = greatest(counters.value, excluded.value)`.execute(tx);
      }
      await projectRuns(target.projections, tx, rows.map(eventFromRow));
    });
    after = rows.at(-1)!.id;
    count += rows.length;
    opts.onEvents?.(rows.length);
  }
  await sql`select setval(pg_get_serial_sequence('events', 'id'), max(id)) from events having max(id) is not null`.execute(
    target.db,
  );
  return count;
}

/** Projects events in order: runs a batch projection takes (see `withBatch`) at once, others one by one. */
async function projectRuns(
  projections: LedgerContext['projections'],
  tx: Db,
  events: readonly RecordedEvent[],
): Promise<void> {
  for (let i = 0; i < events.length; ) {
    const first = events[i]!;
    const batch = batchOf(projections[first.kind]);
    let end = i + 1;
    if (batch) {
      const at = first.recordedAt.getTime();
      while (
        end < events.length &&
        batchOf(projections[events[end]!.kind]) === batch &&
        events[end]!.recordedAt.getTime() === at
      )
        end += 1;
    }
    if (batch && end - i > 1) await batch(tx, events.slice(i, end));
    else await project(projections, tx, first);
    i = end;
  }
}

/** What a snapshot replay went through: how many events, up to which id (null: none). */
export interface Replayed {
  events: number;
  throughEventId: string | null;
}

/**
 * Replays every event of `source` into `target` (an empty, migrated database), reading the source
 * in one repeatable-read snapshot, then runs `after` in that same snapshot, so that what it reads
 * of the source (to compare, or to copy) is what the replay saw: writes arriving meanwhile are
 * neither counted nor missed. Verify and rebuild both start this way.
 */
export async function replaySnapshot<R>(
  source: Pick<LedgerContext, 'db'>,
  target: Pick<LedgerContext, 'db' | 'projections'>,
  progress: PhasedProgress<'replaying'>,
  after: (db: Db, replayed: Replayed) => Promise<R>,
): Promise<R> {
  return source.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (db) => {
      const last = await db
        .selectFrom('events')
        .select([(eb) => eb.fn.max('id').as('id'), (eb) => eb.fn.countAll<bigint>().as('n')])
        .executeTakeFirstOrThrow();
      const through = last.id === null ? undefined : BigInt(last.id);
      progress.start('replaying', Number(last.n));
      const events = await replayInto({ db }, target, {
        ...(through === undefined ? {} : { through }),
        onEvents: (n) => progress.tick(n),
      });
      progress.stop();
      return after(db, { events, throughEventId: through === undefined ? null : String(through) });
    });
}
