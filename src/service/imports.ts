/**
 * A whole history of tickets written at once — the demo's years of RMAs, the benchmark's 100,000
 * tickets. Every ticket's steps are checked by the same state machine as a live step; then the
 * tickets go in as `service.tickets-imported` events of a thousand tickets each, in one
 * transaction (all or nothing), projected in bulk.
 */
import type { Actor, AppContext } from '../app/context.js';
import { invalid } from '../kernel/errors.js';
import { appendEvents, type BatchWrite, inTransaction, project, reserveNumbers } from '../ledger/ledger.js';
import type { ImportedTicket, ServiceEvent, TicketOpened } from './events.js';
import { checkStep, checkWait, type Step, type TicketState } from './model.js';

export type TicketHistory = { opened: Omit<TicketOpened, 'ticketId'>; steps: ImportedTicket['steps'] };

const CHUNK = 1000;

/** Refuses a history whose steps are out of order or out of time, naming the ticket and step. */
export function checkHistory(h: TicketHistory, index: number): void {
  const state: TicketState = { ticketClass: h.opened.ticketClass, step: 'requested', waitingFor: null };
  let last = h.opened.at;
  h.steps.forEach((s, i) => {
    if (s.at < last)
      throw invalid(`tickets.${index}.steps.${i}.at`, `Step ${s.step} comes before the step it follows.`);
    last = s.at;
    if (s.step === 'waiting' || s.step === 'resumed') {
      checkWait(index, state, s.step === 'waiting' ? (s.waitingFor ?? 'customer') : null);
      state.waitingFor = s.step === 'waiting' ? (s.waitingFor ?? 'customer') : null;
    } else {
      checkStep(index, state, s.step);
      state.step = s.step as Step;
      state.waitingFor = null;
    }
  });
}

export async function importTickets(
  ctx: AppContext,
  actor: Actor,
  histories: readonly TicketHistory[],
): Promise<number[]> {
  histories.forEach(checkHistory);
  if (histories.length === 0) return [];
  return inTransaction(ctx.db, async (tx) => {
    const first = await reserveNumbers(tx, 'service-ticket', histories.length);
    const writes: BatchWrite<ServiceEvent>[] = [];
    for (let i = 0; i < histories.length; i += CHUNK) {
      const tickets = histories.slice(i, i + CHUNK).map((h, j) => ({
        opened: { ...h.opened, ticketId: first + i + j },
        steps: h.steps.map((s) => ({ ...s, ticketId: first + i + j })),
      }));
      writes.push({
        event: { kind: 'service.tickets-imported', payload: { tickets } },
        stream: 'service:imports',
        counters: { 'service-ticket': first + i + tickets.length - 1 },
      });
    }
    for (const event of await appendEvents(tx, actor, ctx.clock.now(), writes))
      await project(ctx.projections, tx, event);
    return histories.map((_, i) => first + i);
  });
}
