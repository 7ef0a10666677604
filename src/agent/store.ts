/** What an agent reads and writes centrally besides the forwarded parts: sites, machines, presence. */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { machinesToPoll, type SweepPart } from '../fleet/series-store.js';
import type { KnownMachine } from './model.js';

/** Every registered self-mining site's code, for `--all`. */
export async function registeredSites(db: Db): Promise<string[]> {
  const r = await sql<{ code: string }>`select code from mining_sites order by code`.execute(db);
  return r.rows.map((row) => row.code);
}

/** A site's machines as the central database has them, a page at a time, each part of the sweep. */
export async function siteMachines(db: Db, site: string): Promise<KnownMachine[]> {
  const out: KnownMachine[] = [];
  for (const part of ['stragglers', 'rest'] as SweepPart[]) {
    for (let afterId = 0; ; ) {
      // No sweep of the fleet's has the number 0: every machine of the site comes back.
      const page = await machinesToPoll(db, { sweep: 0, part, afterId, limit: 5000, site });
      for (const m of page) out.push({ ...m, straggler: part === 'stragglers' });
      if (page.length < 5000) break;
      afterId = page.at(-1)!.id;
    }
  }
  return out;
}

export interface Presence {
  agent: string;
  host: string;
  pid: number;
  sites: string[];
}

/** Another agent serving some of the same sites. */
export interface Sharer {
  agent: string;
  sites: string[];
}

/**
 * Says the agent is alive and which sites it serves, the database's clock dating it; answers, in the
 * same round trip, the other agents seen within `liveSeconds` that serve any of its sites.
 */
export async function markPresent(db: Db, p: Presence, liveSeconds: number): Promise<Sharer[]> {
  const r = await sql<Sharer>`
    with mark as (
      insert into agent_presence (agent, host, pid, sites, seen_at)
      values (${p.agent}, ${p.host}, ${p.pid}, ${JSON.stringify(p.sites)}::jsonb, now())
      on conflict (agent) do update set host = excluded.host, pid = excluded.pid, sites = excluded.sites,
        seen_at = excluded.seen_at
    )
    select agent, sites from agent_presence
    where agent <> ${p.agent} and seen_at > now() - make_interval(secs => ${liveSeconds})
      and sites ?| ${p.sites}::text[]
    order by agent`.execute(db);
  return r.rows;
}

/** Whether any agent reached the database in the last ten seconds (then `serve` leaves the sweep to them). */
export async function agentsServing(db: Db): Promise<boolean> {
  const r = await sql<{ any: boolean }>`
    select exists (select 1 from agent_presence where seen_at > now() - interval '10 seconds') as any`.execute(
    db,
  );
  return r.rows[0]?.any === true;
}

/** Rows a prune deletes in one statement: a day of a large fleet's parts goes in many short ones. */
const PRUNE_CHUNK = 10_000;

/**
 * Forgets the keys of the parts read before `before`, and the sweeps replay dropped then (both are
 * needed only while a spool could hand those parts over again); answers how many keys went.
 */
export async function pruneForwarded(db: Db, before: Date): Promise<number> {
  await sql`delete from agent_dropped_sweeps where at < ${before}`.execute(db);
  let pruned = 0;
  for (;;) {
    const r = await sql`
      delete from agent_forwarded where key in (
        select key from agent_forwarded where at < ${before} limit ${PRUNE_CHUNK})`.execute(db);
    const n = Number(r.numAffectedRows ?? 0);
    pruned += n;
    if (n < PRUNE_CHUNK) return pruned;
  }
}
