/** The treasury section's USD cash and cost-per-BTC lines, from the treasury's cash roll and depreciation. */
import type { AppContext } from '../app/context.js';
import { firstDayOfQuarter, lastDayOfQuarter, type Quarter } from '../kernel/calendar.js';
import { cashRoll } from '../treasury/cash.js';
import { fleetDepreciation } from '../treasury/depreciation.js';
import type { TreasuryCashLines } from './model.js';

export async function treasuryCashLines(ctx: AppContext, quarter: Quarter): Promise<TreasuryCashLines> {
  const from = firstDayOfQuarter(quarter);
  const end = lastDayOfQuarter(quarter);
  const [roll, d] = await Promise.all([cashRoll(ctx, from, end), fleetDepreciation(ctx, { on: end, from })]);
  const c = d.costPerBtc;
  return {
    openingCents: roll.openingCents,
    lines: roll.lines.map((l) => ({ flow: l.flow, cents: l.cents })),
    usdCents: roll.closingCents,
    minedSats: c.minedSats,
    energyCents: c.energyCents,
    depreciationCents: c.depreciationCents,
    lifeMonths: d.lifeMonths,
    energyPerBtcCents: c.energyPerBtcCents,
    withDepreciationPerBtcCents: c.withDepreciationPerBtcCents,
    source: {
      cash: `/api/treasury/cash/roll?from=${from}&to=${end}`,
      depreciation: `/api/treasury/depreciation?on=${end}&from=${from}`,
    },
  };
}
