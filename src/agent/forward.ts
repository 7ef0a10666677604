/**
 * Taking a spooled part to the central database: one transaction that records the part's key and
 * writes it through the fleet's own store, or writes nothing when the key is already there (the
 * link broke after the database took the part but before the agent heard so). A sweep becomes a
 * `fleet_sweeps` row on its first part, finished by its end; the end also adds the sweep's minute
 * totals (once per sweep, the fleet's `*` row with them) and has its alerts judged at the sweep's own
 * time, in the same transaction: a replayed spool is judged sweep by sweep, as it was read.
 */
import { sql } from 'kysely';
import { evaluateSiteSweep } from '../alerts/service.js';
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { bucketStart, TELEMETRY_BUCKET_MINUTES, TOTALS_BUCKET_MINUTES } from '../fleet/model.js';
import { addSweepTotals } from '../fleet/series-store.js';
import { storeBatch } from '../fleet/sweep.js';
import { inTransaction } from '../ledger/ledger.js';
import { readingsOf, type SpoolItem } from './model.js';

export type Forwarded = 'stored' | 'already-stored';

export async function forwardItem(
  ctx: AppContext,
  actor: Actor,
  agent: { name: string; host: string; pid: number },
  item: SpoolItem,
): Promise<Forwarded> {
  return inTransaction(ctx.db, async (tx) => {
    const claimed = await sql<{ key: string }>`
      insert into agent_forwarded (key, agent, site, at, readings)
      values (${item.key}, ${agent.name}, ${item.site}, ${item.at}::timestamptz, ${readingsOf(item)})
      on conflict (key) do nothing returning key`.execute(tx);
    if (claimed.rows.length === 0) return 'already-stored';
    const at = new Date(item.at);
    const sweep = await sweepRow(tx, agent, item);
    if (item.kind === 'polls') {
      const bucket = bucketStart(at, TELEMETRY_BUCKET_MINUTES);
      await storeBatch({ ...ctx, db: tx }, actor, item.batch, { sweep, at, bucket });
    } else {
      await sql`
        update fleet_sweeps set finished_at = ${item.finishedAt}::timestamptz, machines = ${item.report.machines},
          answered = ${item.report.answered}, failed = ${item.report.failed},
          status_changes = ${item.report.statusChanges}, outcome = 'done'
        where id = ${sweep}`.execute(tx);
      const minute = bucketStart(at, TOTALS_BUCKET_MINUTES);
      await addSweepTotals(tx, minute, new Map([[item.site, item.tally]]), item.sweep);
      const judged = await evaluateSiteSweep({ ...ctx, db: tx }, { id: sweep, site: item.site, at });
      if (judged.late)
        ctx.log.warn(
          { sweep: item.sweep },
          `sweep ${item.sweep}: site ${item.site} has a later reading stored already: its readings are counted, its alerts not judged`,
        );
    }
    return 'stored';
  });
}

/**
 * Parts in the order given, in one transaction: one commit, and one wait for the database's disk,
 * for all of them (a part alone costs its round trips and a commit for 200 readings).
 */
export async function forwardItems(
  ctx: AppContext,
  actor: Actor,
  agent: { name: string; host: string; pid: number },
  items: SpoolItem[],
): Promise<Forwarded[]> {
  return inTransaction(ctx.db, async (tx) => {
    const out: Forwarded[] = [];
    for (const item of items) out.push(await forwardItem({ ...ctx, db: tx }, actor, agent, item));
    return out;
  });
}

/** The sweep's row, made by its first part to arrive (never `running`: the agent's lease is pg-boss's). */
async function sweepRow(
  tx: Db,
  agent: { name: string; host: string; pid: number },
  item: SpoolItem,
): Promise<number> {
  await sql`
    insert into fleet_sweeps (started_at, running, site, agent_key, owner_host, owner_pid, outcome)
    values (${item.at}::timestamptz, false, ${item.site}, ${item.sweep}, ${agent.host}, ${agent.pid},
      ${`polling on agent ${agent.name}`})
    on conflict (agent_key) do nothing`.execute(tx);
  const row = await sql<{ id: bigint }>`select id from fleet_sweeps where agent_key = ${item.sweep}`.execute(
    tx,
  );
  return Number(row.rows[0]!.id);
}
