/**
 * What the scale bench reads back from the database: the sweeps the agents finished in a window and
 * the readings the database took from their spools, the CPU the database's backends spent on them,
 * and which sites a killed agent held and when another agent took each up.
 */
import { sql } from 'kysely';
import { sweepQueue } from '../../src/agent/model.js';
import type { Db } from '../../src/db/db.js';
import { treeCpuSeconds } from '../fleet/proc-cpu.js';

export async function databaseNow(db: Db): Promise<Date> {
  return (await sql<{ now: Date }>`select now() as now`.execute(db)).rows[0]!.now;
}

/** The server's processes serving this database (one per connection), for their CPU time. */
async function backends(db: Db): Promise<number[]> {
  const r = await sql<{ pid: number }>`
    select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`.execute(
    db,
  );
  return r.rows.map((row) => Number(row.pid));
}

/** CPU seconds so far of each of this database's backends. */
export async function backendCpu(db: Db): Promise<Map<number, number>> {
  return new Map((await backends(db)).map((pid) => [pid, treeCpuSeconds(pid)]));
}

/** CPU the backends spent between two readings (a backend that came later counts whole). */
export function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let s = 0;
  for (const [pid, cpu] of after) s += cpu - (before.get(pid) ?? 0);
  return s;
}

export interface SweptInWindow {
  /**
   * Polls made in the window, per agent: each finished sweep's machines times the share of its
   * time that fell in the window (a sweep may be longer than the window on a loaded machine).
   */
  pollsByAgent: Map<string, number>;
  sweeps: number;
  /** Readings in the spool parts the database took in the window (its clock). */
  readings: number;
}

/** Agents are named `<run>-a<k>`; a sweep's key starts with its agent's name. */
export async function sweptInWindow(db: Db, run: string, from: Date, to: Date): Promise<SweptInWindow> {
  const sweeps = await sql<{ agent: string; n: bigint; polls: number }>`
    select split_part(agent_key, ':', 1) as agent, count(*) as n,
      sum(machines * extract(epoch from least(finished_at, ${to}) - greatest(started_at, ${from}))
        / greatest(extract(epoch from finished_at - started_at), 0.001))::float8 as polls
    from fleet_sweeps
    where agent_key like ${`${run}-%`} and outcome = 'done' and finished_at > ${from} and started_at < ${to}
    group by 1 order by 1`.execute(db);
  const readings = await sql<{ n: bigint | null }>`
    select sum(readings) as n from agent_forwarded where forwarded_at > ${from} and forwarded_at <= ${to}`.execute(
    db,
  );
  return {
    pollsByAgent: new Map(sweeps.rows.map((r) => [r.agent, Number(r.polls)])),
    sweeps: sweeps.rows.reduce((s, r) => s + Number(r.n), 0),
    readings: Number(readings.rows[0]?.n ?? 0),
  };
}

/** Waits (at most `limitSeconds`) until every sweep of the run begun before `to` has reached its end. */
export async function waitForSweepsBefore(
  db: Db,
  run: string,
  to: Date,
  limitSeconds: number,
): Promise<void> {
  const deadline = Date.now() + limitSeconds * 1000;
  while (Date.now() < deadline) {
    const r = await sql<{ open: bigint }>`
      select count(*) as open from fleet_sweeps
      where agent_key like ${`${run}-%`} and started_at < ${to} and outcome <> 'done'`.execute(db);
    if (Number(r.rows[0]!.open) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** The sites whose latest sweep is this agent's: the ones it holds. */
export async function sitesHeldBy(db: Db, agent: string): Promise<string[]> {
  const r = await sql<{ site: string }>`
    select site from (
      select distinct on (site) site, agent_key from fleet_sweeps where agent_key is not null
      order by site, started_at desc
    ) latest where agent_key like ${`${agent}:%`} order by site`.execute(db);
  return r.rows.map((row) => row.site);
}

/**
 * When a live agent first took up each site's sweep after `after` (the dead one takes nothing): a
 * job of the site's pg-boss queue (stately: one active at a time) started since. Read from the job
 * engine, not from the sweeps' rows, which reach the database only as a spool is forwarded — behind
 * by minutes on a loaded machine.
 */
export async function firstSweepsAfter(db: Db, sites: string[], after: Date): Promise<Map<string, Date>> {
  const queues = new Map(sites.map((s) => [sweepQueue(s), s]));
  const r = await sql<{ name: string; first: Date }>`
    select name, min(started_on) as first from hashforge_jobs.job
    where name = any(${[...queues.keys()]}::text[]) and started_on > ${after}
    group by name`.execute(db);
  return new Map(r.rows.map((row) => [queues.get(row.name)!, row.first]));
}

/** How long until every site the killed agent held was taken up by another, each site's wait in seconds. */
export async function waitForTakeOver(
  db: Db,
  sites: string[],
  killedAt: Date,
  limitSeconds: number,
): Promise<Map<string, number | undefined>> {
  const deadline = Date.now() + limitSeconds * 1000;
  let seen = new Map<string, Date>();
  while (seen.size < sites.length && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    seen = await firstSweepsAfter(db, sites, killedAt);
  }
  return new Map(
    sites.map((s) => {
      const at = seen.get(s);
      return [s, at === undefined ? undefined : (at.getTime() - killedAt.getTime()) / 1000];
    }),
  );
}
