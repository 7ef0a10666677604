/**
 * The cash customers paid and were paid back, by the day it moved: what the treasury's USD cash takes
 * from the order book. One aggregate over the contracts' entries, whatever the range.
 */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';

export interface CustomerCash {
  /** Payments, with the adjustments that corrected them (signed) on the adjustments' own days. */
  receivedCents: Cents;
  /** Refunds, and the prepayment a cancellation paid back on its day (its effect's refundedCents). */
  refundedCents: Cents;
}

/** Customers' payments and refunds dated from `from` (or the beginning) to `to`, both included. */
export async function customerCash(
  db: Db,
  range: { from?: Day | undefined; to: Day },
): Promise<CustomerCash> {
  // A cancellation's entry carries the value cancelled; what it paid back is in its event's effect
  // (a stored bigint: {"$bigint": "…"}). Cancellations are few, so the join reads few events.
  const r = await sql<{ received: bigint; refunded: bigint }>`
    select
      coalesce(sum(e.amount_cents) filter (where e.type in ('payment-received', 'payment-adjustment')), 0)::int8
        as received,
      (coalesce(sum(e.amount_cents) filter (where e.type = 'refund'), 0)
        + coalesce(sum((v.payload -> 'effect' -> 'refundedCents' ->> '$bigint')::int8), 0))::int8 as refunded
    from sales_entries e
    left join events v on e.type = 'cancellation' and v.id = e.event_id
    where e.type in ('payment-received', 'payment-adjustment', 'refund', 'cancellation')
      and e.day <= ${range.to}
      and (${range.from ?? null}::date is null or e.day >= ${range.from ?? null}::date)`.execute(db);
  const row = r.rows[0]!;
  return { receivedCents: row.received, refundedCents: row.refunded };
}
