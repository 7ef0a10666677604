/**
 * What storing a sweep costs, alone: the sweep's write path (`storeBatch` in one transaction per
 * batch, then the sweep's totals) fed synthetic polled batches, no miners, no sockets. Each machine's
 * reading is what the simulator's miner would answer at that minute, decoded and normalised as the
 * poller does, made before the timing starts. Prints per sweep the database server's CPU (the one
 * backend this process talks to, from /proc: other sessions' queries on the same server are not
 * counted) and this process's CPU while writing (the poller's write side; with PGlite, the
 * database's too, since it runs here).
 *
 *   [DATABASE_URL=postgres://…] npx tsx bench/fleet/store-path.ts [--machines 50000] [--sweeps 6]
 *     [--batch 1000]
 *
 * Sweeps are a minute apart: the first writes every machine's state and status change, and every
 * fifth starts a new 5-minute bucket of the series (an insert per machine), the others add to it.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { readConfig } from '../../src/app/config.js';
import type { AppContext } from '../../src/app/context.js';
import { assembleContext, loadProjections } from '../../src/app/root.js';
import { openDatabase } from '../../src/db/db.js';
import { migrate } from '../../src/db/migrate.js';
import { bucketStart, TELEMETRY_BUCKET_MINUTES, TOTALS_BUCKET_MINUTES } from '../../src/fleet/model.js';
import { keepMeasurements, periodStart } from '../../src/fleet/partitions.js';
import { decodeReply } from '../../src/fleet/protocol/codec.js';
import { createMiner, MODELS } from '../../src/fleet/protocol/simulator-models.js';
import { respond } from '../../src/fleet/protocol/simulator-replies.js';
import { normalise } from '../../src/fleet/protocol/telemetry.js';
import { addSweepTotals, type PollRecord } from '../../src/fleet/series-store.js';
import { insertMachines, type StatusChangeFact } from '../../src/fleet/store.js';
import { POLL_COMMANDS, type Polled, storeBatch } from '../../src/fleet/sweep.js';
import { type Actor, inTransaction } from '../../src/ledger/ledger.js';
import { tableCatalog } from '../../src/ledger/tables.js';
import { addTestSite } from '../../src/mining/test-fixtures.js';
import { modules } from '../../src/modules.js';
import { emptyServerDatabase } from '../../src/testing/server-clone.js';

const TICKS_PER_SECOND = 100;
const SITE = 'BENCH';
/** Today (UTC), as a sweep writes: a day before it would bump the reports' versions (migration 1010). */
const START = periodStart(new Date(), 'day').getTime();

const { values } = parseArgs({
  options: {
    machines: { type: 'string', default: '50000' },
    sweeps: { type: 'string', default: '6' },
    batch: { type: 'string', default: '1000' },
    setup: { type: 'string' },
  },
});
const machines = Number(values.machines);
const sweeps = Number(values.sweeps);
const batchSize = Number(values.batch);

/** utime + stime of one process, seconds. */
function processCpuSeconds(pid: number): number {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Every machine's reading at `now`, as the sweep's `judge` makes an answered record of it. */
function readings(now: number): Polled[] {
  const fleet = { seed: 'store-path', spec: MODELS.A1246, faultRate: 0, faults: [], startedAt: START };
  const request = Buffer.from(JSON.stringify({ command: POLL_COMMANDS.join('+') }));
  const polled: Polled[] = [];
  for (let i = 0; i < machines; i++) {
    const body = respond(createMiner(i, fleet), request, {
      now,
      peer: {},
      canWrite: () => false,
      sequence: 0,
    }).body;
    const t = normalise(decodeReply(body));
    polled.push({
      record: {
        machineId: i + 1,
        answered: true,
        durationMs: 3 + (i % 50) / 7,
        failures: 0,
        health: t.status,
        healthReason: t.statusReason,
        ths: t.hashrateThs?.recent ?? t.hashrateThs?.average,
        chipMaxC: t.temperatures?.hottestChipC,
        inletC: t.temperatures?.inletC,
        powerW: t.powerW,
        telemetryJson: JSON.stringify(t),
      } satisfies PollRecord,
    });
  }
  return polled;
}

async function open(): Promise<{
  ctx: AppContext;
  backendPid?: () => Promise<number>;
  close(): Promise<void>;
}> {
  const url = process.env.DATABASE_URL;
  const base = {
    log: pino({ level: 'silent' }),
    projections: await loadProjections(modules),
    tables: tableCatalog(modules),
  };
  if (!url) {
    const database = await openDatabase({ kind: 'embedded', dataDir: 'memory' });
    await migrate(database.db);
    return {
      ctx: assembleContext(readConfig(process.env), { ...base, db: database.db }),
      close: () => database.close(),
    };
  }
  const empty = await emptyServerDatabase(url);
  // One connection, so that one backend does all of this process's work and its CPU is ours alone.
  const database = await openDatabase({ kind: 'server', url: empty.url, pool: 1 });
  await migrate(database.db);
  const ctx = assembleContext(readConfig(process.env), { ...base, db: database.db });
  const backendPid = async () =>
    (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db)).rows[0]!.pid;
  return {
    ctx,
    backendPid,
    close: async () => {
      await database.close();
      await empty.drop();
    },
  };
}

async function main(): Promise<void> {
  const { ctx, backendPid, close } = await open();
  const actor: Actor = { id: 'bench', role: 'admin' };
  try {
    await addTestSite(ctx, actor, SITE);
    const at0 = new Date(START);
    // Today's partitions made, as the background tick keeps them in `serve`.
    await keepMeasurements(ctx.db, at0, { telemetryDays: 90, totalsDays: 1825 });
    if (values.setup) await sql.raw(values.setup).execute(ctx.db);
    for (let from = 0; from < machines; from += 5000) {
      const ids = Array.from({ length: Math.min(5000, machines - from) }, (_, k) => from + k + 1);
      await inTransaction(ctx.db, (tx) =>
        insertMachines(
          tx,
          ids.map((id) => ({
            id,
            serial: `S${id}`,
            site: SITE,
            address: `10.0.${id >> 8}.${id & 255}`,
            port: 4028,
          })),
          at0,
        ),
      );
    }
    console.log(
      `${machines} machines, ${sweeps} sweeps a minute apart, batches of ${batchSize}; ${process.env.DATABASE_URL ? 'PostgreSQL (one backend)' : 'PGlite in this process'}`,
    );
    const totals = { server: 0, client: 0, firstServer: 0 };
    for (let s = 0; s < sweeps; s++) {
      const at = new Date(START + 60_000 * (s + 1));
      const polled = readings(at.getTime());
      if (s === 0)
        for (const p of polled)
          p.change = {
            machineId: p.record.machineId,
            from: 'new',
            to: 'ok',
            reason: 'answered',
          } as StatusChangeFact;
      const poll = { sweep: s + 1, at, bucket: bucketStart(at, TELEMETRY_BUCKET_MINUTES) };
      const pid = await backendPid?.();
      const server0 = pid === undefined ? 0 : processCpuSeconds(pid);
      const client0 = process.cpuUsage();
      const wall0 = performance.now();
      for (let i = 0; i < polled.length; i += batchSize) {
        const batch = polled.slice(i, i + batchSize);
        await inTransaction(ctx.db, (tx) => storeBatch({ ...ctx, db: tx }, actor, batch, poll));
      }
      const tally = { machines, reporting: machines, stale: 0, offline: 0, ths: 1 };
      await addSweepTotals(
        ctx.db,
        bucketStart(at, TOTALS_BUCKET_MINUTES),
        new Map([[SITE, tally]]),
        `bench:${s}`,
      );
      const wall = (performance.now() - wall0) / 1000;
      const used = process.cpuUsage(client0);
      const client = (used.user + used.system) / 1e6;
      const pidAfter = await backendPid?.();
      if (pid !== undefined && pidAfter !== pid) throw new Error('the pool changed backends mid-sweep');
      const server = pid === undefined ? 0 : processCpuSeconds(pid) - server0;
      if (s === 0) totals.firstServer = server;
      else {
        totals.server += server;
        totals.client += client;
      }
      const kind =
        s === 0
          ? 'first (states inserted, statuses changed)'
          : at.getTime() === poll.bucket.getTime()
            ? 'new bucket'
            : 'same bucket';
      console.log(
        `sweep ${s + 1} ${kind.padEnd(42)} server ${server.toFixed(2)} CPU-s  this process ${client.toFixed(2)} CPU-s  wall ${wall.toFixed(2)} s  load ${loadavg()[0]!.toFixed(1)}`,
      );
    }
    if (sweeps > 1)
      console.log(
        `mean of sweeps 2-${sweeps}: server ${(totals.server / (sweeps - 1)).toFixed(2)} CPU-s, this process ${(totals.client / (sweeps - 1)).toFixed(2)} CPU-s`,
      );
    const sizes = await sql<{ rel: string; bytes: string }>`
      select relname as rel, pg_total_relation_size(oid)::text as bytes from pg_class
      where relname in ('fleet_machine_state', 'fleet_telemetry_default') or relname like 'fleet_telemetry_2%'`.execute(
      ctx.db,
    );
    console.log(sizes.rows.map((r) => `${r.rel} ${(Number(r.bytes) / 1048576).toFixed(1)} MB`).join(', '));
  } finally {
    await close();
  }
}

await main();
