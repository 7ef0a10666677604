import { eventFromRow } from './events.js';
import type { LedgerContext, RecordedEvent } from './ledger.js';

export interface AuditQuery {
  since?: string | undefined;
  until?: string | undefined;
  kind?: string | undefined;
  stream?: string | undefined;
  actor?: string | undefined;
  /** Events after this id: the next page after a full one. */
  after?: number | undefined;
  limit: number;
}

/** Who did what and when: the ledger itself, filtered, oldest first. */
export async function listEvents(ctx: Pick<LedgerContext, 'db'>, q: AuditQuery): Promise<RecordedEvent[]> {
  let query = ctx.db.selectFrom('events').selectAll().orderBy('id').limit(q.limit);
  if (q.since) query = query.where('recorded_at', '>=', new Date(`${q.since}T00:00:00Z`));
  if (q.until) query = query.where('recorded_at', '<', new Date(`${q.until}T00:00:00Z`));
  if (q.kind) query = query.where('kind', 'like', `${q.kind}%`);
  if (q.stream) query = query.where('stream', '=', q.stream);
  if (q.actor) query = query.where('actor', '=', q.actor);
  if (q.after !== undefined) query = query.where('id', '>', BigInt(q.after));
  const rows = await query.execute();
  return rows.map(eventFromRow);
}
