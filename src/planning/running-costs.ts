/**
 * The company's running costs a month as its books had them in the year before a scenario's as-of
 * day: the cash recorded as operating costs and taxes (R&D, sales, administration), over twelve
 * months. Machines built are not among them (the engine pays production itself), nor is energy
 * (self-mining's own line).
 */
import type { AppContext } from '../app/context.js';
import { addDays, type Day } from '../kernel/calendar.js';
import { recordedCashBetween } from '../treasury/cash.js';

const RUNNING: readonly string[] = ['cash:opex', 'cash:tax'];
const YEAR_DAYS = 365;
const MONTHS_PER_YEAR = 12n;

export async function runningCostsPerMonth(ctx: AppContext, asOf: Day): Promise<bigint> {
  const lines = await recordedCashBetween(ctx, addDays(asOf, -YEAR_DAYS + 1), asOf);
  const out = lines.filter((l) => RUNNING.includes(l.flow)).reduce((s, l) => s - l.cents, 0n);
  return out > 0n ? out / MONTHS_PER_YEAR : 0n;
}
