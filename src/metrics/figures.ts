/**
 * The figures /metrics shows, read from the database at each scrape: what every `serve` process
 * behind a load balancer would answer alike, whichever process polled. Grouped by site and model,
 * never by address; per machine only for the serials a scrape names (bounded by MAX_MACHINES).
 */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import { hashingNow } from '../fleet/model.js';
import { hashingNowThs } from '../fleet/store.js';

export interface FleetFigures {
  machines: { site: string; model: string; status: string; n: number }[];
  hashrate: { site: string; model: string; ths: number }[];
  /** What self-mining has installed at each registered site today (nameplate). */
  installed: { site: string; ths: number }[];
  polls: { answered: number; failed: number };
  sweeps: { outcome: string; n: number; seconds: number }[];
  lastSweep: { seconds: number; finishedAt: Date } | undefined;
  alerts: { rule: string; site: string; n: number }[];
  deliveries: { state: string; n: number }[];
  perMachine: MachineFigures[];
}

export interface MachineFigures {
  serial: string;
  site: string;
  model: string;
  up: boolean;
  ths: number | null;
  chipC: number | null;
}

/** A scrape may name at most this many machines: a per-machine series is for the few being watched. */
export const MAX_MACHINES = 50;

const modelOf = sql<string>`coalesce(m.model, 'unknown')`;

export async function readFigures(
  db: Db,
  serials: readonly string[],
  installed: FleetFigures['installed'],
): Promise<FleetFigures> {
  const [machines, sweeps, last, alerts, deliveries, perMachine] = await Promise.all([
    sql<{ site: string; model: string; status: string; n: bigint; ths: number }>`
      select m.site, ${modelOf} as model, m.status, count(*) as n,
             ${hashingNowThs} as ths
      from fleet_machines m left join fleet_machine_state s on s.machine_id = m.id
      group by m.site, ${modelOf}, m.status`.execute(db),
    sql<{ outcome: string; n: bigint; answered: bigint; failed: bigint; seconds: number }>`
      select case when outcome like 'failed%' then 'failed' when outcome like 'abandoned%' then 'abandoned'
                  else coalesce(outcome, 'running') end as outcome,
             count(*) as n, coalesce(sum(answered), 0)::int8 as answered, coalesce(sum(failed), 0)::int8 as failed,
             coalesce(sum(extract(epoch from finished_at - started_at)), 0)::float8 as seconds
      from fleet_sweeps group by 1`.execute(db),
    sql<{ seconds: number; finished_at: Date }>`
      select extract(epoch from finished_at - started_at)::float8 as seconds, finished_at
      from fleet_sweeps where outcome = 'done' order by id desc limit 1`.execute(db),
    sql<{ rule: string; site: string; n: bigint }>`
      select rule, coalesce(site, '') as site, count(*) as n from alerts where state <> 'resolved' group by 1, 2`.execute(
      db,
    ),
    sql<{ state: string; n: bigint }>`
      select case when delivered_at is not null then 'delivered' when given_up_at is not null then 'given_up'
                  else 'pending' end as state, count(*) as n
      from alert_deliveries group by 1`.execute(db),
    serials.length === 0
      ? Promise.resolve({ rows: [] })
      : sql<{
          serial: string;
          site: string;
          model: string;
          status: string;
          ths: number | null;
          chip: number | null;
        }>`
          select m.serial, m.site, ${modelOf} as model, m.status, s.hashrate_ths as ths,
                 (s.telemetry -> 'temperatures' ->> 'hottestChipC')::float8 as chip
          from fleet_machines m left join fleet_machine_state s on s.machine_id = m.id
          where m.serial = any(${[...serials]}::text[])`.execute(db),
  ]);
  const byGroup = new Map<string, { site: string; model: string; ths: number }>();
  for (const r of machines.rows) {
    const k = `${r.site}\u0000${r.model}`;
    const g = byGroup.get(k) ?? { site: r.site, model: r.model, ths: 0 };
    g.ths += r.ths;
    byGroup.set(k, g);
  }
  const lastRow = last.rows[0];
  return {
    machines: machines.rows.map((r) => ({ site: r.site, model: r.model, status: r.status, n: Number(r.n) })),
    hashrate: [...byGroup.values()],
    installed,
    polls: {
      answered: sweeps.rows.reduce((a, r) => a + Number(r.answered), 0),
      failed: sweeps.rows.reduce((a, r) => a + Number(r.failed), 0),
    },
    sweeps: sweeps.rows.map((r) => ({ outcome: r.outcome, n: Number(r.n), seconds: r.seconds })),
    lastSweep: lastRow && { seconds: lastRow.seconds, finishedAt: lastRow.finished_at },
    alerts: alerts.rows.map((r) => ({ rule: r.rule, site: r.site, n: Number(r.n) })),
    deliveries: deliveries.rows.map((r) => ({ state: r.state, n: Number(r.n) })),
    perMachine: perMachine.rows.map((r) => ({
      serial: r.serial,
      site: r.site,
      model: r.model,
      up: r.status !== 'new' && hashingNow(r.status),
      ths: hashingNow(r.status) ? r.ths : null,
      chipC: r.chip,
    })),
  };
}
