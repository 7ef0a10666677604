import { type ColumnType, type Generated, type Selectable, sql } from 'kysely';
import type { Db } from '../db/db.js';
import { type Identity, LEFT_OUT_OF_TOTALS, type MachineStatus } from './model.js';

/** jsonb: read back parsed, written as JSON text. */
type Jsonb = ColumnType<unknown, string, string>;

export type FleetTables = {
  fleet_machines: {
    id: bigint;
    serial: string;
    dna: string | null;
    mac: string | null;
    model: string | null;
    firmware: string | null;
    site: string;
    address: string;
    port: number;
    registered_at: Date;
    status: string;
    status_since: Date;
    status_reason: string | null;
  };
  fleet_status_changes: {
    id: Generated<bigint>;
    machine_id: bigint;
    at: Date;
    from_status: string;
    to_status: string;
    reason: string | null;
    event_id: bigint;
  };
  fleet_controls: {
    id: bigint;
    requested_at: Date;
    actor: string;
    action: Jsonb;
    selector: Jsonb;
    machine_ids: Jsonb;
    completed_at: Date | null;
    succeeded: number | null;
    failed: number | null;
    results: ColumnType<unknown, string | null, string | null>;
  };
  fleet_power_intent: {
    machine_id: bigint;
    wanted: 'off' | 'on';
    control_id: bigint;
    requested_at: Date;
    actor: string;
  };
  fleet_machine_state: {
    machine_id: bigint;
    last_polled_at: Date;
    last_seen_at: Date | null;
    consecutive_failures: number;
    last_failure: string | null;
    last_failure_kind: string | null;
    health: string | null;
    health_reason: string | null;
    hashrate_ths: number | null;
    telemetry: ColumnType<unknown, string | null, string | null>;
    last_poll_ms: number | null;
    last_sweep: bigint | null;
  };
  fleet_telemetry: {
    machine_id: bigint;
    bucket: Date;
    polls: number;
    samples: number;
    ths_sum: number;
    ths_min: number | null;
    ths_max: number | null;
    chip_max_c: number | null;
    inlet_c: number | null;
    power_w: number | null;
    health: string | null;
    last_at: Date;
  };
  fleet_hashrate_minutes: {
    site: string;
    minute: Date;
    sweeps: number;
    ths_sum: number;
    machines: number;
    reporting: number;
    stale: number;
    offline: number;
    /** The sweeps counted in the row (0880): one added again is skipped. */
    sweep_keys: Generated<string[]>;
  };
  fleet_sweeps: {
    id: Generated<bigint>;
    started_at: Date;
    finished_at: Date | null;
    running: Generated<boolean>;
    machines: number | null;
    answered: number | null;
    failed: number | null;
    status_changes: number | null;
    outcome: string | null;
    owner_host: string | null;
    owner_pid: number | null;
    owner_started: Date | null;
    alive_at: Date | null;
    /** A site agent's sweep: the site it polled (null: the whole fleet) and its key on the agent. */
    site: Generated<string | null>;
    agent_key: Generated<string | null>;
  };
};

export const fleetDb = (db: Db) => db.withTables<FleetTables>();

export type MachineRow = Selectable<FleetTables['fleet_machines']>;

/**
 * The TH/s one machine hashes now as every total counts it, by its latest state (`fleet_machines`
 * as `m` joined to `fleet_machine_state` as `s`): 0 for a machine `LEFT_OUT_OF_TOTALS`, whose last
 * good figure is history; otherwise its last measured figure, null if it never had one. The machine list shows and sorts by this, so
 * its rows add up to the totals beside them.
 */
export const countedThs = sql<number | null>`(case when m.status in (${sql.join(
  LEFT_OUT_OF_TOTALS.map((status) => sql.lit(status)),
)}) then 0 else s.hashrate_ths end)`;

/** The TH/s a group of machines hashes now: the sum of their `countedThs`. */
export const hashingNowThs = sql<number>`coalesce(sum(${countedThs}), 0)::float8`;

// ---------------------------------------------------------------- registry (projections write these)

export interface NewMachineFact extends Identity {
  id: number;
  site: string;
  address: string;
  port: number;
}

export async function insertMachines(db: Db, machines: NewMachineFact[], at: Date): Promise<void> {
  if (machines.length === 0) return;
  await fleetDb(db)
    .insertInto('fleet_machines')
    .values(
      machines.map((m) => ({
        id: BigInt(m.id),
        serial: m.serial,
        dna: m.dna ?? null,
        mac: m.mac ?? null,
        model: m.model ?? null,
        firmware: m.firmware ?? null,
        site: m.site,
        address: m.address,
        port: m.port,
        registered_at: at,
        status: 'new',
        status_since: at,
        status_reason: 'registered by a scan',
      })),
    )
    .execute();
}

export interface MachineChangeFact {
  id: number;
  changes: Partial<Pick<MachineRow, 'address' | 'port' | 'site' | 'model' | 'firmware' | 'dna' | 'mac'>>;
}

export async function updateMachine(db: Db, change: MachineChangeFact): Promise<void> {
  await fleetDb(db)
    .updateTable('fleet_machines')
    .set(change.changes)
    .where('id', '=', BigInt(change.id))
    .execute();
}

export interface StatusChangeFact {
  machineId: number;
  from: MachineStatus;
  to: MachineStatus;
  reason: string;
}

export async function applyStatusChanges(
  db: Db,
  changes: StatusChangeFact[],
  at: Date,
  eventId: bigint,
): Promise<void> {
  if (changes.length === 0) return;
  // The batch goes in as ONE JSON parameter, unpacked by the database, and one statement records
  // the changes and sets each machine's new status: the form writePolls uses, since the first sweep
  // of a new fleet changes every machine and a parameter per field per change grows with it.
  const batch = JSON.stringify(changes.map((c) => ({ m: c.machineId, f: c.from, t: c.to, r: c.reason })));
  await sql`
    with c as (
      select * from json_to_recordset(${batch}::json) as c(m int8, f text, t text, r text)
    ), recorded as (
      insert into fleet_status_changes (machine_id, at, from_status, to_status, reason, event_id)
      select m, ${at}::timestamptz, f, t, r, ${eventId}::int8 from c
    )
    update fleet_machines as m set status = c.t, status_reason = c.r, status_since = ${at}::timestamptz
    from c where m.id = c.m`.execute(db);
}

export async function highestMachineId(db: Db): Promise<number> {
  const row = await fleetDb(db)
    .selectFrom('fleet_machines')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}

/** Registered machines carrying any of these identities (a DNA or a MAC), as stored. */
export async function machinesByIdentity(db: Db, ids: Identity[]): Promise<MachineRow[]> {
  const dnas = ids.flatMap((i) => (i.dna ? [i.dna] : []));
  const macs = ids.flatMap((i) => (i.mac ? [i.mac] : []));
  const serials = ids.map((i) => i.serial);
  if (serials.length === 0) return [];
  return fleetDb(db)
    .selectFrom('fleet_machines')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('serial', 'in', serials),
        ...(dnas.length > 0 ? [eb('dna', 'in', dnas)] : []),
        ...(macs.length > 0 ? [eb('mac', 'in', macs)] : []),
      ]),
    )
    .execute();
}

// ---------------------------------------------------------------- control facts

export async function insertControl(
  db: Db,
  c: { id: number; at: Date; actor: string; action: unknown; selector: unknown; machineIds: number[] },
): Promise<void> {
  await fleetDb(db)
    .insertInto('fleet_controls')
    .values({
      id: BigInt(c.id),
      requested_at: c.at,
      actor: c.actor,
      action: JSON.stringify(c.action),
      selector: JSON.stringify(c.selector),
      machine_ids: JSON.stringify(c.machineIds),
    })
    .execute();
}

/**
 * A soft off or soft on makes the power its machines are meant to have, until the next one: the
 * later control wins (projections run in the ledger's order, so a replay ends where the writes did).
 */
export async function setPowerIntent(
  db: Db,
  c: { id: number; at: Date; actor: string; wanted: 'off' | 'on'; machineIds: number[] },
): Promise<void> {
  for (let i = 0; i < c.machineIds.length; i += INTENT_BATCH) {
    await fleetDb(db)
      .insertInto('fleet_power_intent')
      .values(
        c.machineIds.slice(i, i + INTENT_BATCH).map((id) => ({
          machine_id: BigInt(id),
          wanted: c.wanted,
          control_id: BigInt(c.id),
          requested_at: c.at,
          actor: c.actor,
        })),
      )
      .onConflict((oc) =>
        oc.column('machine_id').doUpdateSet((eb) => ({
          wanted: eb.ref('excluded.wanted'),
          control_id: eb.ref('excluded.control_id'),
          requested_at: eb.ref('excluded.requested_at'),
          actor: eb.ref('excluded.actor'),
        })),
      )
      .execute();
  }
}
/** Rows of one insert: five parameters each, well under PostgreSQL's 65,535. */
const INTENT_BATCH = 5000;

/** The machines meant to be off (their latest soft off or on was a soft off), as of `now`. */
export async function machinesMeantOff(db: Db, now: Date): Promise<Map<number, Date>> {
  const rows = await fleetDb(db)
    .selectFrom('fleet_power_intent')
    .select(['machine_id', 'requested_at'])
    .where('wanted', '=', 'off')
    .where('requested_at', '<=', now)
    .execute();
  return new Map(rows.map((r) => [Number(r.machine_id), r.requested_at]));
}

/**
 * Machines meant off whose last poll answered and shows them hashing, whose soft off was last sent
 * before `sentBefore`, and with no control of any kind still in flight (requested after
 * `inFlightSince`, not completed): the ones the reconciler sends the soft off again. "Meant off,
 * answered and hashing" is `notAsAsked` (model.ts) in SQL, which a machine's page shows; a test
 * (power-intent.test.ts) checks the two agree.
 */
export async function meantOffButHashing(
  db: Db,
  q: {
    now: Date;
    sentBefore: Date;
    inFlightSince: Date;
    hashing: readonly string[];
    /** Only these sites' machines; every site's when absent. */
    sites?: readonly string[];
  },
): Promise<{ id: number; site: string }[]> {
  const r = await sql<{ id: bigint; site: string }>`
    select m.id, m.site
    from fleet_power_intent i
    join fleet_machines m on m.id = i.machine_id
    join fleet_machine_state s on s.machine_id = m.id
    where i.wanted = 'off' and i.requested_at < ${q.sentBefore}
      and s.consecutive_failures = 0 and m.status = any(${[...q.hashing]}::text[])
      and (${q.sites === undefined}::boolean or m.site = any(${[...(q.sites ?? [])]}::text[]))
      and not exists (
        select 1 from fleet_controls c
        where c.completed_at is null and c.requested_at > ${q.inFlightSince}
          and c.requested_at <= ${q.now} and c.machine_ids @> to_jsonb(m.id))
    order by m.id`.execute(db);
  return r.rows.map((x) => ({ id: Number(x.id), site: x.site }));
}

export async function completeControl(
  db: Db,
  c: { id: number; at: Date; succeeded: number; failed: number; results: unknown },
): Promise<void> {
  await fleetDb(db)
    .updateTable('fleet_controls')
    .set({
      completed_at: c.at,
      succeeded: c.succeeded,
      failed: c.failed,
      results: JSON.stringify(c.results),
    })
    .where('id', '=', BigInt(c.id))
    .execute();
}

export async function findControl(db: Db, id: number) {
  return fleetDb(db).selectFrom('fleet_controls').selectAll().where('id', '=', BigInt(id)).executeTakeFirst();
}
