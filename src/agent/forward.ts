/**
 * Taking a spooled part to the central database: one transaction that records the part's key and
 * writes it through the fleet's own store, or writes nothing when the key is already there (the
 * link broke after the database took the part but before the agent heard so). A sweep becomes a
 * `fleet_sweeps` row on its first part, finished by its end; the end also adds the sweep's minute
 * totals (once per sweep, the fleet's `*` row with them) and has its alerts judged at the sweep's own
 * time, in the same transaction: a replayed spool is judged sweep by sweep, as it was read.
 *
 * A sweep made through a cut under no lease (`OffLease`) may overlap one another agent made of the
 * same site meanwhile (only this agent was cut, and the live one held the lease): its first part to
 * arrive finds that other sweep stored, and the whole sweep is dropped, with a log line naming both,
 * so no reading of that time is counted twice. The decision is taken under a lock of the site, so
 * two agents replaying at once see each other's sweeps.
 */
import { sql } from 'kysely';
import { evaluateSiteSweep } from '../alerts/service.js';
import type { Actor, AppContext } from '../app/context.js';
import { bucketStart, TELEMETRY_BUCKET_MINUTES, TOTALS_BUCKET_MINUTES } from '../fleet/model.js';
import { addSweepTotals } from '../fleet/series-store.js';
import { storeBatch } from '../fleet/sweep.js';
import { inTransaction, lockStreams } from '../ledger/ledger.js';
import { readingsOf, type SpoolItem } from './model.js';

export type Forwarded = 'stored' | 'already-stored' | 'dropped';

type Agent = { name: string; host: string; pid: number };

/** One part, in its own transaction (the forwarder takes them ten at a time: `forwardItems`). */
export async function forwardItem(
  ctx: AppContext,
  actor: Actor,
  agent: Agent,
  item: SpoolItem,
): Promise<Forwarded> {
  return (await forwardItems(ctx, actor, agent, [item]))[0]!;
}

/**
 * Parts in the order given, in one transaction: one commit, and one wait for the database's disk,
 * for all of them (a part alone costs its round trips and a commit for 200 readings). Their sites
 * are locked first, in one order, so two agents' batches wait for each other rather than deadlock.
 */
export async function forwardItems(
  ctx: AppContext,
  actor: Actor,
  agent: Agent,
  items: SpoolItem[],
): Promise<Forwarded[]> {
  return inTransaction(ctx.db, async (tx) => {
    await lockStreams(
      tx,
      items.map((i) => siteLock(i.site)),
    );
    const out: Forwarded[] = [];
    for (const item of items) out.push(await forwardOne({ ...ctx, db: tx }, actor, agent, item));
    return out;
  });
}

const siteLock = (site: string) => `agent-site:${site}`;

async function forwardOne(ctx: AppContext, actor: Actor, agent: Agent, item: SpoolItem): Promise<Forwarded> {
  const tx = ctx.db;
  const sweep = await sweepRow(ctx, agent, item);
  const claimed = await sql<{ key: string }>`
    insert into agent_forwarded (key, agent, site, at, readings)
    values (${item.key}, ${agent.name}, ${item.site}, ${item.at}::timestamptz,
      ${sweep === 'dropped' ? 0 : readingsOf(item)})
    on conflict (key) do nothing returning key`.execute(tx);
  if (claimed.rows.length === 0) return 'already-stored';
  if (sweep === 'dropped') return 'dropped';
  const at = new Date(item.at);
  if (item.kind === 'polls') {
    const bucket = bucketStart(at, TELEMETRY_BUCKET_MINUTES);
    await storeBatch(ctx, actor, item.batch, { sweep, at, bucket });
  } else {
    await sql`
      update fleet_sweeps set finished_at = ${item.finishedAt}::timestamptz, machines = ${item.report.machines},
        answered = ${item.report.answered}, failed = ${item.report.failed},
        status_changes = ${item.report.statusChanges}, outcome = 'done'
      where id = ${sweep}`.execute(tx);
    const minute = bucketStart(at, TOTALS_BUCKET_MINUTES);
    await addSweepTotals(tx, minute, new Map([[item.site, item.tally]]), item.sweep);
    const judged = await evaluateSiteSweep(ctx, { id: sweep, site: item.site, at });
    if (judged.late)
      ctx.log.warn(
        { sweep: item.sweep },
        `sweep ${item.sweep}: site ${item.site} has a later reading stored already: its readings are counted, its alerts not judged`,
      );
  }
  return 'stored';
}

/**
 * The sweep's row, made by its first part to arrive (never `running`: the agent's lease is
 * pg-boss's); or `dropped`, decided by that first part, when it is an off-lease sweep that meets
 * another sweep of its site already stored.
 */
async function sweepRow(ctx: AppContext, agent: Agent, item: SpoolItem): Promise<number | 'dropped'> {
  const tx = ctx.db;
  const known = await sql<{ id: bigint | null; dropped: boolean }>`
    select (select id from fleet_sweeps where agent_key = ${item.sweep}) as id,
      exists (select 1 from agent_dropped_sweeps where sweep = ${item.sweep}) as dropped`.execute(tx);
  const { id, dropped } = known.rows[0]!;
  if (id !== null) return Number(id);
  if (dropped) return 'dropped';
  if (item.offLease && (await droppedForOverlap(ctx, agent, item, item.offLease.until))) return 'dropped';
  const row = await sql<{ id: bigint }>`
    insert into fleet_sweeps (started_at, running, site, agent_key, owner_host, owner_pid, outcome)
    values (${item.at}::timestamptz, false, ${item.site}, ${item.sweep}, ${agent.host}, ${agent.pid},
      ${`polling on agent ${agent.name}`})
    returning id`.execute(tx);
  return Number(row.rows[0]!.id);
}

/**
 * Drops the sweep, naming the stored one of another agent it meets, if one does (the site is locked:
 * see `forwardItems`). This agent's own sweeps of a site follow each other, never overlap. A sweep
 * whose end has not arrived yet is taken as running an interval from its start: under way when
 * this one began, it meets it; one that died unfinished long before holds no later sweep off.
 */
async function droppedForOverlap(
  ctx: AppContext,
  agent: Agent,
  item: SpoolItem,
  until: string,
): Promise<boolean> {
  const other = await sql<{ agent_key: string; started_at: Date }>`
    select agent_key, started_at from fleet_sweeps
    where site = ${item.site} and not starts_with(agent_key, ${`${agent.name}:`})
      and started_at < ${until}::timestamptz
      and coalesce(finished_at, started_at + (${until}::timestamptz - ${item.at}::timestamptz)) > ${item.at}::timestamptz
    order by started_at limit 1`.execute(ctx.db);
  const met = other.rows[0];
  if (!met) return false;
  await sql`
    insert into agent_dropped_sweeps (sweep, agent, site, at, met)
    values (${item.sweep}, ${agent.name}, ${item.site}, ${item.at}::timestamptz, ${met.agent_key})`.execute(
    ctx.db,
  );
  ctx.log.warn(
    { sweep: item.sweep, site: item.site, overlaps: met.agent_key },
    `spooled sweep ${item.sweep} dropped: made through the cut with no lease, it overlaps sweep ${met.agent_key} of ${item.site} stored already (its readings would count that time twice)`,
  );
  return true;
}
