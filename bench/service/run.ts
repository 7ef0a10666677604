/**
 * The service network at scale: 50,000 machines built and delivered through supply's and sales'
 * real services, 10 repair centres, and 100,000 tickets with their whole histories (about 900,000
 * steps, waits for parts included) imported through the service's own import. Then timed:
 * - the SLA report of one centre (its ~10,000 tickets' steps read and measured in working hours),
 *   and of all ten; target ≤ 1 s per centre;
 * - "in warranty?" for 50,000 serials in one call; target ≤ 1 s.
 * Each beside its baseline: the same rows read by SQL with nothing computed.
 *
 *   npx tsx bench/service/run.ts [--tickets 100000] [--machines 50000] [--runs 5]
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { Actor } from '../../src/app/context.js';
import { addProduct } from '../../src/catalog/service.js';
import { createRandom } from '../../src/kernel/random.js';
import { addCustomer, bookContract, recordDelivery, recordPayment } from '../../src/sales/service.js';
import { setCentre } from '../../src/service/centres.js';
import { importTickets, type TicketHistory } from '../../src/service/imports.js';
import { formatSerial } from '../../src/service/model.js';
import { slaReport } from '../../src/service/reports.js';
import { serialiseDeliveries } from '../../src/service/serials.js';
import { timelinesByCentre } from '../../src/service/store.js';
import { buildMachines } from '../../src/service/test-fixtures.js';
import { warrantyOf } from '../../src/service/warranty.js';
import { memoryContext } from '../memory-context.js';

const TARGET_MS = 1000;
const HOUR = 3_600_000;
const REGIONS = ['asia-pacific', 'north-america', 'europe', 'central-asia', 'latin-america'] as const;

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function timed<T>(runs: number, work: () => Promise<T>) {
  let result = await work(); // warm-up
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = await work();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wall: median(wall), cpu: median(cpu), result };
}

const load = () =>
  `load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(', ')} on ${os.cpus().length} cores`;

/** One ticket's history: most repaired and shipped, some waiting for parts, some still open. */
function history(
  rng: ReturnType<typeof createRandom>,
  i: number,
  serial: string,
  centreId: string,
  start: number,
): TicketHistory {
  const steps: TicketHistory['steps'] = [];
  let at = start;
  const push = (step: TicketHistory['steps'][number]['step'], hours: number, extra = {}) => {
    at += hours * HOUR;
    steps.push({ ticketId: 0, step, at: new Date(at).toISOString(), actor: 'bench', detail: {}, ...extra });
  };
  // One in ten is still open somewhere along the way (each on its own serial, as only one ticket
  // per machine and class may be open).
  const stopAt = i % 10 === 0 ? rng.int(0, 6) : 99;
  const path: [TicketHistory['steps'][number]['step'], number][] = [
    ['authorised', rng.int(1, 30)],
    ['received', rng.int(24, 24 * 6)],
    ['diagnosed', rng.int(2, 60)],
    [rng.int(0, 3) === 0 ? 'replaced' : 'repaired', rng.int(4, 96)],
    ['burn-in', rng.int(1, 12)],
    ['shipped', rng.int(24, 24 * 5)],
    ['closed', rng.int(24, 24 * 10)],
  ];
  path.forEach(([step, hours], k) => {
    if (k >= stopAt) return;
    if (step === 'diagnosed' && rng.int(0, 4) === 0) {
      push('waiting', 1, { waitingFor: 'parts' });
      push('resumed', rng.int(24, 24 * 7));
    }
    push(step, hours);
  });
  return {
    opened: {
      origin: 'customer',
      ticketClass: 'board-rma',
      serial,
      productId: 'B1246',
      customerId: 1,
      machineId: null,
      site: null,
      centreId,
      summary: 'hash board fault',
      at: new Date(start).toISOString(),
      evidence: null,
    },
    steps,
  };
}

export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      tickets: { type: 'string', default: '100000' },
      machines: { type: 'string', default: '50000' },
      runs: { type: 'string', default: '5' },
    },
    strict: false,
  });
  const ticketCount = Number(values.tickets);
  const machineCount = Number(values.machines);
  const runs = Number(values.runs);
  const rng = createRandom('bench-service');

  const { ctx, clock, database } = await memoryContext('2021-01-05T00:00:00Z');
  const actor: Actor = { id: 'bench', role: 'admin' };
  const setupStart = performance.now();

  await addProduct(ctx, actor, {
    kind: 'machine',
    id: 'B1246',
    name: 'Bench machine',
    family: 'B12',
    generation: 12,
    algorithm: 'sha256',
    ths: 90,
    watts: 3420,
    chipsPerMachine: 330,
    hashboards: 3,
    launchDate: '2020-06-01',
    stage: 'mass-production',
  });
  await buildMachines(ctx, actor, 'B1246', '2020-12', machineCount);
  const customer = await addCustomer(ctx, actor, {
    name: 'Bench Mining',
    country: 'SG',
    region: 'asia-pacific',
  });
  const contract = await bookContract(ctx, actor, {
    customerId: customer.id,
    kind: 'futures',
    signedOn: '2020-11-10',
    terms: { depositPercent: 30, balance: 'before-shipment', creditDays: 0, depositForfeitedOnCancel: true },
    lines: [
      {
        productId: 'B1246',
        units: machineCount,
        usdPerTh: 3000n,
        usdPerUnit: undefined,
        tranches: [{ month: '2021-01', units: machineCount }],
      },
    ],
  });
  await recordPayment(ctx, actor, contract.id, {
    day: '2020-11-12',
    amountUsd: BigInt(machineCount) * 270_000n,
  });
  await recordDelivery(ctx, actor, contract.id, {
    day: '2021-01-04',
    lines: [{ lineId: 1, units: machineCount }],
  });
  await serialiseDeliveries(ctx, actor);

  const centres = Array.from({ length: 10 }, (_, i) => `C${i + 1}`);
  for (const [i, id] of centres.entries()) {
    await setCentre(ctx, actor, {
      id,
      name: `Centre ${id}`,
      region: REGIONS[i % REGIONS.length]!,
      country: ['SG', 'US', 'DE', 'KZ', 'BR'][i % 5]!,
      technicians: 12,
      repairsPerDay: { '*': 4 },
      burnInPositions: 200,
      calendar: {
        utcOffsetMinutes: [480, -300, 60, 360, -180][i % 5]!,
        hours: [1, 2, 3, 4, 5].flatMap((weekday) => [
          { weekday, from: '08:00', to: '12:00' },
          { weekday, from: '13:00', to: '17:00' },
        ]),
        holidays: ['2021-01-01', '2021-04-02', '2021-12-24', '2021-12-25'],
      },
    });
  }
  const setupMs = performance.now() - setupStart;

  const importStart = performance.now();
  const year = Date.parse('2021-01-05T00:00:00Z');
  const histories: TicketHistory[] = [];
  for (let i = 0; i < ticketCount; i++) {
    // Open tickets each take their own machine; closed ones any machine.
    const seq = i % 10 === 0 ? ((i / 10) % machineCount) + 1 : rng.int(1, machineCount);
    const serial = formatSerial({ productId: 'B1246', month: '2020-12', seq });
    histories.push(
      history(rng, i, serial, centres[rng.int(0, centres.length - 1)]!, year + rng.int(0, 330 * 24) * HOUR),
    );
  }
  for (let i = 0; i < histories.length; i += 20_000)
    await importTickets(ctx, actor, histories.slice(i, i + 20_000));
  const importMs = performance.now() - importStart;
  const steps = await sql<{ n: number }>`select count(*)::int as n from service_ticket_steps`.execute(ctx.db);
  clock.set('2022-01-01T00:00:00Z');

  console.log(
    `  set-up: ${machineCount.toLocaleString('en-US')} machines built, delivered and serialised, 10 centres in ${(setupMs / 1000).toFixed(1)} s; ` +
      `${ticketCount.toLocaleString('en-US')} tickets with ${steps.rows[0]!.n.toLocaleString('en-US')} steps imported in ${(importMs / 1000).toFixed(1)} s`,
  );

  const baseRead = await timed(runs, async () => (await timelinesByCentre(ctx.db, 'C1')).get('C1') ?? []);
  const one = await timed(runs, () => slaReport(ctx, 'C1'));
  const all = await timed(runs, () => slaReport(ctx));
  const c1 = one.result[0]!;
  console.log(
    `  baseline, C1's ${baseRead.result.length.toLocaleString('en-US')} tickets' steps read by SQL alone: ${baseRead.wall.toFixed(0)} ms wall`,
  );
  console.log(
    `  SLA report, one centre (C1):  ${one.wall.toFixed(0)} ms wall, ${one.cpu.toFixed(0)} ms CPU (target ≤ ${TARGET_MS} ms: ${one.wall <= TARGET_MS ? 'met' : 'MISSED'}) — ` +
      `SLA met ${c1.slaMetPct?.toFixed(1)} %, turnaround median ${c1.turnaroundDays.median?.toFixed(1)} d, p90 ${c1.turnaroundDays.p90?.toFixed(1)} d, backlog ${c1.backlog}`,
  );
  console.log(
    `  SLA report, all 10 centres:   ${all.wall.toFixed(0)} ms wall, ${all.cpu.toFixed(0)} ms CPU (${(all.wall / 10).toFixed(0)} ms a centre)`,
  );

  const serials = Array.from({ length: 50_000 }, (_, i) =>
    formatSerial({ productId: 'B1246', month: '2020-12', seq: (i % machineCount) + 1 }),
  );
  const baseWarranty = await timed(runs, () =>
    sql`select count(*) from service_tickets t join (select distinct unnest(${serials}::text[]) s) q on q.s = t.serial`.execute(
      ctx.db,
    ),
  );
  const w = await timed(runs, () => warrantyOf(ctx, serials, '2022-01-01'));
  const covered = w.result.filter((x) => x.inWarranty).length;
  console.log(
    `  baseline, joining 50,000 serials to the tickets by SQL alone: ${baseWarranty.wall.toFixed(0)} ms wall`,
  );
  console.log(
    `  warranty for 50,000 serials:  ${w.wall.toFixed(0)} ms wall, ${w.cpu.toFixed(0)} ms CPU (target ≤ ${TARGET_MS} ms: ${w.wall <= TARGET_MS ? 'met' : 'MISSED'}) — ` +
      `${covered.toLocaleString('en-US')} in warranty on 2022-01-01`,
  );
  console.log(`  ${load()}; medians of ${runs} runs after a warm-up`);
  await database.close();
}

if (import.meta.url === `file://${process.argv[1]}`) await main(process.argv.slice(2));
