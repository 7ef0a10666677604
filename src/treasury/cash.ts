/** The company's USD cash: recording cash with a category, the position on a day, a period's roll. */
import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { addDays, type Day } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { type Cents, parseUsd } from '../kernel/money.js';
import {
  type CashCategory,
  type CashFlows,
  type CashLine,
  cashLines,
  recordedCashLines,
  rollCash,
  signedCash,
} from './cash-model.js';
import { checkWithinBooks, operatingFlows } from './operating.js';
import { recordTreasury } from './projections.js';
import type { CashInput } from './schemas.js';
import { accountStream, movementIds, requireAccount } from './service.js';
import * as store from './store.js';

export interface CashRecorded {
  id: number;
  day: Day;
  account: string;
  category: CashCategory;
  /** Signed: negative left the account. */
  amountCents: Cents;
  note: string | null;
}

/**
 * Records cash the company paid or received that no other module records: an opening balance, the
 * cost of building machines, capex, opex. Not held to the account's balance: a bill paid is a fact
 * to record, and the operating account's customers' cash and energy are not movements of it.
 */
export async function recordCash(
  ctx: AppContext,
  actor: Actor,
  input: CashInput,
  idempotencyKey?: string,
): Promise<CashRecorded> {
  const amount = signedCash(
    input.category,
    input.direction,
    parseUsd(input.amount, 'amount', { wholeCents: true }),
  );
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.cash-recorded',
      stream: accountStream(input.account),
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      await refuseIfClosed(tx, input.day, 'day');
      await requireAccount(tx, input.account, 'account', 'USD');
      const [id] = await movementIds(tx, 1);
      return {
        movements: [
          {
            id: id!,
            day: input.day,
            account: input.account,
            amount,
            source: 'cash' as const,
            category: input.category,
            ...(input.note ? { reference: input.note } : {}),
          },
        ],
      };
    },
    async (_tx, event) => {
      const m = event.payload.movements[0]!;
      return {
        id: m.id,
        day: m.day,
        account: m.account,
        category: m.category!,
        amountCents: m.amount,
        note: m.reference ?? null,
      };
    },
  );
}

/** A line of the cash, with the API path that lists what is behind it. */
export type SourcedLine = CashLine & { source: string };

async function flowsOf(ctx: AppContext, range: { from?: Day | undefined; to: Day }): Promise<CashFlows> {
  const [operating, accounts] = await Promise.all([
    operatingFlows(ctx, range),
    store.usdFlows(ctx.db, range),
  ]);
  return { ...operating, accounts };
}

/** Where each line's records are listed, for the days `from`..`to` (from the beginning without `from`). */
function sourced(lines: CashLine[], range: { from?: Day | undefined; to: Day }): SourcedLine[] {
  const days = `${range.from ? `from=${range.from}&` : ''}to=${range.to}`;
  const source = (l: CashLine): string => {
    switch (l.flow) {
      case 'customer-receipts':
        return '/api/sales/entries?type=payment-received';
      case 'customer-refunds':
        return '/api/sales/entries?type=refund';
      case 'energy':
        // The energy from the first machine on is the valuation's mining cost; a period's is listed by day.
        return range.from
          ? `/api/mining/energy?from=${range.from}&to=${range.to}`
          : `/api/treasury/valuation?on=${range.to}`;
      case 'btc-sales':
        return `/api/treasury/movements?source=sale&${days}`;
      case 'transfers':
        return `/api/treasury/movements?source=transfer&${days}`;
      default:
        return `/api/treasury/movements?source=cash&${days}`;
    }
  };
  return lines.map((l) => ({ ...l, source: source(l) }));
}

export interface CashPosition {
  on: Day;
  usdCents: Cents;
  lines: SourcedLine[];
}

/** The company's USD cash at the end of a day, line by line from the beginning of the books. */
export async function cashOn(ctx: AppContext, day: Day): Promise<CashPosition> {
  checkWithinBooks(ctx, day, 'on');
  const lines = cashLines(await flowsOf(ctx, { to: day }));
  return { on: day, usdCents: lines.reduce((s, l) => s + l.cents, 0n), lines: sourced(lines, { to: day }) };
}

export interface CashPeriod {
  from: Day;
  to: Day;
  openingCents: Cents;
  lines: SourcedLine[];
  closingCents: Cents;
}

function checkPeriod(ctx: AppContext, from: Day, to: Day): void {
  if (from > to) throw invalid('from', `from (${from}) must not be after to (${to}).`);
  checkWithinBooks(ctx, to, 'to');
}

/** The USD cash at the end of the day before `from`, what moved it until `to`, and where it ended. */
export async function cashRoll(ctx: AppContext, from: Day, to: Day): Promise<CashPeriod> {
  checkPeriod(ctx, from, to);
  const [before, during] = await Promise.all([
    flowsOf(ctx, { to: addDays(from, -1) }),
    flowsOf(ctx, { from, to }),
  ]);
  const opening = cashLines(before).reduce((s, l) => s + l.cents, 0n);
  const roll = rollCash(opening, during);
  return { from, to, ...roll, lines: sourced(roll.lines, { from, to }) };
}

/**
 * The cash recorded by category from `from` to `to`: those lines of the period's roll (`cashRoll`),
 * read without the opening, the customers' cash and the energy that the rest of the roll needs.
 */
export async function recordedCashBetween(ctx: AppContext, from: Day, to: Day): Promise<CashLine[]> {
  checkPeriod(ctx, from, to);
  return recordedCashLines(await store.usdFlows(ctx.db, { from, to }));
}
