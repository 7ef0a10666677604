import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { eventFromTextRow } from './events.js';
import type { LedgerContext, RecordedEvent } from './ledger.js';

export interface AuditQuery {
  since?: string | undefined;
  until?: string | undefined;
  kind?: string | undefined;
  stream?: string | undefined;
  actor?: string | undefined;
  /** Events after this one (the last id of the page before): the next page, or what is new since. */
  after?: number | undefined;
  limit: number;
}

/** An event's place in the audit order: its transaction (none before migration 1050: first), its id. */
const PLACE = sql`coalesce(tx, '0'::xid8)`;

/**
 * The transactions running now in the server's other databases (a rebuild's target, the tests'
 * databases beside each other, a `create database` copying a template), told by the database of
 * the session that holds each one's own lock (one waiting on it may be another database's: a row
 * of a shared catalog). Read before the list's snapshot is taken, in a statement of its own: a transaction
 * found here is another database's, whenever it ends. Read in the list's own statement, after its
 * snapshot, a transaction that ended in between was found nowhere and had to count as this
 * database's: a list right after a write could come back without it while another database's
 * transaction ended (seen in CI beside the tests' `create database`, and in audit.test.ts).
 */
async function runningElsewhere(db: Db): Promise<string[]> {
  const r = await sql<{ xid: string }>`
    select l.transactionid::text as xid
    from pg_locks l join pg_stat_activity a on a.pid = l.pid
    where l.locktype = 'transactionid' and l.mode = 'ExclusiveLock' and l.granted
      and a.datname <> current_database()`.execute(db);
  return r.rows.map((row) => row.xid);
}

/**
 * The oldest transaction still running in the reading snapshot that is not among `elsewhere` (or,
 * none, the first not yet begun): every event of an older one is final. The snapshot's own xmin
 * would do, but it counts the server's other databases too, and one long transaction there would
 * hold every list back. Every transaction not in `elsewhere` counts as this database's: one of
 * another database begun since `elsewhere` was read is newer than any write that had committed
 * by then, so it holds back only what is newer still.
 */
const horizon = (elsewhere: readonly string[]) => sql`(
  select coalesce(min(x), pg_snapshot_xmax(pg_current_snapshot()))
  from pg_snapshot_xip(pg_current_snapshot()) as x
  where x::xid <> all(${`{${elsewhere.join(',')}}`}::xid[]))`;

/**
 * Who did what and when: the ledger itself, filtered, in an order a client can follow by asking
 * again `after` the last id it was given, and never miss an event.
 *
 * Ids alone cannot give that on a PostgreSQL server: they are handed out before commit, so event 10
 * can commit after event 11 was listed, behind the client's cursor. And a transaction that took a
 * low id can still be running when a later one took a higher id and committed (A records event 9,
 * B takes 10 and waits, A records 11 and commits), so not even "only ids of finished transactions"
 * holds. Hence the order is by transaction (migration 1050), then id, and only events of
 * transactions older than the oldest one of this database still running (`horizon`) are listed: those
 * are final, and every event still to commit belongs to a later transaction, so it sorts after
 * anything listed. A page may end a little short of the newest events; they come on the next ask.
 * Events recorded before migration 1050 carry no transaction: every snapshot since saw them.
 */
export async function listEvents(ctx: Pick<LedgerContext, 'db'>, q: AuditQuery): Promise<RecordedEvent[]> {
  // Before the list's statement, so before its snapshot (see runningElsewhere).
  const elsewhere = await runningElsewhere(ctx.db);
  let query = ctx.db
    .selectFrom('events')
    .select(['id', 'recorded_at', 'actor', 'kind', 'stream', 'version'])
    // As text, parsed once: a page can hold an import's whole payload (the demo's market days,
    // 650 kB), which read as jsonb the driver parses and eventFromRow writes out and parses again.
    .select(sql<string>`payload::text`.as('payload_text'))
    .where(sql<boolean>`${PLACE} < ${horizon(elsewhere)}`)
    .orderBy(PLACE)
    .orderBy('id')
    .limit(q.limit);
  if (q.since) query = query.where('recorded_at', '>=', new Date(`${q.since}T00:00:00Z`));
  if (q.until) query = query.where('recorded_at', '<', new Date(`${q.until}T00:00:00Z`));
  if (q.kind) query = query.where('kind', 'like', `${q.kind}%`);
  if (q.stream) query = query.where('stream', '=', q.stream);
  if (q.actor) query = query.where('actor', '=', q.actor);
  const from = q.after === undefined ? undefined : await placeOf(ctx.db, q.after);
  if (from) query = query.where(sql<boolean>`(${PLACE}, id) > (${from.tx}::xid8, ${from.id}::int8)`);
  const rows = await query.execute();
  return rows.map(eventFromTextRow);
}

/**
 * Where to go on from: the place of event `after`, as listed. An id that names no event (0, or one
 * never listed) goes on from the last event before it; none before it, from the start.
 */
async function placeOf(db: Db, after: number): Promise<{ tx: string; id: string } | undefined> {
  // Ordered by the column, not the text it is selected as ("9" sorts after "12").
  const r = await sql<{ tx: string; id: string }>`
    select ${PLACE}::text as tx, id::text as id from events
    where id <= ${after}::int8 order by events.id desc limit 1`.execute(db);
  return r.rows[0];
}
