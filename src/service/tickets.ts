/**
 * Tickets and the RMA flow: a customer's ticket (opened by service, or by sales on the customer's
 * behalf) routed to the nearest centre with room, each step an event with actor and time, steps
 * out of order refused by the model, parts taken from the centre's stock, the warranty decided at
 * diagnosis from the books.
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { dayOf, todayUtc } from '../kernel/calendar.js';
import { invalid, notFound, ruleBroken } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { findCustomer } from '../sales/store.js';
import { requireCentre } from './centres.js';
import type { StepDetail, TicketOpened } from './events.js';
import {
  checkStep,
  checkWait,
  chooseCentre,
  isSiteOps,
  type Part,
  parseSerial,
  stockAfter,
  type TicketClass,
  type WaitReason,
} from './model.js';
import { recordService, ticketStream } from './projections.js';
import type {
  CustomerRecordPageInput,
  NewTicketInput,
  TicketFilterInput,
  TicketStepInput,
} from './schemas.js';
import { requireBuiltSerial } from './serials.js';
import * as store from './store.js';
import { warrantyOf } from './warranty.js';

export async function requireTicket(db: Db, id: number, field = 'id'): Promise<store.TicketFacts> {
  const t = await store.findTicket(db, id);
  if (!t) throw notFound('Ticket', id, field);
  return t;
}

function refuseDuplicate(
  existing: store.TicketFacts | undefined,
  what: string,
  ticketClass: TicketClass,
): void {
  if (existing) {
    throw ruleBroken(
      'service.duplicate-ticket',
      `${what} already has open ticket ${existing.id} of class ${ticketClass}; add to it instead.`,
      'ticketClass',
      { ticketId: existing.id },
    );
  }
}

/** The centre a repair goes to: the nearest to `where` with room (see `chooseCentre`). */
export async function routeTo(
  db: Db,
  where: { country: string; region: string | null },
  productId: string,
): Promise<string | null> {
  const [centres, backlog] = await Promise.all([store.selectCentres(db), store.backlogByCentre(db)]);
  const region = where.region ?? centres.find((c) => c.country === where.country)?.region ?? '';
  const chosen = chooseCentre(
    centres.map((c) => ({ ...c, backlog: backlog.get(c.id) ?? 0 })),
    { country: where.country, region },
    productId,
  );
  return chosen?.id ?? null;
}

/** Who a serial belongs to: the delivery that sold it, or the RMA that sent it as a replacement. */
async function ownerOf(db: Db, serial: string): Promise<number | undefined> {
  const parts = parseSerial(serial);
  if (!parts) return undefined;
  const sale = await store.saleOf(db, parts);
  if (sale) return sale.customerId;
  const replaced = await store.selectTickets(db, { serial, limit: 50 });
  return replaced.find((t) => t.replacementSerial === serial)?.customerId ?? undefined;
}

export async function openTicket(
  ctx: AppContext,
  actor: Actor,
  input: NewTicketInput,
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.ticket-opened',
      stream: `serial:${input.serial}`,
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const parts = await requireBuiltSerial(tx, input.serial);
      const owner = await ownerOf(tx, input.serial);
      if (owner === undefined) {
        throw ruleBroken(
          'service.not-sold',
          `${input.serial} was never delivered to a customer; a self-mining machine's faults open tickets from the fleet.`,
          'serial',
        );
      }
      if (input.customerId !== undefined && input.customerId !== owner) {
        throw ruleBroken(
          'service.not-their-machine',
          `${input.serial} was delivered to customer ${owner}, not to customer ${input.customerId}.`,
          'customerId',
        );
      }
      refuseDuplicate(
        await store.findOpenTicket(tx, { serial: input.serial }, input.ticketClass),
        input.serial,
        input.ticketClass,
      );
      const customer = await findCustomer(tx, owner);
      const centreId = isSiteOps(input.ticketClass)
        ? null
        : await routeTo(
            tx,
            { country: customer?.country ?? '', region: customer?.region ?? null },
            parts.productId,
          );
      return {
        ticketId: await nextNumber(tx, 'service-ticket'),
        origin: 'customer',
        ticketClass: input.ticketClass,
        serial: input.serial,
        productId: parts.productId,
        customerId: owner,
        machineId: null,
        site: null,
        centreId,
        summary: input.summary,
        at: ctx.clock.now().toISOString(),
        evidence: null,
      } satisfies TicketOpened;
    },
    async (tx, e) => getTicketIn(tx, e.payload.ticketId),
  );
}

/** Parts a step fits, added up by part, checked against the centre's shelves. */
async function checkParts(db: Db, centreId: string | null, used: StepDetail['partsUsed']): Promise<void> {
  if (!used || used.length === 0) return;
  if (!centreId) throw invalid('partsUsed', 'The ticket has no centre whose parts could be used.');
  const need = new Map<Part, number>();
  for (const u of used) need.set(u.part, (need.get(u.part) ?? 0) + u.qty);
  for (const [part, qty] of need)
    stockAfter(centreId, part, await store.onHand(db, centreId, part), -qty, 'partsUsed');
}

async function checkReplacement(db: Db, t: store.TicketFacts, serial: string | undefined): Promise<void> {
  if (!serial) throw invalid('replacementSerial', 'A replacement names the serial of the unit sent instead.');
  if (serial === t.serial) throw invalid('replacementSerial', 'A unit cannot replace itself.');
  await requireBuiltSerial(db, serial, 'replacementSerial');
  if ((await ownerOf(db, serial)) !== undefined || (await store.machineOfSerial(db, serial)) !== undefined) {
    throw ruleBroken(
      'service.replacement-in-use',
      `${serial} already belongs to a customer or the fleet; a replacement comes from stock.`,
      'replacementSerial',
    );
  }
}

export async function stepTicket(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: TicketStepInput,
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.ticket-stepped',
      stream: ticketStream(id),
      idempotencyKey,
      request: { id, ...input },
    },
    async (tx) => {
      const t = await requireTicket(tx, id);
      checkStep(id, { ticketClass: t.ticketClass, step: t.step, waitingFor: t.waitingFor }, input.step);
      const detail: StepDetail = {};
      if (input.note) detail.note = input.note;
      if (input.step === 'received' && !t.centreId)
        throw invalid('step', `Ticket ${id} has no centre to receive it.`);
      if (input.step === 'diagnosed' && t.serial) {
        const [w] = await warrantyOf({ ...ctx, db: tx }, [t.serial], todayUtc(ctx.clock.now()));
        detail.warranty = w?.inWarranty ?? false;
      }
      if (input.step === 'replaced') {
        await checkReplacement(tx, t, input.replacementSerial);
        detail.replacementSerial = input.replacementSerial!;
      } else if (input.replacementSerial) {
        throw invalid('replacementSerial', 'Only a replacement names a replacement serial.');
      }
      if (input.step === 'parts-swapped' && !input.partsUsed?.length)
        throw invalid('partsUsed', 'A parts swap names the parts fitted.');
      if (input.partsUsed?.length) {
        if (!['repaired', 'parts-swapped', 'replaced'].includes(input.step))
          throw invalid('partsUsed', 'Parts are fitted by a repair, a replacement or a parts swap.');
        await checkParts(tx, t.centreId, input.partsUsed);
        detail.partsUsed = input.partsUsed;
      }
      if (input.costCents !== undefined) detail.costCents = BigInt(input.costCents);
      return { ticketId: id, step: input.step, at: ctx.clock.now().toISOString(), detail };
    },
    async (tx) => getTicketIn(tx, id),
  );
}

/** Stops the SLA clock while the ticket waits for the customer, customs or parts; null resumes it. */
export async function waitTicket(
  ctx: AppContext,
  actor: Actor,
  id: number,
  reason: WaitReason | null,
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.ticket-stepped',
      stream: ticketStream(id),
      idempotencyKey,
      request: { id, reason },
    },
    async (tx) => {
      const t = await requireTicket(tx, id);
      checkWait(id, { ticketClass: t.ticketClass, step: t.step, waitingFor: t.waitingFor }, reason);
      return {
        ticketId: id,
        step: reason === null ? ('resumed' as const) : ('waiting' as const),
        at: ctx.clock.now().toISOString(),
        ...(reason === null ? {} : { waitingFor: reason }),
        detail: {},
      };
    },
    async (tx) => getTicketIn(tx, id),
  );
}

export async function moveTicket(
  ctx: AppContext,
  actor: Actor,
  id: number,
  input: { centreId: string; reason: string },
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.ticket-moved',
      stream: ticketStream(id),
      idempotencyKey,
      request: { id, ...input },
    },
    async (tx) => {
      const t = await requireTicket(tx, id);
      if (t.route !== 'rma')
        throw ruleBroken('service.not-rma', `Ticket ${id} is for site operations, not a centre.`, 'id');
      if (!t.open || t.shippedAt)
        throw ruleBroken(
          'service.ticket-finished',
          `Ticket ${id} is ${t.step}; it can no longer move.`,
          'id',
        );
      await requireCentre(tx, input.centreId);
      if (t.centreId === input.centreId)
        throw ruleBroken('service.same-centre', `Ticket ${id} is already at ${input.centreId}.`, 'centreId');
      return { ticketId: id, from: t.centreId, to: input.centreId, reason: input.reason };
    },
    async (tx) => getTicketIn(tx, id),
  );
}

async function getTicketIn(db: Db, id: number) {
  const t = await requireTicket(db, id);
  const [steps, evidenceReplies, alerts] = await Promise.all([
    store.stepsOf(db, id),
    store.evidenceOf(db, id),
    store.alertsOfTicket(db, id),
  ]);
  return { ...t, steps, evidenceReplies, alerts };
}

export async function getTicket(ctx: AppContext, actor: Actor, id: number) {
  const t = await getTicketIn(ctx.db, id);
  // To ops a customer's ticket is as if it did not exist.
  if (actor.role === 'ops' && t.origin !== 'fleet') throw notFound('Ticket', id, 'id');
  return t;
}

/** Tickets by filter; ops sees only the tickets its fleet opened. */
export async function listTickets(ctx: AppContext, actor: Actor, f: TicketFilterInput) {
  if (actor.role === 'ops' && f.origin === 'customer') return [];
  return store.selectTickets(ctx.db, actor.role === 'ops' ? { ...f, origin: 'fleet' } : f);
}

/**
 * A customer's machines and tickets, a page of each: the serials sold to them, the replacements
 * sent and their tickets, each list from `offset`, with how many there are in all.
 */
export async function customerRecord(ctx: AppContext, customerId: number, page: CustomerRecordPageInput) {
  const customer = await findCustomer(ctx.db, customerId);
  if (!customer) throw notFound('Customer', customerId, 'customerId');
  const [delivered, deliveredTotal, replaced, replacedTotal, tickets, ticketsTotal] = await Promise.all([
    store.selectDelivered(ctx.db, { customerId }, page),
    store.countDelivered(ctx.db, customerId),
    store.selectTickets(ctx.db, { customerId, replaced: true, ...page }),
    store.countTickets(ctx.db, { customerId, replaced: true }),
    store.selectTickets(ctx.db, { customerId, ...page }),
    store.countTickets(ctx.db, { customerId }),
  ]);
  return {
    customer,
    offset: page.offset,
    limit: page.limit,
    totals: { delivered: deliveredTotal, replacements: replacedTotal, tickets: ticketsTotal },
    delivered,
    replacements: replaced.map((t) => ({
      ticketId: t.id,
      serial: t.replacementSerial!,
      replaces: t.serial,
      shippedOn: t.shippedAt && dayOf(t.shippedAt),
    })),
    tickets,
  };
}
