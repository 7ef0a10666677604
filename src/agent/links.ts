/**
 * Whether a site's agent is connected, for what the API sends to a site's machines. A site served
 * by agents is on a network only its agents reach; when none of them has reached the central
 * database lately, the link to that site is down, and a control sent now would either fail
 * machine by machine or, queued, act hours later on a fleet that has moved on. So it is refused,
 * saying which agent was last seen and when, and nothing is recorded or sent.
 */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { ruleBroken } from '../kernel/errors.js';

/** An agent marks its presence every 2 s: five marks missed and its link counts as down. */
export const AWAY_AFTER_SECONDS = 10;
/**
 * How long a silent agent still speaks for its sites. Longer than any link cut the spool covers
 * (24 h); an agent gone longer, or stopped on purpose (it removes its mark), leaves its sites to
 * `serve`, as before there were agents.
 */
const REMEMBERED_HOURS = 48;

export interface SiteAgent {
  site: string;
  agent: string;
  host: string;
  seenAt: Date;
  secondsAgo: number;
}

/** The agents that served any of `sites` lately, the most recently seen first. */
export async function agentsOf(db: Db, sites: readonly string[]): Promise<SiteAgent[]> {
  if (sites.length === 0) return [];
  const r = await sql<{ site: string; agent: string; host: string; seen_at: Date; ago: number }>`
    select s.site, p.agent, p.host, p.seen_at, extract(epoch from now() - p.seen_at)::float8 as ago
    from agent_presence p cross join lateral jsonb_array_elements_text(p.sites) as s (site)
    where s.site = any(${[...sites]}::text[])
      and p.seen_at > now() - make_interval(hours => ${REMEMBERED_HOURS})
    order by p.seen_at desc, p.agent`.execute(db);
  return r.rows.map((row) => ({
    site: row.site,
    agent: row.agent,
    host: row.host,
    seenAt: new Date(row.seen_at),
    secondsAgo: Math.round(row.ago),
  }));
}

/**
 * Refuses (409 `fleet.agent-not-connected`) when a site among `sites` is served by agents and none
 * of them has reached the database within AWAY_AFTER_SECONDS. Sites no agent serves pass. Answers,
 * for each site agents serve, the connected one seen last: the one a control there goes through.
 */
export async function refuseIfSiteAgentAway(db: Db, sites: readonly string[]): Promise<Map<string, string>> {
  const agents = await agentsOf(db, sites);
  const through = new Map<string, string>();
  for (const site of new Set(agents.map((a) => a.site))) {
    const own = agents.filter((a) => a.site === site);
    const live = own.find((a) => a.secondsAgo <= AWAY_AFTER_SECONDS);
    if (live) {
      through.set(site, live.agent);
      continue;
    }
    const last = own[0]!;
    throw ruleBroken(
      'fleet.agent-not-connected',
      `Site ${site}'s agent is not connected: ${last.agent} (${last.host}) last reached the database at ${last.seenAt.toISOString()}, ${last.secondsAgo} s ago. Nothing was sent; send the control again once its link is back.`,
      'selector',
      {
        site,
        agents: own.map((a) => ({ agent: a.agent, host: a.host, seenAt: a.seenAt.toISOString() })),
      },
    );
  }
  return through;
}

/** An agent stopped on purpose says so: its sites are no longer waiting for it. */
export async function forgetPresence(db: Db, agent: string): Promise<void> {
  await sql`delete from agent_presence where agent = ${agent}`.execute(db);
}
