/**
 * Tickets from the fleet's own faults. A catalogue (pure) maps what a machine reported in its last
 * poll to ticket classes; when a sweep is evaluated (alerts/service.ts `evaluateLatest`, once per
 * sweep, right after the sweep's alerts) `raiseFleetFaults` opens one ticket per machine and
 * class, or adds the new poll to the one already open, the reply attached as evidence, when it
 * tells something new (`evidenceDue`): not on every sweep a fault persists. That is a
 * fault's only way to a ticket: an alert never opens one, it is taken up by the ticket of its
 * fault. Environment and network faults go to site operations, the rest to the nearest centre.
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { catalogueProductOf } from '../fleet/model.js';
import { psuErrorNames } from '../fleet/protocol/avalon.js';
import { DEFAULT_THRESHOLDS } from '../fleet/protocol/health.js';
import type { NormalisedTelemetry } from '../fleet/protocol/telemetry.js';
import { fleetDb } from '../fleet/store.js';
import type { Json } from '../kernel/json.js';
import { nextNumber } from '../ledger/ledger.js';
import type { AlertLink, TicketOpened } from './events.js';
import { isSiteOps, parseSerial, type TicketClass } from './model.js';
import { recordService, ticketStream } from './projections.js';
import * as store from './store.js';
import { routeTo } from './tickets.js';

/**
 * The catalogue's one table: every fault the service knows, the ticket class it calls for, and the
 * alert rule (src/alerts) that fires on the same condition. The catalogue's reading of the poll
 * (`faultsOf`) decides the ticket; an alert of a rule named here is taken up by the ticket of the
 * same fault, so one fault is one alert and one ticket that name each other.
 */
export const FAULT_CATALOGUE = {
  offline: { ticketClass: 'network', alertRule: 'machine-offline' },
  'board-down': { ticketClass: 'board-rma', alertRule: 'board-down' },
  'board-missing': { ticketClass: 'board-rma', alertRule: null },
  'chips-missing': { ticketClass: 'board-rma', alertRule: null },
  'over-temperature': { ticketClass: 'board-rma', alertRule: 'over-temperature' },
  'inlet-hot': { ticketClass: 'environment', alertRule: 'over-temperature' },
  'hw-errors': { ticketClass: 'board-rma', alertRule: null },
  'fan-failure': { ticketClass: 'fan-spare', alertRule: 'fan-failure' },
  'psu-fault': { ticketClass: 'psu', alertRule: 'psu-fault' },
  'controller-error': { ticketClass: 'controller', alertRule: null },
} as const satisfies Record<string, { ticketClass: TicketClass; alertRule: string | null }>;
export type FaultCode = keyof typeof FAULT_CATALOGUE;

/** The ticket class whose faults an alert rule reports: that of the first code of the table naming the rule. */
export function classOfAlertRule(rule: string): TicketClass | undefined {
  const code = (Object.keys(FAULT_CATALOGUE) as FaultCode[]).find(
    (c) => FAULT_CATALOGUE[c].alertRule === rule,
  );
  return code && FAULT_CATALOGUE[code].ticketClass;
}

export interface Fault {
  ticketClass: TicketClass;
  /** The catalogue's code for what fired first, e.g. `board-down`. */
  code: FaultCode;
  /** Every code of the class that fired (the first is `code`). */
  codes: FaultCode[];
  detail: string;
  /**
   * What the fault shows without its readings: its codes and the parts at fault (boards, fans, the
   * PSU's error code). The same from poll to poll while the fault stays the same, though the
   * temperatures and speeds in `detail` move on every sweep.
   */
  shows: string;
}

const fault = (code: FaultCode, detail: string, parts: readonly (number | string)[] = []): Fault => ({
  ticketClass: FAULT_CATALOGUE[code].ticketClass,
  code,
  codes: [code],
  detail,
  shows: parts.length > 0 ? `${code} ${parts.join(',')}` : code,
});

export interface MachineReport {
  status: string;
  telemetry: NormalisedTelemetry | null;
  /** What the catalog says the model has, when the machine's model is in it. */
  expected?: { hashboards: number; chipsPerMachine: number } | undefined;
}

/** Hardware errors per hour of uptime above which the chips are failing. */
export const HW_ERRORS_PER_HOUR = 5000;

/**
 * The catalogue's rules: each reads the poll and names the fault it sees. A machine that did not
 * answer is a network fault: nothing says its hardware failed.
 */
export function faultsOf(m: MachineReport): Fault[] {
  if (m.status === 'offline') return [fault('offline', 'the machine stopped answering polls')];
  const t = m.telemetry;
  if (!t) return [];
  const out: Fault[] = [];
  const boards = t.boards ?? [];
  const best = Math.max(0, ...boards.map((b) => b.hashrateThs ?? 0));
  const down = boards.filter(
    (b) => b.hashrateThs !== undefined && b.hashrateThs <= best * DEFAULT_THRESHOLDS.boardShare,
  );
  if (down.length > 0)
    out.push(
      fault(
        'board-down',
        `hash board ${down.map((b) => b.index).join(', ')} down`,
        down.map((b) => b.index),
      ),
    );
  else if (m.expected && boards.length > 0 && boards.length < m.expected.hashboards)
    out.push(
      fault(
        'board-missing',
        `${boards.length} of ${m.expected.hashboards} hash boards report`,
        boards.map((b) => b.index),
      ),
    );
  if (m.expected) {
    const perBoard = Math.floor(m.expected.chipsPerMachine / m.expected.hashboards);
    const short = boards.filter((b) => b.chips !== undefined && b.chips < perBoard);
    if (short.length > 0)
      out.push(
        fault(
          'chips-missing',
          short.map((b) => `board ${b.index}: ${b.chips} of ${perBoard} chips`).join('; '),
          short.map((b) => b.index),
        ),
      );
  }
  const slowFans = (t.fansRpm ?? [])
    .map((rpm, i) => [rpm, i + 1] as const)
    .filter(([rpm]) => rpm < DEFAULT_THRESHOLDS.minFanRpm);
  if (slowFans.length > 0 && !t.softOff)
    out.push(
      fault(
        'fan-failure',
        slowFans.map(([rpm, i]) => `fan ${i} at ${rpm} RPM`).join('; '),
        slowFans.map(([, i]) => i),
      ),
    );
  const psuCode = t.psu?.errorCode;
  if (psuCode !== undefined && psuCode > 0)
    out.push(
      fault('psu-fault', `PSU error code ${psuCode}: ${psuErrorNames(psuCode).join(', ')}`, [psuCode]),
    );
  const inlet = t.temperatures?.inletC;
  const chip = t.temperatures?.hottestChipC;
  if (inlet !== undefined && inlet >= DEFAULT_THRESHOLDS.inletC)
    out.push(fault('inlet-hot', `inlet air ${inlet} °C`));
  else if (chip !== undefined && chip >= DEFAULT_THRESHOLDS.chipC)
    out.push(fault('over-temperature', `hottest chip ${chip} °C with inlet air ${inlet ?? '?'} °C`));
  if (t.hardwareErrors !== undefined && t.uptimeSeconds !== undefined && t.uptimeSeconds >= 3600) {
    const perHour = t.hardwareErrors / (t.uptimeSeconds / 3600);
    if (perHour > HW_ERRORS_PER_HOUR)
      out.push(fault('hw-errors', `${Math.round(perHour)} hardware errors an hour`));
  }
  if ((t.commandErrors ?? []).some((e) => e.command === 'estats' || e.command === 'stats'))
    out.push(fault('controller-error', 'the controller could not report its boards'));
  return oneByClass(out);
}

/** One ticket per class: the first fault of a class names it, the others add to its detail. */
function oneByClass(faults: readonly Fault[]): Fault[] {
  const byClass = new Map<TicketClass, Fault>();
  for (const f of faults) {
    const seen = byClass.get(f.ticketClass);
    byClass.set(
      f.ticketClass,
      seen
        ? {
            ...seen,
            codes: [...seen.codes, ...f.codes],
            detail: `${seen.detail}; ${f.detail}`,
            shows: `${seen.shows}; ${f.shows}`,
          }
        : f,
    );
  }
  return [...byClass.values()];
}

/**
 * The poll's faults with the open alerts each takes up: an alert goes with the fault it reports (a
 * code whose rule it is), else with the fault of the class its rule calls for. An alert the poll's
 * faults do not explain (its rule's threshold set apart from the catalogue's) opens nothing: it
 * waits, untaken, for a poll whose fault it is.
 */
export function faultsWithAlerts(
  polled: readonly Fault[],
  alerts: readonly AlertLink[],
): (Fault & { alerts: AlertLink[] })[] {
  const out = polled.map((f) => ({ ...f, alerts: [] as AlertLink[] }));
  for (const { alertId, rule } of alerts) {
    const same =
      out.find((f) => f.codes.some((c) => FAULT_CATALOGUE[c].alertRule === rule)) ??
      out.find((f) => f.ticketClass === classOfAlertRule(rule));
    same?.alerts.push({ alertId, rule });
  }
  return out;
}

/** A persisting fault's reminder: its poll added to the ticket once an hour, whatever it shows. */
export const EVIDENCE_REMINDER_MS = 3_600_000;

/**
 * Whether this sweep's poll of a fault is added to its open ticket: the ticket's history keeps the
 * polls that tell something new — what the fault shows changed (another board, fan, code; a kind
 * added or gone), an alert to take up — and an hourly one that it persists, not every sweep's
 * (each a ledger event: tens of thousands a day for a rack with a few faults). `last` is the
 * ticket's latest poll read by the same catalogue, its fault of the ticket's class.
 */
export function evidenceDue(
  now: RaisedFault,
  last: { fault: Fault | undefined; at: Date } | undefined,
  at: Date,
): boolean {
  if (!last || now.alerts.length > 0) return true;
  return now.shows !== last.fault?.shows || at.getTime() - last.at.getTime() >= EVIDENCE_REMINDER_MS;
}

interface MachineRow {
  id: bigint;
  site: string;
  model: string | null;
  status: string;
  telemetry: unknown;
  last_failure: string | null;
}

/** Whether the machine's status changed after `at` (one indexed read, asked only when nothing else is due). */
async function statusChangedSince(db: Db, machineId: number, at: Date): Promise<boolean> {
  const row = await fleetDb(db)
    .selectFrom('fleet_status_changes')
    .select('id')
    .where('machine_id', '=', BigInt(machineId))
    .where('at', '>', at)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
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

interface CatalogueMachine {
  id: string;
  name: string;
  hashboards: number;
  chipsPerMachine: number;
}

async function catalogue(db: Db): Promise<CatalogueMachine[]> {
  const rows = await db
    .withTables<{
      products: {
        id: string;
        name: string;
        kind: string;
        hashboards: number | null;
        chips_per_machine: number | null;
      };
    }>()
    .selectFrom('products')
    .select(['id', 'name', 'hashboards', 'chips_per_machine'])
    .where('kind', '=', 'machine')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    hashboards: r.hashboards ?? 1,
    chipsPerMachine: r.chips_per_machine ?? 1,
  }));
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
  const [machines, countries, products] = await Promise.all([
    machinesWithState(ctx.db),
    siteCountries(ctx.db),
    catalogue(ctx.db),
  ]);
  const serials = await store.machineSerials(ctx.db);
  const models = new Map(products.map((p) => [p.id, p]));
  const alertsOf = new Map<number, Awaited<ReturnType<typeof store.untakenMachineAlerts>>>();
  for (const a of await store.untakenMachineAlerts(ctx.db))
    alertsOf.set(a.machineId, [...(alertsOf.get(a.machineId) ?? []), a]);
  const result: FaultSweep = { opened: 0, added: 0 };
  const now = ctx.clock.now();
  for (const m of machines) {
    const machineId = Number(m.id);
    const serial = serials.get(machineId) ?? null;
    // A linked serial names the product; an unlinked machine is known by the model it reports.
    const productId =
      (serial && parseSerial(serial)?.productId) ?? catalogueProductOf(m.model, products) ?? null;
    const expected = productId ? models.get(productId) : undefined;
    const telemetry = (m.telemetry ?? null) as NormalisedTelemetry | null;
    const faults = faultsWithAlerts(
      faultsOf({ status: m.status, telemetry, expected }),
      alertsOf.get(machineId) ?? [],
    );
    for (const fault of faults) {
      const reply = {
        status: m.status,
        lastFailure: m.last_failure,
        telemetry: (telemetry ?? null) as Json,
      } as Json;
      const open = await store.findOpenTicket(ctx.db, { machineId }, fault.ticketClass);
      if (open) {
        const last = await store.lastEvidence(ctx.db, open.id);
        const lastFault =
          last && faultsOf({ ...last.reply, expected }).find((f) => f.ticketClass === fault.ticketClass);
        // A fault that cleared and came back shows the same as before: the status changes in
        // between say it flapped, which the ticket should hear of before the hour's reminder.
        const due =
          evidenceDue(fault, last && { fault: lastFault, at: last.at }, now) ||
          (last !== undefined && (await statusChangedSince(ctx.db, machineId, last.at)));
        if (!due) continue;
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

type RaisedFault = Fault & { alerts: AlertLink[] };

async function addEvidence(ctx: AppContext, actor: Actor, ticketId: number, fault: RaisedFault, reply: Json) {
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
      ...(fault.alerts.length > 0 ? { alerts: fault.alerts } : {}),
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
    fault: RaisedFault;
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
        ...(m.fault.alerts.length > 0 ? { alerts: m.fault.alerts } : {}),
      } satisfies TicketOpened;
    },
    async () => undefined,
  );
}
