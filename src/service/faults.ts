/**
 * Tickets from the fleet's own faults. A catalogue (pure) maps what a machine reported in its last
 * poll to ticket classes; after each sweep `raiseFleetFaults` opens one ticket per machine and
 * class, or adds the new poll to the one already open, the reply attached as evidence. Environment
 * and network faults go to site operations, the rest to the nearest centre.
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { DEFAULT_THRESHOLDS } from '../fleet/protocol/health.js';
import type { NormalisedTelemetry } from '../fleet/protocol/telemetry.js';
import { fleetDb } from '../fleet/store.js';
import type { Json } from '../kernel/json.js';
import { nextNumber } from '../ledger/ledger.js';
import type { TicketOpened } from './events.js';
import { isSiteOps, parseSerial, type TicketClass } from './model.js';
import { recordService, ticketStream } from './projections.js';
import * as store from './store.js';
import { routeTo } from './tickets.js';

export interface Fault {
  ticketClass: TicketClass;
  /** A short code for the rule that fired, e.g. `board-down`. */
  code: string;
  detail: string;
}

export interface MachineReport {
  status: string;
  telemetry: NormalisedTelemetry | null;
  /** What the catalog says the model has, when the machine's model is in it. */
  expected?: { hashboards: number; chipsPerMachine: number } | undefined;
}

/** Hardware errors per hour of uptime above which the chips are failing. */
export const HW_ERRORS_PER_HOUR = 5000;

/**
 * The catalogue: each rule reads the poll and names the class of the ticket it calls for.
 * A machine that did not answer is a network fault: nothing says its hardware failed.
 */
export function faultsOf(m: MachineReport): Fault[] {
  if (m.status === 'offline')
    return [{ ticketClass: 'network', code: 'offline', detail: 'the machine stopped answering polls' }];
  const t = m.telemetry;
  if (!t) return [];
  const out: Fault[] = [];
  const boards = t.boards ?? [];
  const best = Math.max(0, ...boards.map((b) => b.hashrateThs ?? 0));
  const down = boards.filter(
    (b) => b.hashrateThs !== undefined && b.hashrateThs <= best * DEFAULT_THRESHOLDS.boardShare,
  );
  if (down.length > 0)
    out.push({
      ticketClass: 'board-rma',
      code: 'board-down',
      detail: `hash board ${down.map((b) => b.index).join(', ')} down`,
    });
  else if (m.expected && boards.length > 0 && boards.length < m.expected.hashboards)
    out.push({
      ticketClass: 'board-rma',
      code: 'board-missing',
      detail: `${boards.length} of ${m.expected.hashboards} hash boards report`,
    });
  if (m.expected) {
    const perBoard = Math.floor(m.expected.chipsPerMachine / m.expected.hashboards);
    const short = boards.filter((b) => b.chips !== undefined && b.chips < perBoard);
    if (short.length > 0)
      out.push({
        ticketClass: 'board-rma',
        code: 'chips-missing',
        detail: short.map((b) => `board ${b.index}: ${b.chips} of ${perBoard} chips`).join('; '),
      });
  }
  const slowFans = (t.fansRpm ?? [])
    .map((rpm, i) => [rpm, i + 1] as const)
    .filter(([rpm]) => rpm < DEFAULT_THRESHOLDS.minFanRpm);
  if (slowFans.length > 0 && !t.softOff)
    out.push({
      ticketClass: 'fan-spare',
      code: 'fan-failure',
      detail: slowFans.map(([rpm, i]) => `fan ${i} at ${rpm} RPM`).join('; '),
    });
  const inlet = t.temperatures?.inletC;
  const chip = t.temperatures?.hottestChipC;
  if (inlet !== undefined && inlet >= DEFAULT_THRESHOLDS.inletC)
    out.push({ ticketClass: 'environment', code: 'inlet-hot', detail: `inlet air ${inlet} °C` });
  else if (chip !== undefined && chip >= DEFAULT_THRESHOLDS.chipC)
    out.push({
      ticketClass: 'board-rma',
      code: 'over-temperature',
      detail: `hottest chip ${chip} °C with inlet air ${inlet ?? '?'} °C`,
    });
  if (t.hardwareErrors !== undefined && t.uptimeSeconds !== undefined && t.uptimeSeconds >= 3600) {
    const perHour = t.hardwareErrors / (t.uptimeSeconds / 3600);
    if (perHour > HW_ERRORS_PER_HOUR)
      out.push({
        ticketClass: 'board-rma',
        code: 'hw-errors',
        detail: `${Math.round(perHour)} hardware errors an hour`,
      });
  }
  if ((t.commandErrors ?? []).some((e) => e.command === 'estats' || e.command === 'stats'))
    out.push({
      ticketClass: 'controller',
      code: 'controller-error',
      detail: 'the controller could not report its boards',
    });
  // One ticket per class: the first rule of a class names the fault, the others add to its detail.
  const byClass = new Map<TicketClass, Fault>();
  for (const f of out) {
    const seen = byClass.get(f.ticketClass);
    byClass.set(f.ticketClass, seen ? { ...seen, detail: `${seen.detail}; ${f.detail}` } : f);
  }
  return [...byClass.values()];
}

interface MachineRow {
  id: bigint;
  site: string;
  model: string | null;
  status: string;
  telemetry: unknown;
  last_failure: string | null;
}

async function machinesWithState(db: Db): Promise<MachineRow[]> {
  return fleetDb(db)
    .selectFrom('fleet_machines as m')
    .leftJoin('fleet_machine_state as s', 's.machine_id', 'm.id')
    .select(['m.id', 'm.site', 'm.model', 'm.status', 's.telemetry', 's.last_failure'])
    .where('m.status', 'in', ['offline', 'degraded', 'overheating', 'fan-failure', 'board-down', 'ok'])
    .execute();
}

/** Where a machine's site is: its country, read from the mining module's sites. */
async function siteCountries(db: Db): Promise<Map<string, string>> {
  const rows = await db
    .withTables<{ mining_sites: { code: string; country: string } }>()
    .selectFrom('mining_sites')
    .select(['code', 'country'])
    .execute();
  return new Map(rows.map((r) => [r.code, r.country]));
}

async function catalogue(db: Db): Promise<Map<string, { hashboards: number; chipsPerMachine: number }>> {
  const rows = await db
    .withTables<{
      products: { id: string; kind: string; hashboards: number | null; chips_per_machine: number | null };
    }>()
    .selectFrom('products')
    .select(['id', 'hashboards', 'chips_per_machine'])
    .where('kind', '=', 'machine')
    .execute();
  return new Map(
    rows.map((r) => [r.id, { hashboards: r.hashboards ?? 1, chipsPerMachine: r.chips_per_machine ?? 1 }]),
  );
}

export interface FaultSweep {
  opened: number;
  added: number;
}

/**
 * After a sweep: every fault the catalogue finds in the machines' last polls becomes a ticket, or
 * evidence on the one already open for that machine and class. Each is its own write.
 */
export async function raiseFleetFaults(ctx: AppContext, actor: Actor): Promise<FaultSweep> {
  const [machines, countries, models] = await Promise.all([
    machinesWithState(ctx.db),
    siteCountries(ctx.db),
    catalogue(ctx.db),
  ]);
  const serials = await store.machineSerials(ctx.db);
  const result: FaultSweep = { opened: 0, added: 0 };
  for (const m of machines) {
    const machineId = Number(m.id);
    const serial = serials.get(machineId) ?? null;
    const productId = (serial && parseSerial(serial)?.productId) ?? m.model;
    const telemetry = (m.telemetry ?? null) as NormalisedTelemetry | null;
    const faults = faultsOf({
      status: m.status,
      telemetry,
      expected: productId ? models.get(productId) : undefined,
    });
    for (const fault of faults) {
      const reply = {
        status: m.status,
        lastFailure: m.last_failure,
        telemetry: (telemetry ?? null) as Json,
      } as Json;
      const open = await store.findOpenTicket(ctx.db, { machineId }, fault.ticketClass);
      if (open) {
        await addEvidence(ctx, actor, open.id, fault, reply);
        result.added++;
      } else {
        await openFleetTicket(
          ctx,
          actor,
          { machineId, site: m.site, serial, productId, fault, reply },
          countries.get(m.site),
        );
        result.opened++;
      }
    }
  }
  return result;
}

async function addEvidence(ctx: AppContext, actor: Actor, ticketId: number, fault: Fault, reply: Json) {
  await recordService(
    ctx,
    {
      actor,
      kind: 'service.fault-evidence-added',
      stream: ticketStream(ticketId),
      request: { ticketId, fault },
    },
    async () => ({
      ticketId,
      at: ctx.clock.now().toISOString(),
      fault: `${fault.code}: ${fault.detail}`,
      reply,
    }),
    async () => undefined,
  );
}

async function openFleetTicket(
  ctx: AppContext,
  actor: Actor,
  m: {
    machineId: number;
    site: string;
    serial: string | null;
    productId: string | null;
    fault: Fault;
    reply: Json;
  },
  country: string | undefined,
) {
  await recordService(
    ctx,
    {
      actor,
      kind: 'service.ticket-opened',
      stream: `machine:${m.machineId}`,
      request: { machineId: m.machineId, fault: m.fault },
    },
    async (tx) => {
      const centreId =
        isSiteOps(m.fault.ticketClass) || country === undefined
          ? null
          : await routeTo(tx, { country, region: null }, m.productId ?? '*');
      return {
        ticketId: await nextNumber(tx, 'service-ticket'),
        origin: 'fleet',
        ticketClass: m.fault.ticketClass,
        serial: m.serial,
        productId: m.productId,
        customerId: null,
        machineId: m.machineId,
        site: m.site,
        centreId,
        summary: `${m.fault.code}: ${m.fault.detail}`,
        at: ctx.clock.now().toISOString(),
        evidence: { fault: `${m.fault.code}: ${m.fault.detail}`, reply: m.reply },
      } satisfies TicketOpened;
    },
    async () => undefined,
  );
}
