/**
 * The demo company's own cash records: the cash it started with, what building each month's
 * machines cost, and its running costs. Customers' payments and refunds (the order book) and the
 * sites' energy (self-mining) move the USD cash on their own; this records only what nothing else does.
 */
import type { Actor, AppContext } from '../app/context.js';
import { type Day, lastDayOfMonth, type Month, monthOf, monthRange } from '../kernel/calendar.js';
import { formatUsdDecimal } from '../kernel/money.js';
import { recordCash } from '../treasury/cash.js';
import { DEMO_FIRST_DAY } from './script.js';

/**
 * Demo estimates, not published figures: the cash at the start of 2019, and the running costs of a
 * chip designer of its size (R&D, sales, administration) each month.
 */
const OPENING_CENTS = 150_000_000_00n;
const OPEX_CENTS_PER_MONTH = 3_500_000_00n;

export async function loadCash(
  ctx: AppContext,
  actor: Actor,
  builds: readonly { month: Month; units: number; unitCostCents: bigint }[],
  until: Day,
): Promise<{ records: number }> {
  const key = (what: string) => `demo:treasury:cash:${what}`;
  const record = (
    day: Day,
    category: 'opening-balance' | 'production' | 'opex',
    cents: bigint,
    note: string,
  ) =>
    recordCash(
      ctx,
      actor,
      {
        day,
        category,
        direction: category === 'opening-balance' ? 'in' : 'out',
        amount: formatUsdDecimal(cents),
        account: 'usd',
        note,
      },
      key(`${category}:${day}`),
    );
  let records = 0;
  await record(DEMO_FIRST_DAY, 'opening-balance', OPENING_CENTS, 'cash at the start of 2019');
  records++;
  // A month's machines and running costs are paid at its end; the month under way is not yet paid.
  for (const month of monthRange(monthOf(DEMO_FIRST_DAY), monthOf(until))) {
    const end = lastDayOfMonth(month);
    if (end > until) break;
    const production = builds
      .filter((b) => b.month === month)
      .reduce((s, b) => s + BigInt(b.units) * b.unitCostCents, 0n);
    if (production > 0n) {
      await record(end, 'production', production, `machines built in ${month}`);
      records++;
    }
    await record(end, 'opex', OPEX_CENTS_PER_MONTH, `running costs of ${month}`);
    records++;
  }
  return { records };
}
