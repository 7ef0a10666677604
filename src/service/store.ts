/** The service module's SQL: the tables its projections keep and the reads its services make. */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { NormalisedTelemetry } from '../fleet/protocol/telemetry.js';
import type { Day, Month } from '../kernel/calendar.js';
import { fromStoredJson, type Json, toStoredJson } from '../kernel/json.js';
import type { SalesTables } from '../sales/store.js';
import type { AlertLink, StepDetail, TicketOpened } from './events.js';
import type {
  Centre,
  DeliveredRange,
  Part,
  SerialLot,
  SerialRange,
  Step,
  TicketClass,
  WaitReason,
  WarrantyPolicy,
  WarrantyStart,
} from './model.js';
import { isSiteOps, SERIAL_SQL } from './model.js';
import { DONE, type WorkingCalendar } from './sla.js';

interface RangeCols {
  product_id: string;
  month: Month;
  first_seq: number;
  last_seq: number;
}

export type ServiceTables = {
  service_serial_lots: RangeCols & { batch: string; foundry_lot: string; event_id: bigint };
  service_delivered_serials: RangeCols & {
    customer_id: bigint;
    contract_id: bigint;
    dispatched_on: Day;
    delivered_on: Day;
    event_id: bigint;
  };
  service_machine_serials: { machine_id: bigint; serial: string; linked_at: Date };
  service_warranty_policies: {
    product_id: string;
    batch: string;
    term_days: number;
    starts_at: string;
    doa_days: number;
    repaired_days: number;
    set_at: Date;
  };
  service_centres: {
    id: string;
    name: string;
    region: string;
    country: string;
    technicians: number;
    repairs_per_day: unknown;
    burn_in_positions: number;
    calendar: unknown;
    updated_at: Date;
  };
  service_parts_stock: { centre_id: string; part: string; on_hand: number };
  service_tickets: {
    id: bigint;
    origin: string;
    class: string;
    route: string;
    serial: string | null;
    product_id: string | null;
    customer_id: bigint | null;
    machine_id: bigint | null;
    site: string | null;
    centre_id: string | null;
    step: string;
    open: boolean;
    waiting_for: string | null;
    summary: string;
    opened_at: Date;
    opened_by: string;
    evidence: number;
    warranty: boolean | null;
    replacement_serial: string | null;
    cost_cents: bigint;
    received_at: Date | null;
    shipped_at: Date | null;
    updated_at: Date;
    /** The ticket's steps, `step@epochMs` apart by spaces, in order (see `timelineEntry`). */
    timeline: string;
  };
  /** A finished RMA's SLA figures (sla.ts `finishedFigures`, migration 1100); null: finished before it. */
  service_ticket_sla: {
    ticket_id: bigint;
    centre_id: string;
    shipped_on: Day | null;
    measured: number | null;
    met: number | null;
    turnaround_ms: bigint | null;
  };
  service_ticket_steps: {
    ticket_id: bigint;
    seq: number;
    step: string;
    at: Date;
    actor: string;
    detail: unknown;
    event_id: bigint;
  };
  service_ticket_evidence: {
    ticket_id: bigint;
    seq: number;
    at: Date;
    fault: string;
    reply: unknown;
    event_id: bigint;
  };
  service_ticket_alerts: { alert_id: bigint; ticket_id: bigint; rule: string; event_id: bigint };
};

export const svc = (db: Db) => db.withTables<ServiceTables & Pick<SalesTables, 'sales_deliveries'>>();

// ---------------------------------------------------------------- serials

const toRange = (r: RangeCols): SerialRange => ({
  productId: r.product_id,
  month: r.month,
  first: r.first_seq,
  last: r.last_seq,
});

/** A model's build of one month: what a serial's ranges are looked up by. */
export interface BuildKey {
  productId: string;
  month: Month;
}

/** Rows of these builds only (one query for any number of serials' builds). */
const ofBuilds = (builds: readonly BuildKey[]) =>
  sql<boolean>`(product_id, month) in (select * from unnest(${builds.map((b) => b.productId)}::text[], ${builds.map((b) => b.month)}::text[]))`;

export async function selectLots(
  db: Db,
  filter: { productId?: string | undefined; builds?: readonly BuildKey[] } = {},
): Promise<SerialLot[]> {
  let q = svc(db)
    .selectFrom('service_serial_lots')
    .selectAll()
    .orderBy('product_id')
    .orderBy('month')
    .orderBy('first_seq');
  if (filter.productId) q = q.where('product_id', '=', filter.productId);
  if (filter.builds) q = q.where(ofBuilds(filter.builds));
  return (await q.execute()).map((r) => ({ ...toRange(r), batch: r.batch, foundryLot: r.foundry_lot }));
}

type DeliveredRow = ServiceTables['service_delivered_serials'];
const toDelivered = (r: DeliveredRow): DeliveredRange => ({
  ...toRange(r),
  customerId: Number(r.customer_id),
  contractId: Number(r.contract_id),
  dispatchedOn: r.dispatched_on,
  deliveredOn: r.delivered_on,
});

export async function selectDelivered(
  db: Db,
  filter: { productId?: string; customerId?: number; builds?: readonly BuildKey[] } = {},
  page?: { limit: number; offset: number },
): Promise<DeliveredRange[]> {
  let q = svc(db)
    .selectFrom('service_delivered_serials')
    .selectAll()
    .orderBy('product_id')
    .orderBy('month')
    .orderBy('first_seq');
  if (filter.productId) q = q.where('product_id', '=', filter.productId);
  if (filter.customerId !== undefined) q = q.where('customer_id', '=', BigInt(filter.customerId));
  if (filter.builds) q = q.where(ofBuilds(filter.builds));
  if (page) q = q.limit(page.limit).offset(page.offset);
  return (await q.execute()).map(toDelivered);
}

/** The delivery that sold one serial, if any: a point lookup, not the model's whole history. */
export async function saleOf(db: Db, s: BuildKey & { seq: number }): Promise<DeliveredRange | undefined> {
  const r = await svc(db)
    .selectFrom('service_delivered_serials')
    .selectAll()
    .where('product_id', '=', s.productId)
    .where('month', '=', s.month)
    .where('first_seq', '<=', s.seq)
    .where('last_seq', '>=', s.seq)
    .executeTakeFirst();
  return r && toDelivered(r);
}

/** Machines of a model delivered on a contract, and how many of them already have serials. */
export async function deliveredUnits(
  db: Db,
  contractId: number,
  productId: string,
): Promise<{ delivered: number; serialised: number }> {
  const d = await svc(db)
    .selectFrom('sales_deliveries')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('units'), sql<number>`0`).as('n'))
    .where('contract_id', '=', BigInt(contractId))
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow();
  const s = await svc(db)
    .selectFrom('service_delivered_serials')
    .select(sql<number>`coalesce(sum(last_seq - first_seq + 1), 0)`.as('n'))
    .where('contract_id', '=', BigInt(contractId))
    .where('product_id', '=', productId)
    .executeTakeFirstOrThrow();
  return { delivered: Number(d.n), serialised: Number(s.n) };
}

/** Every delivery of machines, oldest first, with its customer: what serials are recorded against. */
/** Machine deliveries per contract, model and day; one contract's with `contractId`. */
export async function selectDeliveries(db: Db, contractId?: number) {
  const one = contractId === undefined ? sql`true` : sql`d.contract_id = ${BigInt(contractId)}`;
  return sql<{ contract_id: bigint; customer_id: bigint; product_id: string; day: Day; units: number }>`
    select d.contract_id, c.customer_id, d.product_id, d.day::text as day, sum(d.units)::int as units
    from sales_deliveries d join sales_contracts c on c.id = d.contract_id
    join sales_lines l on l.contract_id = d.contract_id and l.line_id = d.line_id and l.product_kind = 'machine'
    where ${one}
    group by d.contract_id, c.customer_id, d.product_id, d.day
    order by d.day, d.contract_id, d.product_id`
    .execute(db)
    .then((r) => r.rows);
}

/**
 * Machine deliveries per contract and model with fewer serials recorded than machines delivered,
 * oldest first delivery first: what `serialiseDeliveries` gives serials to, in one query.
 */
export async function unserialisedDeliveries(db: Db) {
  const rows = await sql<{
    contract_id: bigint;
    customer_id: bigint;
    product_id: string;
    delivered: number;
    serialised: number;
    delivered_on: Day;
  }>`
    with sold as (
      select d.contract_id, c.customer_id, d.product_id, sum(d.units)::int as delivered,
        min(d.day) as first_day, max(d.day)::text as delivered_on
      from sales_deliveries d join sales_contracts c on c.id = d.contract_id
      join sales_lines l on l.contract_id = d.contract_id and l.line_id = d.line_id and l.product_kind = 'machine'
      group by d.contract_id, c.customer_id, d.product_id),
    numbered as (
      select contract_id, product_id, sum(last_seq - first_seq + 1)::int as serialised
      from service_delivered_serials group by contract_id, product_id)
    select s.contract_id, s.customer_id, s.product_id, s.delivered, coalesce(n.serialised, 0) as serialised,
      s.delivered_on
    from sold s left join numbered n on n.contract_id = s.contract_id and n.product_id = s.product_id
    where s.delivered > coalesce(n.serialised, 0)
    order by s.first_day, s.contract_id, s.product_id`.execute(db);
  return rows.rows.map((r) => ({
    contractId: Number(r.contract_id),
    customerId: Number(r.customer_id),
    productId: r.product_id,
    delivered: r.delivered,
    serialised: r.serialised,
    deliveredOn: r.delivered_on,
  }));
}

export async function insertLot(db: Db, lot: SerialLot, eventId: bigint): Promise<void> {
  await svc(db)
    .insertInto('service_serial_lots')
    .values({
      product_id: lot.productId,
      month: lot.month,
      first_seq: lot.first,
      last_seq: lot.last,
      batch: lot.batch,
      foundry_lot: lot.foundryLot,
      event_id: eventId,
    })
    .execute();
}

export async function insertDelivered(db: Db, ranges: DeliveredRange[], eventId: bigint): Promise<void> {
  if (ranges.length === 0) return;
  await svc(db)
    .insertInto('service_delivered_serials')
    .values(
      ranges.map((r) => ({
        product_id: r.productId,
        month: r.month,
        first_seq: r.first,
        last_seq: r.last,
        customer_id: BigInt(r.customerId),
        contract_id: BigInt(r.contractId),
        dispatched_on: r.dispatchedOn,
        delivered_on: r.deliveredOn,
        event_id: eventId,
      })),
    )
    .execute();
}

export async function linkMachine(db: Db, machineId: number, serial: string, at: Date): Promise<void> {
  await svc(db)
    .insertInto('service_machine_serials')
    .values({ machine_id: BigInt(machineId), serial, linked_at: at })
    .onConflict((oc) => oc.column('machine_id').doUpdateSet({ serial, linked_at: at }))
    .execute();
}

export async function serialOfMachine(db: Db, machineId: number): Promise<string | undefined> {
  const r = await svc(db)
    .selectFrom('service_machine_serials')
    .select('serial')
    .where('machine_id', '=', BigInt(machineId))
    .executeTakeFirst();
  return r?.serial;
}

/** Every fleet machine's serial, by machine id. */
export async function machineSerials(db: Db): Promise<Map<number, string>> {
  const rows = await svc(db).selectFrom('service_machine_serials').select(['machine_id', 'serial']).execute();
  return new Map(rows.map((r) => [Number(r.machine_id), r.serial]));
}

export async function machineOfSerial(db: Db, serial: string): Promise<number | undefined> {
  const r = await svc(db)
    .selectFrom('service_machine_serials')
    .select('machine_id')
    .where('serial', '=', serial)
    .executeTakeFirst();
  return r ? Number(r.machine_id) : undefined;
}

// ---------------------------------------------------------------- warranty

export async function selectPolicies(db: Db): Promise<WarrantyPolicy[]> {
  const rows = await svc(db)
    .selectFrom('service_warranty_policies')
    .selectAll()
    .orderBy('product_id')
    .orderBy('batch')
    .execute();
  return rows.map((r) => ({
    productId: r.product_id,
    batch: r.batch === '' ? null : r.batch,
    termDays: r.term_days,
    startsAt: r.starts_at as WarrantyStart,
    doaDays: r.doa_days,
    repairedDays: r.repaired_days,
  }));
}

export async function upsertPolicy(db: Db, p: WarrantyPolicy, at: Date): Promise<void> {
  const row = {
    product_id: p.productId,
    batch: p.batch ?? '',
    term_days: p.termDays,
    starts_at: p.startsAt,
    doa_days: p.doaDays,
    repaired_days: p.repairedDays,
    set_at: at,
  };
  await svc(db)
    .insertInto('service_warranty_policies')
    .values(row)
    .onConflict((oc) => oc.columns(['product_id', 'batch']).doUpdateSet(row))
    .execute();
}

/**
 * The last day each serial came back from a repair (or, for a replacement unit, was shipped out):
 * one query for any number of serials.
 */
export async function repairsOf(db: Db, serials: readonly string[]): Promise<Map<string, Day[]>> {
  const out = new Map<string, Day[]>();
  if (serials.length === 0) return out;
  // Two hash joins against the list, not `= any(list)` per ticket: 50,000 serials stay one pass.
  // Only the latest return matters (each extends the warranty from its own day), so one row a serial.
  const rows = await sql<{ serial: string; day: Day }>`
    with q(s) as (select distinct unnest(${serials as string[]}::text[])),
    back(serial, at) as (
      select t.serial, t.shipped_at from service_tickets t join q on q.s = t.serial where t.shipped_at is not null
      union all
      select t.replacement_serial, t.shipped_at from service_tickets t join q on q.s = t.replacement_serial
      where t.shipped_at is not null)
    select serial, (max(at) at time zone 'UTC')::date::text as day from back group by serial`.execute(db);
  for (const r of rows.rows) out.set(r.serial, [...(out.get(r.serial) ?? []), r.day]);
  return out;
}

// ---------------------------------------------------------------- centres and parts

type CentreRow = ServiceTables['service_centres'];
const toCentre = (r: CentreRow): Centre => ({
  id: r.id,
  name: r.name,
  region: r.region,
  country: r.country,
  technicians: r.technicians,
  repairsPerDay: r.repairs_per_day as Record<string, number>,
  burnInPositions: r.burn_in_positions,
  calendar: r.calendar as WorkingCalendar,
});

export async function selectCentres(db: Db): Promise<Centre[]> {
  return (await svc(db).selectFrom('service_centres').selectAll().orderBy('id').execute()).map(toCentre);
}

export async function findCentre(db: Db, id: string): Promise<Centre | undefined> {
  const r = await svc(db).selectFrom('service_centres').selectAll().where('id', '=', id).executeTakeFirst();
  return r && toCentre(r);
}

export async function upsertCentre(db: Db, c: Centre, at: Date): Promise<void> {
  const row = {
    id: c.id,
    name: c.name,
    region: c.region,
    country: c.country,
    technicians: c.technicians,
    repairs_per_day: JSON.stringify(c.repairsPerDay),
    burn_in_positions: c.burnInPositions,
    calendar: JSON.stringify(c.calendar),
    updated_at: at,
  };
  await svc(db)
    .insertInto('service_centres')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

export async function stockOf(
  db: Db,
  centreId?: string,
): Promise<{ centreId: string; part: Part; onHand: number }[]> {
  let q = svc(db).selectFrom('service_parts_stock').selectAll().orderBy('centre_id').orderBy('part');
  if (centreId) q = q.where('centre_id', '=', centreId);
  return (await q.execute()).map((r) => ({ centreId: r.centre_id, part: r.part as Part, onHand: r.on_hand }));
}

export async function onHand(db: Db, centreId: string, part: Part): Promise<number> {
  const r = await svc(db)
    .selectFrom('service_parts_stock')
    .select('on_hand')
    .where('centre_id', '=', centreId)
    .where('part', '=', part)
    .executeTakeFirst();
  return r?.on_hand ?? 0;
}

export async function moveStock(db: Db, centreId: string, part: Part, delta: number): Promise<void> {
  // A taking updates the row (its decide checked there is one with enough): an insert of a
  // negative count would fail the check before the conflict turned it into an update.
  if (delta < 0) {
    await svc(db)
      .updateTable('service_parts_stock')
      .set({ on_hand: sql`on_hand + ${delta}` })
      .where('centre_id', '=', centreId)
      .where('part', '=', part)
      .execute();
    return;
  }
  await svc(db)
    .insertInto('service_parts_stock')
    .values({ centre_id: centreId, part, on_hand: delta })
    .onConflict((oc) =>
      oc.columns(['centre_id', 'part']).doUpdateSet({ on_hand: sql`service_parts_stock.on_hand + ${delta}` }),
    )
    .execute();
}

/** Per centre, RMAs received and not yet shipped back: the load routing weighs. */
export async function backlogByCentre(db: Db): Promise<Map<string, number>> {
  const rows = await svc(db)
    .selectFrom('service_tickets')
    .select(['centre_id', (eb) => eb.fn.countAll<bigint>().as('n')])
    .where('open', '=', true)
    .where('route', '=', 'rma')
    .where('shipped_at', 'is', null)
    .where('centre_id', 'is not', null)
    .groupBy('centre_id')
    .execute();
  return new Map(rows.map((r) => [r.centre_id!, Number(r.n)]));
}

// ---------------------------------------------------------------- tickets

export type TicketRow = ServiceTables['service_tickets'];

export interface TicketFacts {
  id: number;
  origin: 'customer' | 'fleet';
  ticketClass: TicketClass;
  route: 'rma' | 'site-ops';
  serial: string | null;
  productId: string | null;
  customerId: number | null;
  machineId: number | null;
  site: string | null;
  centreId: string | null;
  step: Step;
  open: boolean;
  waitingFor: WaitReason | null;
  summary: string;
  openedAt: Date;
  openedBy: string;
  evidence: number;
  warranty: boolean | null;
  replacementSerial: string | null;
  costCents: bigint;
  receivedAt: Date | null;
  shippedAt: Date | null;
}

export const toTicket = (r: TicketRow): TicketFacts => ({
  id: Number(r.id),
  origin: r.origin as TicketFacts['origin'],
  ticketClass: r.class as TicketClass,
  route: r.route as TicketFacts['route'],
  serial: r.serial,
  productId: r.product_id,
  customerId: r.customer_id === null ? null : Number(r.customer_id),
  machineId: r.machine_id === null ? null : Number(r.machine_id),
  site: r.site,
  centreId: r.centre_id,
  step: r.step as Step,
  open: r.open,
  waitingFor: r.waiting_for as WaitReason | null,
  summary: r.summary,
  openedAt: r.opened_at,
  openedBy: r.opened_by,
  evidence: r.evidence,
  warranty: r.warranty,
  replacementSerial: r.replacement_serial,
  costCents: r.cost_cents,
  receivedAt: r.received_at,
  shippedAt: r.shipped_at,
});

export async function findTicket(db: Db, id: number): Promise<TicketFacts | undefined> {
  const r = await svc(db)
    .selectFrom('service_tickets')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return r && toTicket(r);
}

export async function findOpenTicket(
  db: Db,
  by: { machineId?: number | null; serial?: string | null },
  ticketClass: TicketClass,
): Promise<TicketFacts | undefined> {
  let q = svc(db)
    .selectFrom('service_tickets')
    .selectAll()
    .where('open', '=', true)
    .where('class', '=', ticketClass);
  if (by.machineId != null) q = q.where('machine_id', '=', BigInt(by.machineId));
  else if (by.serial != null) q = q.where('serial', '=', by.serial);
  else return undefined;
  const r = await q.executeTakeFirst();
  return r && toTicket(r);
}

export interface TicketFilter {
  centreId?: string | undefined;
  customerId?: number | undefined;
  origin?: 'customer' | 'fleet' | undefined;
  open?: boolean | undefined;
  serial?: string | undefined;
  /** Only tickets that sent a replacement unit. */
  replaced?: boolean | undefined;
  after?: number | undefined;
  offset?: number | undefined;
  limit: number;
}

function ticketsWhere(db: Db, f: Omit<TicketFilter, 'limit' | 'offset'>) {
  let q = svc(db).selectFrom('service_tickets');
  if (f.centreId) q = q.where('centre_id', '=', f.centreId);
  if (f.customerId !== undefined) q = q.where('customer_id', '=', BigInt(f.customerId));
  if (f.origin) q = q.where('origin', '=', f.origin);
  if (f.open !== undefined) q = q.where('open', '=', f.open);
  if (f.replaced) q = q.where('replacement_serial', 'is not', null);
  if (f.serial)
    q = q.where((eb) => eb.or([eb('serial', '=', f.serial!), eb('replacement_serial', '=', f.serial!)]));
  if (f.after !== undefined) q = q.where('id', '>', BigInt(f.after));
  return q;
}

export async function selectTickets(db: Db, f: TicketFilter): Promise<TicketFacts[]> {
  let q = ticketsWhere(db, f).selectAll().orderBy('id').limit(f.limit);
  if (f.offset) q = q.offset(f.offset);
  return (await q.execute()).map(toTicket);
}

export async function countTickets(db: Db, f: Omit<TicketFilter, 'limit' | 'offset'>): Promise<number> {
  const r = await ticketsWhere(db, f)
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function countDelivered(db: Db, customerId: number): Promise<number> {
  const r = await svc(db)
    .selectFrom('service_delivered_serials')
    .select((eb) => eb.fn.countAll<bigint>().as('n'))
    .where('customer_id', '=', BigInt(customerId))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export interface StepRow {
  seq: number;
  step: Step | 'waiting' | 'resumed';
  at: Date;
  actor: string;
  detail: StepDetail;
}

export async function stepsOf(db: Db, ticketId: number): Promise<StepRow[]> {
  const rows = await svc(db)
    .selectFrom('service_ticket_steps')
    .selectAll()
    .where('ticket_id', '=', BigInt(ticketId))
    .orderBy('seq')
    .execute();
  return rows.map((r) => ({
    seq: r.seq,
    step: r.step as StepRow['step'],
    at: r.at,
    actor: r.actor,
    detail: fromStoredJson<StepDetail>(r.detail ?? {}),
  }));
}

export async function evidenceOf(db: Db, ticketId: number) {
  return (
    await svc(db)
      .selectFrom('service_ticket_evidence')
      .selectAll()
      .where('ticket_id', '=', BigInt(ticketId))
      .orderBy('seq')
      .execute()
  ).map((r) => ({ seq: r.seq, at: r.at, fault: r.fault, reply: r.reply as Json }));
}

/** A ticket's latest poll, as the fault catalogue reads one (`faults.ts`): a persisting fault's is compared with it. */
export async function lastEvidence(
  db: Db,
  ticketId: number,
): Promise<{ at: Date; reply: { status: string; telemetry: NormalisedTelemetry | null } } | undefined> {
  const r = await svc(db)
    .selectFrom('service_ticket_evidence')
    .select(['at', 'reply'])
    .where('ticket_id', '=', BigInt(ticketId))
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return undefined;
  const reply = (r.reply ?? {}) as { status?: string; telemetry?: NormalisedTelemetry | null };
  return { at: r.at, reply: { status: reply.status ?? '', telemetry: reply.telemetry ?? null } };
}

/** A step in a ticket's timeline column: its name and epoch milliseconds (migration 0921). */
export const timelineEntry = (step: string, at: Date | string): string => `${step}@${new Date(at).getTime()}`;

/** The entries of a timeline column, in order. */
export function parseTimeline(line: string): { step: string; at: number }[] {
  if (line === '') return [];
  return line.split(' ').map((e) => {
    const i = e.lastIndexOf('@');
    return { step: e.slice(0, i), at: Number(e.slice(i + 1)) };
  });
}

/** A line of `timelinesByCentre`: a ticket's step, a space, its timeline column. */
const TIMELINE_LINE = sql`step || ' ' || timeline`;

/**
 * Each centre's RMA tickets, a line a ticket (`TIMELINE_LINE`): every ticket measured from its
 * steps, as the SLA's figures were before finished tickets' were stored (the tests' and the
 * benchmark's reference). One text a centre: thousands of rows cost the embedded database far
 * more to hand over one by one than as one value.
 */
export async function timelinesByCentre(db: Db, centreId?: string): Promise<Map<string, string[]>> {
  const one = centreId === undefined ? sql`true` : sql`centre_id = ${centreId}`;
  const rows = await sql<{ centre_id: string; lines: string }>`
    select centre_id, string_agg(${TIMELINE_LINE}, E'\n') as lines
    from service_tickets
    where route = 'rma' and centre_id is not null and ${one}
    group by centre_id`.execute(db);
  return new Map(rows.rows.map((r) => [r.centre_id, r.lines.split('\n')]));
}

/** A finished ticket's step: the rows that carry their SLA figures. */
const FINISHED_SQL = sql`step = any(${[...DONE]}::text[])`;

/**
 * The finished RMAs at a centre (of these ids, or all of that centre's), with their timeline, the
 * day they were shipped back and their centre's calendar: what their stored SLA figures are
 * worked out from. A ticket at a centre not yet described has none. The centres' rows are locked
 * for share: a ticket finishing while its centre's calendar changes (two streams, nothing else
 * orders them on PostgreSQL) waits for the change and works its figures out by the new calendar,
 * or makes the change wait and is then recomputed by it; either way as a replay has it. By id, so
 * two fills of earlier tickets (two `serve`) update rows in one order and cannot deadlock.
 */
export async function finishedTimelines(
  db: Db,
  which: { ticketIds: readonly number[] } | { centreId: string },
): Promise<
  { id: string; timeline: string; centreId: string; shippedOn: Day | null; calendar: WorkingCalendar }[]
> {
  // The ids joined as a set (an import names 100,000): `= any` of a long array scans it a row.
  const only =
    'centreId' in which
      ? sql`where t.centre_id = ${which.centreId}`
      : sql`join unnest(${which.ticketIds.map(String)}::int8[]) as w(id) on w.id = t.id where true`;
  const rows = await sql<{
    id: string;
    timeline: string;
    centre_id: string;
    shipped_on: Day | null;
    calendar: WorkingCalendar;
  }>`
    select t.id::text as id, t.timeline, t.centre_id, (t.shipped_at at time zone 'UTC')::date as shipped_on, c.calendar
    from service_tickets t join service_centres c on c.id = t.centre_id
    ${only} and t.route = 'rma' and ${FINISHED_SQL}
    order by t.id
    for share of c`.execute(db);
  return rows.rows.map((r) => ({
    id: r.id,
    timeline: r.timeline,
    centreId: r.centre_id,
    shippedOn: r.shipped_on,
    calendar: r.calendar,
  }));
}

/**
 * Up to `limit` finished tickets past `afterId` whose SLA figures are not stored (finished before
 * migration 1100), by id.
 */
export async function ticketsWithoutFigures(db: Db, afterId: string, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select ticket_id::text as id from service_ticket_sla
    where measured is null and ticket_id > ${afterId}::int8
    order by ticket_id limit ${limit}`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Stores finished tickets' SLA figures (migration 1100), one statement for a few thousand. */
export async function setFinishedFigures(
  db: Db,
  rows: readonly {
    id: string;
    centreId: string;
    shippedOn: Day | null;
    measured: number;
    met: number;
    turnaroundMs: number | null;
  }[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await sql`
      insert into service_ticket_sla (ticket_id, centre_id, shipped_on, measured, met, turnaround_ms)
      select id, "centreId", "shippedOn", measured, met, "turnaroundMs"
      from jsonb_to_recordset(${JSON.stringify(rows.slice(i, i + 5000))}::jsonb)
        as f(id int8, "centreId" text, "shippedOn" date, measured int2, met int2, "turnaroundMs" int8)
      on conflict (ticket_id) do update set centre_id = excluded.centre_id, shipped_on = excluded.shipped_on,
        measured = excluded.measured, met = excluded.met, turnaround_ms = excluded.turnaround_ms`.execute(db);
  }
}

/** Whether the centre is stored with this calendar (as JSON, whatever the order of its keys). */
export async function hasCalendar(db: Db, centreId: string, calendar: WorkingCalendar): Promise<boolean> {
  const r = await sql<{ same: boolean }>`
    select calendar = ${JSON.stringify(calendar)}::jsonb as same from service_centres where id = ${centreId}`.execute(
    db,
  );
  return r.rows[0]?.same === true;
}

/** A centre's RMAs as the SLA reads them (`slaByCentre`). */
export interface CentreSlaRows {
  /** The finished tickets with stored figures, summed (`FinishedSums` in sla.ts). */
  tickets: number;
  measured: number;
  met: number;
  turnaroundMs: number[];
  /** The others, a line each (`TIMELINE_LINE`): the unfinished ones, and any finished before migration 1100. */
  lines: string[];
}

/**
 * Each centre's RMAs (all, or those shipped back on these days), in one statement so one snapshot:
 * a ticket finishing meanwhile is counted once, either summed or measured. The sums come from the
 * narrow table of stored figures; the lines are the unfinished tickets (a partial index finds
 * them) and the finished ones stored without figures, each found by its key.
 */
export async function slaByCentre(
  db: Db,
  centreId?: string,
  shippedIn?: { from: Day; to: Day },
): Promise<Map<string, CentreSlaRows>> {
  const one = (col: string) => (centreId === undefined ? sql`true` : sql`${sql.ref(col)} = ${centreId}`);
  const shipped =
    shippedIn === undefined
      ? sql`true`
      : sql`s.shipped_on between ${shippedIn.from}::date and ${shippedIn.to}::date`;
  // A ticket not yet shipped back was shipped on no day of any span.
  const unfinished = shippedIn === undefined ? sql`true` : sql`false`;
  const rows = await sql<{
    centre_id: string;
    tickets: number;
    measured: number;
    met: number;
    turnaround: string | null;
    lines: string | null;
  }>`
    select s.centre_id, count(s.measured)::int as tickets, coalesce(sum(s.measured), 0)::int as measured,
      coalesce(sum(s.met), 0)::int as met, string_agg(s.turnaround_ms::text, ' ') as turnaround, null as lines
    from service_ticket_sla s
    where s.measured is not null and ${one('s.centre_id')} and ${shipped}
    group by s.centre_id
    union all
    select t.centre_id, 0, 0, 0, null, string_agg(${TIMELINE_LINE}, E'\n')
    from service_tickets t
    where t.route = 'rma' and t.open and t.shipped_at is null and t.centre_id is not null
      and ${one('t.centre_id')} and ${unfinished}
    group by t.centre_id
    union all
    select s.centre_id, 0, 0, 0, null, string_agg(${TIMELINE_LINE}, E'\n')
    from service_ticket_sla s join service_tickets t on t.id = s.ticket_id
    where s.measured is null and ${one('s.centre_id')} and ${shipped}
    group by s.centre_id`.execute(db);
  const out = new Map<string, CentreSlaRows>();
  for (const r of rows.rows) {
    const c = out.get(r.centre_id) ?? { tickets: 0, measured: 0, met: 0, turnaroundMs: [], lines: [] };
    c.tickets += r.tickets;
    c.measured += r.measured;
    c.met += r.met;
    // concat, not push(...): a spread passes each element as an argument, and a centre's tens of
    // thousands of tickets would overflow the call stack.
    if (r.turnaround !== null) c.turnaroundMs = c.turnaroundMs.concat(r.turnaround.split(' ').map(Number));
    if (r.lines !== null) c.lines = c.lines.concat(r.lines.split('\n'));
    out.set(r.centre_id, c);
  }
  return out;
}

// ---------------------------------------------------------------- ticket projections

/** A ticket's row as it is opened: one shape for a single ticket and for imported histories. */
export const openRow = (o: TicketOpened, by: string, at: Date): TicketRow => ({
  id: BigInt(o.ticketId),
  origin: o.origin,
  class: o.ticketClass,
  route: isSiteOps(o.ticketClass) ? 'site-ops' : 'rma',
  serial: o.serial,
  product_id: o.productId,
  customer_id: o.customerId === null ? null : BigInt(o.customerId),
  machine_id: o.machineId === null ? null : BigInt(o.machineId),
  site: o.site,
  centre_id: o.centreId,
  step: 'requested',
  open: true,
  waiting_for: null,
  summary: o.summary,
  opened_at: new Date(o.at),
  opened_by: by,
  evidence: o.evidence ? 1 : 0,
  warranty: null,
  replacement_serial: null,
  cost_cents: 0n,
  received_at: null,
  shipped_at: null,
  updated_at: at,
  timeline: timelineEntry('requested', o.at),
});

export async function insertTicket(
  db: Db,
  o: TicketOpened,
  by: string,
  eventId: bigint,
  at: Date,
): Promise<void> {
  await svc(db)
    .insertInto('service_tickets')
    .values(openRow(o, by, at))
    .execute();
  await insertStep(db, o.ticketId, 1, 'requested', new Date(o.at), by, {}, eventId);
  if (o.evidence)
    await insertEvidence(db, o.ticketId, 1, new Date(o.at), o.evidence.fault, o.evidence.reply, eventId);
}

export async function insertStep(
  db: Db,
  ticketId: number,
  seq: number,
  step: string,
  at: Date,
  actor: string,
  detail: StepDetail,
  eventId: bigint,
): Promise<void> {
  await svc(db)
    .insertInto('service_ticket_steps')
    .values({
      ticket_id: BigInt(ticketId),
      seq,
      step,
      at,
      actor,
      detail: JSON.stringify(toStoredJson(detail)),
      event_id: eventId,
    })
    .execute();
}

export async function nextStepSeq(db: Db, ticketId: number): Promise<number> {
  const r = await svc(db)
    .selectFrom('service_ticket_steps')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .where('ticket_id', '=', BigInt(ticketId))
    .executeTakeFirst();
  return Number(r?.seq ?? 0) + 1;
}

export async function insertEvidence(
  db: Db,
  ticketId: number,
  seq: number,
  at: Date,
  fault: string,
  reply: Json,
  eventId: bigint,
): Promise<void> {
  await svc(db)
    .insertInto('service_ticket_evidence')
    .values({ ticket_id: BigInt(ticketId), seq, at, fault, reply: JSON.stringify(reply), event_id: eventId })
    .execute();
}

export async function updateTicket(db: Db, id: number, changes: Partial<TicketRow>): Promise<void> {
  await svc(db).updateTable('service_tickets').set(changes).where('id', '=', BigInt(id)).execute();
}

/** A step's changes to its ticket's row, the step appended to the row's timeline. */
export async function stepOnTicket(
  db: Db,
  id: number,
  changes: Partial<TicketRow>,
  step: string,
  at: Date,
): Promise<void> {
  await svc(db)
    .updateTable('service_tickets')
    .set({ ...changes, timeline: sql<string>`timeline || ${` ${timelineEntry(step, at)}`}` })
    .where('id', '=', BigInt(id))
    .execute();
}

/** Bulk insert of whole rows, a JSON document per chunk (the imports of the demo and the benchmark). */
export async function insertRows(
  db: Db,
  table: 'service_tickets' | 'service_ticket_steps' | 'service_ticket_evidence',
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(rows.slice(i, i + 5000), (_k, v) =>
      typeof v === 'bigint' ? v.toString() : v,
    );
    await sql`insert into ${sql.table(table)} select * from jsonb_populate_recordset(null::${sql.table(table)}, ${json}::jsonb)`.execute(
      db,
    );
  }
}

/**
 * The month (UTC) the latest hardware ticket with a serial, of a model or of any, was opened in:
 * the last a failure rate can count (a fleet machine's ticket has no serial). None without one.
 */
export async function latestRmaMonth(db: Db, productId?: string): Promise<Month | undefined> {
  const one = productId === undefined ? sql`product_id is not null` : sql`product_id = ${productId}`;
  const r = await sql<{ month: Month | null }>`
    select to_char(max(opened_at) at time zone 'UTC', 'YYYY-MM') as month from service_tickets
    where route = 'rma' and serial is not null and ${one}`.execute(db);
  return r.rows[0]?.month ?? undefined;
}

/**
 * Hardware tickets counted by the model, batch and foundry lot their serial falls in, class and
 * month opened: what failure rates divide. A serial outside every labelled lot is of its build
 * month's batch; a text that is no serial of ours (`parseSerial`'s rule, as `SERIAL_SQL`) is not counted.
 */
export async function failureCounts(db: Db, productId?: string, opened?: { from: Day; to: Day }) {
  // Tickets of no model of ours (`product_id` null) are left out, as the counts per model always did.
  const one = productId === undefined ? sql`t.product_id is not null` : sql`t.product_id = ${productId}`;
  // UTC days, as the month each ticket is counted in is read (`opened_at at time zone 'UTC'`).
  const within =
    opened === undefined
      ? sql`true`
      : sql`t.opened_at >= ${opened.from}::date::timestamp at time zone 'UTC'
          and t.opened_at < (${opened.to}::date + 1)::timestamp at time zone 'UTC'`;
  return sql<{
    product_id: string;
    batch: string;
    foundry_lot: string | null;
    class: string;
    month: Month;
    tickets: number;
  }>`
    with ours as materialized (
      select t.class, t.opened_at, t.serial from service_tickets t
      where t.route = 'rma' and t.serial is not null and t.serial ~ ${SERIAL_SQL.pattern} and length(t.serial) <= ${SERIAL_SQL.maxLength}
        and ${one} and ${within}),
    serial as materialized (
      -- A serial of ours ends in -YYYYMM-NNNNNN: its parts by position, read once a ticket.
      select class, to_char(opened_at at time zone 'UTC', 'YYYY-MM') as opened,
        left(serial, -14) as product_id,
        substr(serial, length(serial) - 12, 4) || '-' || substr(serial, length(serial) - 8, 2) as month,
        right(serial, 6)::int as seq
      from ours
      where substr(serial, length(serial) - 8, 2)::int between 1 and 12 and right(serial, 6)::int >= 1)
    select s.product_id, coalesce(l.batch, s.month) as batch, l.foundry_lot, s.class, s.opened as month,
      count(*)::int as tickets
    -- The lots read once (offset 0 keeps them a subquery the plan holds in memory): the tickets'
    -- parts are estimated at a few rows, and the plan otherwise scanned the lots table again for
    -- each ticket (3,204 times for the demo's 2022Q2: 99 ms CPU against 44 at load 21, same rows).
    from serial s left join (select * from service_serial_lots offset 0) l
      on l.product_id = s.product_id and l.month = s.month and s.seq between l.first_seq and l.last_seq
    group by s.product_id, coalesce(l.batch, s.month), l.foundry_lot, s.class, s.opened`
    .execute(db)
    .then((r) => r.rows);
}

/** Tickets opened and RMAs shipped back between two days, and what warranty repairs shipped cost. */
export async function quarterTickets(db: Db, from: Day, to: Day) {
  // UTC days, whatever the session's time zone (a cast of a timestamptz to date takes its day
  // there): the instants from the first day's UTC midnight to the one after the last day's. As
  // ranges of instants, the `where` finds the tickets by their indexes (migration 1250).
  const start = sql`${from}::date::timestamp at time zone 'UTC'`;
  const end = sql`(${to}::date + 1)::timestamp at time zone 'UTC'`;
  const opened = sql`(opened_at >= ${start} and opened_at < ${end})`;
  const shipped = sql`(shipped_at >= ${start} and shipped_at < ${end})`;
  const r = await sql<{ opened: number; customers: number; fleet: number; shipped: number; cost: string }>`
    select
      count(*) filter (where ${opened})::int as opened,
      count(*) filter (where origin = 'customer' and ${opened})::int as customers,
      count(*) filter (where origin = 'fleet' and ${opened})::int as fleet,
      count(*) filter (where ${shipped})::int as shipped,
      coalesce(sum(cost_cents) filter (where warranty and ${shipped}), 0)::text as cost
    from service_tickets
    where ${opened} or ${shipped}`.execute(db);
  const row = r.rows[0]!;
  return {
    opened: row.opened,
    fromCustomers: row.customers,
    fromFleet: row.fleet,
    shipped: row.shipped,
    warrantyCostCents: BigInt(row.cost),
  };
}

/** Serials of a model sent out as replacements or linked to a fleet machine: no longer in stock. */
export async function serialsOutOfStock(db: Db, productId: string): Promise<string[]> {
  const like = `${productId}-%`;
  const rows = await sql<{ serial: string }>`
    select replacement_serial as serial from service_tickets where replacement_serial like ${like}
    union select serial from service_machine_serials where serial like ${like}`.execute(db);
  return rows.rows.map((r) => r.serial);
}

// ---------------------------------------------------------------- alerts taken up by fleet tickets

export async function insertAlertLinks(
  db: Db,
  ticketId: number,
  links: readonly AlertLink[],
  eventId: bigint,
): Promise<void> {
  if (links.length === 0) return;
  await svc(db)
    .insertInto('service_ticket_alerts')
    .values(
      links.map((l) => ({
        alert_id: BigInt(l.alertId),
        ticket_id: BigInt(ticketId),
        rule: l.rule,
        event_id: eventId,
      })),
    )
    .execute();
}

export async function alertsOfTicket(db: Db, ticketId: number): Promise<AlertLink[]> {
  const rows = await svc(db)
    .selectFrom('service_ticket_alerts')
    .select(['alert_id', 'rule'])
    .where('ticket_id', '=', BigInt(ticketId))
    .orderBy('alert_id')
    .execute();
  return rows.map((r) => ({ alertId: Number(r.alert_id), rule: r.rule }));
}

/** Open alerts on fleet machines that no ticket has taken up yet. */
export async function untakenMachineAlerts(
  db: Db,
): Promise<(AlertLink & { machineId: number; summary: string })[]> {
  const rows = await sql<{ id: bigint; rule: string; machine_id: bigint; summary: string }>`
    select a.id, a.rule, a.machine_id, a.summary from alerts a
    where a.state <> 'resolved' and a.machine_id is not null
      and not exists (select 1 from service_ticket_alerts l where l.alert_id = a.id)`.execute(db);
  return rows.rows.map((r) => ({
    alertId: Number(r.id),
    rule: r.rule,
    machineId: Number(r.machine_id),
    summary: r.summary,
  }));
}
