/**
 * The poller's own tables. Telemetry is written straight here in batches, NOT through the ledger:
 * 50,000 machines polled every minute would append 72 million events a day and drown the business
 * facts the ledger exists to audit. These rows are measurements — they can be re-measured, are never
 * corrected, and may be deleted after the retention period — while registrations, status changes and
 * control actions, which are facts someone acts on, do go through the ledger.
 */
import { sql } from 'kysely';
import type { ProcessId } from '../app/process.js';
import type { Db } from '../db/db.js';
import { inTransaction } from '../ledger/ledger.js';
import { FLEET_SCOPE, type MachineStatus, type SiteTally, STRAGGLER_POLL_MS, TIMED_OUT } from './model.js';
import { fleetDb } from './store.js';

/** What a sweep needs to know of each machine before polling it. */
export interface MachineToPoll {
  id: number;
  site: string;
  address: string;
  port: number;
  serial: string;
  dna: string | null;
  mac: string | null;
  model: string | null;
  status: MachineStatus;
  failures: number;
  /** The last good hashrate, kept through failed polls. */
  lastGoodThs: number | null;
  /** How long its last poll took, when that poll was answered (the learned waits allow for it). */
  lastAnswerMs?: number;
}

/**
 * Its last poll kept the poller waiting (`keptWaiting` in model.ts), by timing out or by answering
 * slowly (null, and so neither, before its first).
 */
const TIMED_OUT_LAST = sql<boolean>`(s.consecutive_failures > 0
  and coalesce(s.last_failure_kind, ${TIMED_OUT}) = ${TIMED_OUT})`;
const SLOW_LAST = sql<boolean>`(s.consecutive_failures = 0 and s.last_poll_ms >= ${STRAGGLER_POLL_MS})`;

/**
 * Which part of the registry a sweep is paging through: its stragglers (those that timed out, then
 * those that answered slowly; or both at once, for a site agent's copy), or the rest.
 */
export type SweepPart = 'timed-out' | 'slow' | 'stragglers' | 'rest';
const PART: Record<SweepPart, ReturnType<typeof sql<boolean>>> = {
  'timed-out': TIMED_OUT_LAST,
  slow: SLOW_LAST,
  stragglers: sql<boolean>`(${TIMED_OUT_LAST} or ${SLOW_LAST})`,
  rest: sql<boolean>`not coalesce(${TIMED_OUT_LAST} or ${SLOW_LAST}, false)`,
};

/**
 * One page of one part of the registry in id order: sweeps walk it page by page, never all at
 * once, both parts at the same time. A machine's state changes once polled, so each part leaves
 * out what this sweep has polled (a straggler not yet written still reads as one, and so is left
 * out of the rest; one of the rest that failed this sweep is not picked up again as a straggler).
 */
export async function machinesToPoll(
  db: Db,
  page: { sweep: number; part: SweepPart; afterId: number; limit: number; site?: string },
): Promise<MachineToPoll[]> {
  const rows = await fleetDb(db)
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select([
      'm.id',
      'm.site',
      'm.address',
      'm.port',
      'm.serial',
      'm.dna',
      'm.mac',
      'm.model',
      'm.status',
      's.consecutive_failures',
      's.hashrate_ths',
      's.last_poll_ms',
    ])
    .where('m.id', '>', BigInt(page.afterId))
    .$if(page.site !== undefined, (q) => q.where('m.site', '=', page.site!))
    .where(sql<boolean>`${PART[page.part]} and s.last_sweep is distinct from ${BigInt(page.sweep)}`)
    .orderBy('m.id')
    .limit(page.limit)
    .execute();
  // One shape for every machine, `lastAnswerMs` undefined rather than absent: spread in or left
  // out, it made two shapes (and a spread's copy) per row, and every read of a machine polymorphic.
  return rows.map((r) => ({
    lastAnswerMs: r.last_poll_ms !== null && r.consecutive_failures === 0 ? r.last_poll_ms : undefined,
    id: Number(r.id),
    site: r.site,
    address: r.address,
    port: r.port,
    serial: r.serial,
    dna: r.dna,
    mac: r.mac,
    model: r.model,
    status: r.status as MachineStatus,
    failures: r.consecutive_failures ?? 0,
    lastGoodThs: r.hashrate_ths ?? null,
  }));
}

/**
 * The machines a sweep polls, and how many of them timed out at their last poll: the sweep makes
 * room for all of those at once in the client's straggler lane (`PollPass.timedOut`).
 */
export async function machineCounts(db: Db): Promise<{ total: number; timedOut: number }> {
  const r = await sql<{ total: bigint | number; timed_out: bigint | number }>`
    select count(*) as total, count(*) filter (where ${TIMED_OUT_LAST}) as timed_out
    from fleet_machines m left join fleet_machine_state s on s.machine_id = m.id`.execute(db);
  const row = r.rows[0];
  return { total: Number(row?.total ?? 0), timedOut: Number(row?.timed_out ?? 0) };
}

/** One poll's result as stored: an answer carries figures, a failure only its reason. */
export interface PollRecord {
  machineId: number;
  answered: boolean;
  /** From the first connect to the end of the reply or the last failure, retries included. */
  durationMs: number;
  failures: number;
  failure?: string | undefined;
  /** How it failed: the client's failure kind, or why the sweep refused the answer (`keptWaiting`). */
  failureKind?: string | undefined;
  health?: string | undefined;
  healthReason?: string | undefined;
  ths?: number | undefined;
  chipMaxC?: number | undefined;
  inletC?: number | undefined;
  powerW?: number | undefined;
  /**
   * The latest figures as JSON text, serialised when the poll is judged: a batch waiting to be
   * written then holds one string per machine rather than object trees the garbage collector
   * would copy from generation to generation.
   */
  telemetryJson?: string | undefined;
}

/** One record's figures as a row of the batch; its telemetry goes beside them (`telemetryTexts`). */
function rowJson(r: PollRecord): string {
  return JSON.stringify({
    m: r.machineId,
    a: r.answered,
    d: Math.round(r.durationMs),
    f: r.failures,
    e: r.failure ?? null,
    k: r.failureKind ?? null,
    h: r.health ?? null,
    r: r.healthReason ?? null,
    ths: r.ths ?? null,
    c: r.chipMaxC ?? null,
    i: r.inletC ?? null,
    p: r.powerW ?? null,
  });
}

/**
 * Parts the records' telemetry in the batch's second parameter. No JSON text holds a control
 * character (a string's must be escaped, and they are not white space), so one parts them; a text
 * holding one is no JSON, refused here as the database would refuse it.
 */
const TELEMETRY_APART = '\u0001';

/** The batch's telemetry texts, one per record in order (empty: none), parted by `TELEMETRY_APART`. */
function telemetryTexts(records: PollRecord[]): string {
  return records
    .map((r) => {
      const text = r.answered ? (r.telemetryJson ?? '{}') : '';
      if (text.includes(TELEMETRY_APART))
        throw new Error(`machine ${r.machineId}: its telemetry is not JSON`);
      return text;
    })
    .join(TELEMETRY_APART);
}

/**
 * Latest state and the 5-minute series for a batch of polls in ONE statement with TWO parameters:
 * at 50,000 machines a sweep, binding ten parameters per row costs more than the writes themselves.
 * The figures go as a JSON array, unpacked by the database; the telemetry texts (1.2 kB each, ten
 * times the figures) beside them, zipped to them row by row (`rows from`), so that the database
 * reads each once, as it checks it is JSON. Inside the array it read each three times (the array's
 * check, its unpacking, the column's check): 2.0 of 2.3 CPU-s per 40,000 rows unpacked, against
 * 0.3 so (PostgreSQL 15, one backend's CPU from /proc). A failed poll leaves the last good figures
 * alone (coalesce) and adds a poll without a sample to its bucket.
 *
 * A bucket remembers its latest reading (`last_at`) and the state its last poll: the bucket's latest
 * reading written again (a retried write) is skipped, not counted twice, and an older reading never
 * overwrites the latest state. An older reading arriving late (a site agent's spool, forwarded after
 * another agent took the site over) is counted: it is a reading, and losing it would leave a gap.
 * That a spool's part is forwarded once is the forwarder's own key (src/agent). Answers the machines
 * whose reading was skipped, for the writer to name them.
 */
export async function writePolls(
  db: Db,
  records: PollRecord[],
  poll: { sweep: number; at: Date; bucket: Date },
): Promise<{ skipped: number[] }> {
  const { sweep, at, bucket } = poll;
  if (records.length === 0) return { skipped: [] };
  const batch = `[${records.map(rowJson).join(',')}]`;
  const counted = await sql<{ machine_id: bigint }>`
    with x as (
      select m, a, d, f, e, k, h, r, ths, c, i, p, nullif(t, '')::json as t
      from rows from (
        json_to_recordset(${batch}::json) as (
          m int8, a boolean, d int4, f int4, e text, k text, h text, r text, ths float8, c float8, i float8, p float8),
        string_to_table(${telemetryTexts(records)}::text, ${TELEMETRY_APART}::text)
      ) as x(m, a, d, f, e, k, h, r, ths, c, i, p, t)
    ), state as (
      insert into fleet_machine_state as s (machine_id, last_polled_at, last_seen_at, consecutive_failures,
        last_failure, last_failure_kind, health, health_reason, hashrate_ths, telemetry, last_poll_ms, last_sweep)
      select m, ${at}::timestamptz, case when a then ${at}::timestamptz end, f, e, k, h, r, ths, t, d,
        ${BigInt(sweep)}::int8 from x
      on conflict (machine_id) do update set
        last_polled_at = excluded.last_polled_at,
        last_seen_at = coalesce(excluded.last_seen_at, s.last_seen_at),
        consecutive_failures = excluded.consecutive_failures,
        last_failure = excluded.last_failure,
        last_failure_kind = excluded.last_failure_kind,
        health = coalesce(excluded.health, s.health),
        health_reason = coalesce(excluded.health_reason, s.health_reason),
        hashrate_ths = coalesce(excluded.hashrate_ths, s.hashrate_ths),
        telemetry = coalesce(excluded.telemetry, s.telemetry),
        last_poll_ms = excluded.last_poll_ms,
        last_sweep = excluded.last_sweep
      -- A site agent's spool replayed late never takes the place of a newer poll.
      where s.last_polled_at <= excluded.last_polled_at
    )
    insert into fleet_telemetry as t (machine_id, bucket, polls, samples, ths_sum, ths_min, ths_max,
      chip_max_c, inlet_c, power_w, health, last_at)
    select m, ${bucket}::timestamptz, 1, case when a then 1 else 0 end,
      case when a then coalesce(ths, 0) else 0 end,
      case when a then ths end, case when a then ths end, c, i, p, h, ${at}::timestamptz
    from x
    on conflict (machine_id, bucket) do update set
      polls = t.polls + excluded.polls,
      samples = t.samples + excluded.samples,
      ths_sum = t.ths_sum + excluded.ths_sum,
      ths_min = least(t.ths_min, excluded.ths_min),
      ths_max = greatest(t.ths_max, excluded.ths_max),
      chip_max_c = greatest(t.chip_max_c, excluded.chip_max_c),
      inlet_c = coalesce(excluded.inlet_c, t.inlet_c),
      power_w = coalesce(excluded.power_w, t.power_w),
      health = coalesce(excluded.health, t.health),
      last_at = greatest(t.last_at, excluded.last_at)
    where t.last_at <> excluded.last_at
    returning machine_id`.execute(db);
  if (counted.rows.length === records.length) return { skipped: [] };
  const written = new Set(counted.rows.map((r) => Number(r.machine_id)));
  return { skipped: records.filter((r) => !written.has(r.machineId)).map((r) => r.machineId) };
}

/**
 * Adds one sweep's totals to its minute: one row per site the sweep polled, counted once per sweep
 * by its key (`sweep`: a sweep's end forwarded a second time, or a retried write, adds nothing),
 * then the fleet's row (`*`) made again from the minute's site rows, in one transaction.
 *
 * The fleet's row is the sum over sites, whoever swept them: the fleet's own sweep polls every site
 * at once, a site agent one site, and the same minute's rows must read alike either way. A site's
 * minute averages its sweeps (`ths_sum / sweeps`); the fleet's is the sum of those averages, stored
 * as `sweeps` = the most any site made that minute and `ths_sum` = that many times the sum. When
 * every site made as many sweeps (always so for the fleet's own sweep) that is the plain sum of the
 * sites' `ths_sum`. The counts are the sum of each site's latest.
 */
export async function addSweepTotals(
  db: Db,
  minute: Date,
  tallies: Map<string, SiteTally>,
  sweep: string,
): Promise<void> {
  if (tallies.size === 0) return;
  const rows = [...tallies].map(([site, t]) => ({
    site,
    minute,
    sweeps: 1,
    ths_sum: t.ths,
    machines: t.machines,
    reporting: t.reporting,
    stale: t.stale,
    offline: t.offline,
    sweep_keys: sql<string[]>`array[${sweep}::text]`,
  }));
  await inTransaction(db, async (tx) => {
    await fleetDb(tx)
      .insertInto('fleet_hashrate_minutes')
      .values(rows)
      .onConflict((oc) =>
        oc
          .columns(['site', 'minute'])
          .doUpdateSet({
            sweeps: sql`fleet_hashrate_minutes.sweeps + 1`,
            ths_sum: sql`fleet_hashrate_minutes.ths_sum + excluded.ths_sum`,
            machines: (eb) => eb.ref('excluded.machines'),
            reporting: (eb) => eb.ref('excluded.reporting'),
            stale: (eb) => eb.ref('excluded.stale'),
            offline: (eb) => eb.ref('excluded.offline'),
            sweep_keys: sql`fleet_hashrate_minutes.sweep_keys || excluded.sweep_keys`,
          })
          .where(sql<boolean>`not fleet_hashrate_minutes.sweep_keys @> excluded.sweep_keys`),
      )
      .execute();
    await sumFleetMinute(tx, minute);
  });
}

/**
 * The fleet's row of a minute, made again from its site rows. The row is locked first: two agents'
 * sweeps ending in the same minute each wait for the other's site row to be committed, and so
 * neither sums without the other's (each statement after the lock sees what committed before it).
 */
async function sumFleetMinute(tx: Db, minute: Date): Promise<void> {
  await sql`
    insert into fleet_hashrate_minutes (site, minute, sweeps, ths_sum, machines, reporting, stale, offline)
    values (${FLEET_SCOPE}, ${minute}::timestamptz, 0, 0, 0, 0, 0, 0)
    on conflict (site, minute) do nothing`.execute(tx);
  await sql`
    select 1 from fleet_hashrate_minutes where site = ${FLEET_SCOPE} and minute = ${minute}::timestamptz
    for update`.execute(tx);
  await sql`
    update fleet_hashrate_minutes as f set sweeps = a.sweeps, ths_sum = a.ths_sum, machines = a.machines,
      reporting = a.reporting, stale = a.stale, offline = a.offline
    from (
      select max(sweeps) as sweeps,
        case when min(sweeps) = max(sweeps) then sum(ths_sum) else max(sweeps) * sum(ths_sum / sweeps) end
          as ths_sum,
        sum(machines) as machines, sum(reporting) as reporting, sum(stale) as stale, sum(offline) as offline
      from fleet_hashrate_minutes
      where minute = ${minute}::timestamptz and site <> ${FLEET_SCOPE}
    ) as a
    where f.site = ${FLEET_SCOPE} and f.minute = ${minute}::timestamptz and a.sweeps is not null`.execute(tx);
}

// ---------------------------------------------------------------- sweeps

/** The sweep holding the running-sweep slot: who runs it and how long it has been silent. */
export interface RunningSweep {
  id: number;
  ownerHost: string | null;
  ownerPid: number | null;
  /** When its process started (ms since the epoch). */
  ownerStarted: number | undefined;
  silentMs: number;
}

/** The running sweep, if any; its silence measured by the database's clock, which every host shares. */
export async function runningSweep(db: Db): Promise<RunningSweep | undefined> {
  const row = await fleetDb(db)
    .selectFrom('fleet_sweeps')
    .select([
      'id',
      'owner_host',
      'owner_pid',
      'owner_started',
      sql<number>`extract(epoch from now() - coalesce(alive_at, started_at)) * 1000`.as('silent_ms'),
    ])
    .where('running', '=', true)
    .executeTakeFirst();
  return row
    ? {
        id: Number(row.id),
        ownerHost: row.owner_host,
        ownerPid: row.owner_pid,
        ownerStarted: row.owner_started?.getTime(),
        silentMs: Number(row.silent_ms),
      }
    : undefined;
}

/** Frees the slot of a sweep whose process is gone; a no-op if it finished meanwhile. */
export async function abandonSweep(db: Db, id: number, at: Date, why: string): Promise<void> {
  await fleetDb(db)
    .updateTable('fleet_sweeps')
    .set({ running: false, finished_at: at, outcome: `abandoned: ${why}`.slice(0, 500) })
    .where('id', '=', BigInt(id))
    .where('running', '=', true)
    .execute();
}

/** Claims the one running-sweep slot for this process, or returns undefined when a sweep holds it. */
export async function startSweep(
  db: Db,
  at: Date,
  owner: ProcessId & { started: number },
): Promise<number | undefined> {
  const row = await fleetDb(db)
    .insertInto('fleet_sweeps')
    .values({
      started_at: at,
      owner_host: owner.host,
      owner_pid: owner.pid,
      owner_started: new Date(owner.started),
      alive_at: sql<Date>`now()`,
    })
    .onConflict((oc) => oc.column('running').where('running', '=', true).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

/** The running sweep's owner says it is still at it. */
export async function sweepStillRunning(db: Db, id: number): Promise<void> {
  await fleetDb(db)
    .updateTable('fleet_sweeps')
    .set({ alive_at: sql<Date>`now()` })
    .where('id', '=', BigInt(id))
    .where('running', '=', true)
    .execute();
}

export async function finishSweep(
  db: Db,
  id: number,
  r: { at: Date; machines: number; answered: number; failed: number; statusChanges: number; outcome: string },
): Promise<void> {
  await fleetDb(db)
    .updateTable('fleet_sweeps')
    .set({
      running: false,
      finished_at: r.at,
      machines: r.machines,
      answered: r.answered,
      failed: r.failed,
      status_changes: r.statusChanges,
      outcome: r.outcome,
    })
    .where('id', '=', BigInt(id))
    .execute();
}
