import type { Db } from '../db/db.js';
import { toStoredJson } from '../kernel/json.js';
import { defineProjections, type Recorded, recorder } from '../ledger/events.js';
import type { ServiceEvent, TicketStepped } from './events.js';
import { isFinal, isSiteOps, OUTCOMES, type Step } from './model.js';
import { type Clock, DONE, finishedFigures, type TimelineEntry, workingClock } from './sla.js';
import {
  finishedTimelines,
  hasCalendar,
  insertAlertLinks,
  insertDelivered,
  insertEvidence,
  insertLot,
  insertRows,
  insertStep,
  insertTicket,
  linkMachine,
  moveStock,
  nextStepSeq,
  openRow,
  parseTimeline,
  setFinishedFigures,
  stepOnTicket,
  type TicketRow,
  ticketsWithoutFigures,
  timelineEntry,
  updateTicket,
  upsertCentre,
  upsertPolicy,
} from './store.js';

export const recordService = recorder<ServiceEvent>();
export const ticketStream = (id: number) => `ticket:${id}`;

/** What a step changes on the ticket's row (the row is a cache of its steps; the SLA reads the steps). */
function stepChanges(s: TicketStepped, ticketClass: string): Partial<TicketRow> {
  if (s.step === 'waiting') return { waiting_for: s.waitingFor ?? null };
  if (s.step === 'resumed') return { waiting_for: null };
  const step: Step = s.step;
  const changes: Partial<TicketRow> = { step, waiting_for: null, open: !isFinal(step) };
  if (isSiteOps(ticketClass as never) && step === 'closed') changes.open = false;
  if (step === 'received') changes.received_at = new Date(s.at);
  if (step === 'shipped') changes.shipped_at = new Date(s.at);
  if (s.detail.warranty !== undefined) changes.warranty = s.detail.warranty;
  if ((OUTCOMES as readonly string[]).includes(step)) {
    if (s.detail.replacementSerial) changes.replacement_serial = s.detail.replacementSerial;
    if (s.detail.costCents !== undefined) changes.cost_cents = s.detail.costCents;
  }
  return changes;
}

/**
 * Works out and stores the SLA figures of finished RMAs (of these ids, or every one of a centre)
 * by their centre's calendar: when a ticket finishes, and for all of a centre's when its calendar
 * changes. A ticket at a centre not yet described gets them when the centre is set.
 */
async function storeFinishedFigures(tx: Db, which: { ticketIds: readonly number[] } | { centreId: string }) {
  const clocks = new Map<string, Clock>();
  const rows = (await finishedTimelines(tx, which)).map((t) => {
    let clock = clocks.get(t.centreId);
    if (!clock) {
      clock = workingClock(t.calendar);
      clocks.set(t.centreId, clock);
    }
    const figures = finishedFigures(clock, parseTimeline(t.timeline) as TimelineEntry[]);
    return { id: t.id, centreId: t.centreId, shippedOn: t.shippedOn, ...figures };
  });
  await setFinishedFigures(tx, rows);
}

/**
 * Works out the figures of up to `limit` finished tickets stored without them (finished before
 * migration 1100), by the same rule as a ticket finishing now; the last id done, undefined when
 * none was left past `afterId`. The caller runs each batch in a transaction of its own.
 */
export async function fillMissingFigures(
  tx: Db,
  afterId: string,
  limit: number,
): Promise<string | undefined> {
  const ids = await ticketsWithoutFigures(tx, afterId, limit);
  if (ids.length === 0) return undefined;
  await storeFinishedFigures(tx, { ticketIds: ids.map(Number) });
  return ids.at(-1);
}

async function projectStep(tx: Db, e: Recorded<Extract<ServiceEvent, { kind: 'service.ticket-stepped' }>>) {
  const s = e.payload;
  const row = await tx
    .withTables<{ service_tickets: { id: bigint; class: string; centre_id: string | null } }>()
    .selectFrom('service_tickets')
    .select(['class', 'centre_id'])
    .where('id', '=', BigInt(s.ticketId))
    .executeTakeFirstOrThrow();
  await insertStep(
    tx,
    s.ticketId,
    await nextStepSeq(tx, s.ticketId),
    s.step,
    new Date(s.at),
    e.actor,
    s.detail,
    e.id,
  );
  await stepOnTicket(
    tx,
    s.ticketId,
    { ...stepChanges(s, row.class), updated_at: e.recordedAt },
    s.step,
    new Date(s.at),
  );
  // Parts fitted come out of the centre's stock (decide checked there were enough).
  if (row.centre_id)
    for (const p of s.detail.partsUsed ?? []) await moveStock(tx, row.centre_id, p.part, -p.qty);
  // A wait after shipping changes no finished stage: only a finishing step changes the figures.
  if ((DONE as readonly string[]).includes(s.step))
    await storeFinishedFigures(tx, { ticketIds: [s.ticketId] });
}

export const serviceProjections = defineProjections<ServiceEvent>({
  'service.serials-lotted': async (tx, e) => insertLot(tx, e.payload, e.id),
  'service.serials-delivered': async (tx, e) => {
    const { ranges, ...sale } = e.payload;
    await insertDelivered(
      tx,
      ranges.map((r) => ({ ...r, ...sale })),
      e.id,
    );
  },
  'service.machine-linked': async (tx, e) =>
    linkMachine(tx, e.payload.machineId, e.payload.serial, e.recordedAt),
  'service.policy-set': async (tx, e) => upsertPolicy(tx, e.payload, e.recordedAt),
  'service.centre-set': async (tx, e) => {
    const same = await hasCalendar(tx, e.payload.id, e.payload.calendar);
    await upsertCentre(tx, e.payload, e.recordedAt);
    if (!same) await storeFinishedFigures(tx, { centreId: e.payload.id });
  },
  'service.parts-moved': async (tx, e) => {
    for (const m of e.payload.moves) await moveStock(tx, m.centreId, m.part, m.delta);
  },
  'service.ticket-opened': async (tx, e) => {
    await insertTicket(tx, e.payload, e.actor, e.id, e.recordedAt);
    await insertAlertLinks(tx, e.payload.ticketId, e.payload.alerts ?? [], e.id);
  },
  'service.ticket-stepped': projectStep,
  'service.ticket-moved': async (tx, e) =>
    updateTicket(tx, e.payload.ticketId, { centre_id: e.payload.to, updated_at: e.recordedAt }),
  'service.fault-evidence-added': async (tx, e) => {
    const p = e.payload;
    const seq = await tx
      .withTables<{ service_tickets: { id: bigint; evidence: number } }>()
      .updateTable('service_tickets')
      .set((eb) => ({ evidence: eb('evidence', '+', 1) }))
      .where('id', '=', BigInt(p.ticketId))
      .returning('evidence')
      .executeTakeFirstOrThrow();
    await insertEvidence(tx, p.ticketId, seq.evidence, new Date(p.at), p.fault, p.reply, e.id);
    await insertAlertLinks(tx, p.ticketId, p.alerts ?? [], e.id);
  },
  'service.tickets-imported': async (tx, e) => {
    const tickets: Record<string, unknown>[] = [];
    const steps: Record<string, unknown>[] = [];
    for (const t of e.payload.tickets) {
      const o = t.opened;
      // An imported history's evidence rows are not imported, so none is counted.
      let row: TicketRow = openRow({ ...o, evidence: null }, e.actor, e.recordedAt);
      steps.push(stepRow(o.ticketId, 1, 'requested', o.at, e.actor, {}, e.id));
      t.steps.forEach((s, i) => {
        row = {
          ...row,
          ...stepChanges(s, o.ticketClass),
          timeline: `${row.timeline} ${timelineEntry(s.step, s.at)}`,
        };
        steps.push(stepRow(o.ticketId, i + 2, s.step, s.at, s.actor, s.detail, e.id));
      });
      tickets.push(row);
    }
    await insertRows(tx, 'service_tickets', tickets);
    await insertRows(tx, 'service_ticket_steps', steps);
    await storeFinishedFigures(tx, { ticketIds: e.payload.tickets.map((t) => t.opened.ticketId) });
  },
});

const stepRow = (
  ticketId: number,
  seq: number,
  step: string,
  at: string,
  actor: string,
  detail: unknown,
  eventId: bigint,
) => ({
  ticket_id: ticketId,
  seq,
  step,
  at,
  actor,
  detail: toStoredJson(detail),
  event_id: eventId,
});
