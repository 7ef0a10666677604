/**
 * The USD that moves through the operating account without a treasury write: customers' payments
 * and refunds (recorded by sales) and the sites' energy bills (what mining computes the energy cost,
 * paid day by day as it is used). Read from their modules with aggregates, never copied.
 */
import type { AppContext } from '../app/context.js';
import { type Day, lastDayOfQuarter, quarterOf, todayUtc } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { energyCostCents } from '../mining/costs.js';
import { firstInstalledOn } from '../mining/store.js';
import { customerCash } from '../sales/cash.js';

/** Where customers' payments land and energy bills are paid from. */
export const OPERATING_ACCOUNT = 'usd';

export interface OperatingFlows {
  receivedCents: Cents;
  refundedCents: Cents;
  energyCents: Cents;
}

/**
 * The books reach the end of the quarter under way (the report values it there); a day past it would
 * cost work (the energy is summed day by day from the first machine) for nothing.
 */
export function checkWithinBooks(ctx: AppContext, day: Day, field: string): void {
  const last = lastDayOfQuarter(quarterOf(todayUtc(ctx.clock.now())));
  if (day > last)
    throw invalid(
      field,
      `The books reach ${last}, the end of this quarter; ask for a day on or before it.`,
      'invalid.after-books',
    );
}

/** Energy billed from `from` (or the first machine installed) to `to`, both included. */
export async function energyBetween(ctx: AppContext, from: Day | undefined, to: Day): Promise<Cents> {
  const first = await firstInstalledOn(ctx.db);
  if (!first) return 0n;
  const start = from && from > first ? from : first;
  return start > to ? 0n : energyCostCents(ctx, start, to);
}

/** Customers' cash and energy bills dated from `from` (or the beginning) to `to`; `to` within the books. */
export async function operatingFlows(
  ctx: AppContext,
  range: { from?: Day | undefined; to: Day },
): Promise<OperatingFlows> {
  const [customers, energyCents] = await Promise.all([
    customerCash(ctx.db, range),
    energyBetween(ctx, range.from, range.to),
  ]);
  return { ...customers, energyCents };
}
