/** What a scenario is made of, checked at the edge (API and CLI alike). */
import { z } from 'zod';
import { zDay, zDecimal, zId, zMonth, zText, zUsd, zWhole } from '../kernel/fields.js';

export const MAX_HORIZON_MONTHS = 60;
export const MAX_PATHS = 100_000;

const pct = (what: string, min: number, max: number) =>
  zDecimal({ min, max, tooSmall: `must be at least ${min}%`, tooBig: `must be at most ${max}%` }).describe(
    what,
  );

const Gbm = z
  .object({
    model: z.literal('gbm'),
    driftPctYear: pct('Expected yearly change of BTC/USD (default: calibrated)', -99, 1000).optional(),
    volatilityPctYear: pct('Yearly volatility of BTC/USD (default: calibrated)', 0, 500).optional(),
  })
  .strict()
  .describe('Geometric Brownian motion, calibrated on the history before the as-of date unless given');
const Bootstrap = z
  .object({
    model: z.literal('bootstrap'),
    blockMonths: zWhole({ min: 1, max: 12 }).default(3).describe('Months drawn together, keeping runs'),
  })
  .strict()
  .describe("Blocks of history's monthly price and difficulty changes, drawn at random");
const Given = z
  .object({
    model: z.literal('path'),
    pricesUsd: z
      .array(zDecimal({ above: 0, tooSmall: 'must be more than 0' }))
      .min(1)
      .max(MAX_HORIZON_MONTHS)
      .describe('BTC/USD at the end of each month of the horizon'),
  })
  .strict()
  .describe('A price path the user gives, month by month');

export const Shock = z
  .object({
    month: zMonth.describe('The month the shock hits (within the horizon)'),
    changePct: pct('BTC/USD changes by this much that month, and stays changed', -99, 1000),
  })
  .strict();

export const ScenarioBody = z
  .object({
    name: zText.trim().min(1, 'must name the scenario').max(120),
    asOf: zDay.describe('The books and the market as of this day; the horizon starts the month after'),
    horizonMonths: zWhole({ min: 1, max: MAX_HORIZON_MONTHS }).describe(`1-${MAX_HORIZON_MONTHS} months`),
    paths: zWhole({ min: 1, max: MAX_PATHS }).default(1000).describe(`1-${MAX_PATHS} paths`),
    seed: zWhole({ min: 0 }).default(1).describe('The same seed gives the same figures'),
    price: z.discriminatedUnion('model', [Gbm, Bootstrap, Given]).default({ model: 'gbm' }),
    shocks: z.array(Shock).max(24).default([]),
    cashFloorUsd: zUsd.optional().describe('Cash must stay at or above this (default 0)'),
    costPerThUsd: zDecimal({ above: 0 })
      .optional()
      .describe("A machine's cost per TH/s (default: 70% of the spot price on the as-of date)"),
    fixedCostsUsdPerMonth: zUsd
      .optional()
      .describe("Operating costs paid each month (default: the books' running costs of the year before)"),
    leadMonths: zWhole({ min: 0, max: 24 })
      .optional()
      .describe(
        'Months from booking to delivery (default: when the forward contracts signed in the year before fell due)',
      ),
    cancelBelowPct: pct(
      'Futures buyers cancel when spot is this far below the price they locked',
      0,
      100,
    ).default(30),
    cancelSharePct: pct('...this share of the remaining futures each such month', 0, 100).default(10),
    deferBelowPct: pct(
      'Futures buyers defer a month when spot is this far below the price they locked (and not cancelling)',
      0,
      100,
    ).default(15),
    deferSharePct: pct("...this share of that month's futures deliveries", 0, 100).default(50),
  })
  .strict();
export type ScenarioInput = z.output<typeof ScenarioBody>;

export const ScenarioParams = z.object({ id: zId() }).strict();
