/** Repair centres: where they are, who works there, when, and the parts on their shelves. */
import type { Actor, AppContext } from '../app/context.js';
import { notFound } from '../kernel/errors.js';
import { type Centre, stockAfter } from './model.js';
import { recordService } from './projections.js';
import type { CentreInputT, PartsTransferInput } from './schemas.js';
import { checkCalendar } from './sla.js';
import * as store from './store.js';

/** Adds a centre or changes one (its whole description each time). */
export async function setCentre(ctx: AppContext, actor: Actor, input: CentreInputT, idempotencyKey?: string) {
  return recordService(
    ctx,
    { actor, kind: 'service.centre-set', stream: `centre:${input.id}`, idempotencyKey, request: input },
    async () => {
      checkCalendar(input.calendar);
      return input satisfies Centre;
    },
    async (_tx, e) => e.payload,
  );
}

export async function listCentres(ctx: AppContext) {
  const [centres, stock, backlog] = await Promise.all([
    store.selectCentres(ctx.db),
    store.stockOf(ctx.db),
    store.backlogByCentre(ctx.db),
  ]);
  return centres.map((c) => ({
    ...c,
    backlog: backlog.get(c.id) ?? 0,
    stock: Object.fromEntries(stock.filter((s) => s.centreId === c.id).map((s) => [s.part, s.onHand])),
  }));
}

export async function requireCentre(db: AppContext['db'], id: string, field = 'centreId'): Promise<Centre> {
  const c = await store.findCentre(db, id);
  if (!c) throw notFound('Service centre', id, field);
  return c;
}

/** New parts into a centre, or parts moved from another; no centre's count goes below zero. */
export async function transferParts(
  ctx: AppContext,
  actor: Actor,
  input: PartsTransferInput,
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    { actor, kind: 'service.parts-moved', stream: 'service:parts', idempotencyKey, request: input },
    async (tx) => {
      await requireCentre(tx, input.centreId);
      const moves = [{ centreId: input.centreId, part: input.part, delta: input.qty }];
      if (input.fromCentreId) {
        await requireCentre(tx, input.fromCentreId, 'fromCentreId');
        const have = await store.onHand(tx, input.fromCentreId, input.part);
        stockAfter(input.fromCentreId, input.part, have, -input.qty);
        moves.push({ centreId: input.fromCentreId, part: input.part, delta: -input.qty });
      }
      return { moves, reason: 'transfer' as const, ticketId: null };
    },
    async (tx) => store.stockOf(tx, input.centreId),
  );
}
