/** What planning's routes answer. */
import { z } from 'zod';
import { zCents, zDayText, zInstant, zMonthText, zQuarterText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { ScenarioInput } from './schemas.js';
import type { runInputs } from './service.js';
import type { SavedScenario } from './store.js';

export const ScenarioView = z.object({
  id: z.number(),
  name: z.string(),
  asOf: zDayText,
  inputs: z.record(z.string(), z.unknown()).describe('The inputs as saved, the seed among them'),
  createdAt: zInstant,
  createdBy: z.string(),
});
export const ScenarioViews = z.array(ScenarioView);

const Band = z.object({
  month: zMonthText,
  p5: z.string(),
  p25: z.string(),
  p50: z.string(),
  p75: z.string(),
  p95: z.string(),
});
const FigureBands = z.object({
  unit: z.string().describe('cents, sats, wafers, ehs (EH/s) or usd (the BTC price)'),
  months: z.array(Band),
});

export const RunView = z.object({
  months: z.array(zMonthText),
  calibration: z.object({
    from: zMonthText,
    to: zMonthText,
    volatilityPctYear: z.number(),
    driftPctYear: z.number(),
    difficultyLagMonths: z.number(),
    difficultyGrowthPctMonth: z.number(),
    difficultyToPrice: z.number(),
    spotToHashprice: z.number(),
    spotPoints: z.number(),
    feesPerBlockSats: z.number(),
  }),
  start: z.object({
    booksQuarter: zQuarterText,
    backlogCents: zCents,
    contractLiabilitiesCents: zCents,
    bookingsPerMonthCents: zCents,
    bookingsElasticity: z.number(),
    elasticityFitted: z.boolean(),
    bookingsLagMonths: z.number().describe('Months between the hashprice buyers see and their bookings'),
    bookingsSigma: z
      .number()
      .describe("Spread of log quarterly bookings around the fit: each path's appetite is drawn from it"),
    bookingsFitQuarters: z.number().describe('Quarters of the books the bookings fit read (0: not fitted)'),
    leadMonths: z.number().describe('Mean months from signing a forward contract to its delivery'),
    leadFrom: z.enum(['stated', 'contracts', 'default']),
    futuresDiscount: z.number().describe('Locked ÷ spot USD/TH of the futures booked in the year before'),
    spotShare: z.number().describe('Share of the machines booked in the year before that was spot'),
    aiChipsPerMonthCents: zCents.describe("AI-chip revenue a month: the last quarter's pace"),
    fixedCostsPerMonthCents: zCents,
    fixedCostsFrom: z.enum(['stated', 'books']),
    depositShare: z.number(),
    prepaidShare: z.number().describe('Contract liabilities ÷ backlog on the as-of day'),
    lockedUsdPerTh: z.number(),
    costPerThUsd: z.number(),
    costFrom: z.enum(['stated', 'builds', 'share of spot']),
    supplyModel: z
      .string()
      .nullable()
      .describe('The machine supply is counted in (most efficient in mass production)'),
    plannedTh: z
      .number()
      .describe('TH/s the supply plan builds over the horizon from wafers ordered by the as-of day'),
    stockTh: z.number(),
    waferLeadMonths: z.number(),
    selfMiningSharePct: z.number(),
    selfMiningTh: z.number(),
    energyUsdPerThDay: z.number(),
    btcHeldSats: zSats,
    usdCashCents: zCents,
  }),
  bands: z.record(z.string(), FigureBands).describe('Per figure, per month: P5, P25, P50, P75, P95'),
  risk: z.object({
    cashFloorCents: zCents,
    chipOrderRuleWafersP50: z
      .number()
      .describe("Wafers the chip-order rule orders in the horizon's first month, median over the paths"),
    cashBelowFloorProbability: z.number(),
    chipOrderAtP50Cents: zCents,
    chipOrderAtP10Cents: zCents,
  }),
  deterministic: z.array(
    z.object({
      name: z.string(),
      revenueCents: zCents,
      grossMarginCents: zCents,
      cancelledCents: zCents,
      btcMinedSats: zSats,
      endCashCents: zCents,
      endBacklogCents: zCents,
      endBtcHeldSats: zSats,
      endBtcPriceUsd: z.string(),
    }),
  ),
  backtest: z.array(
    z.object({ quarter: zQuarterText, figure: z.string(), actual: z.string(), rank: z.number() }),
  ),
});
export const ScenarioRunView = RunView.extend({ scenario: ScenarioView });

type Run = Awaited<ReturnType<typeof runInputs>>;
type _AgreeRun = Agrees<Same<keyof z.output<typeof RunView>, keyof Run>>;
type _AgreeScenario = Agrees<
  Same<Omit<z.output<typeof ScenarioView>, 'inputs'>, Omit<SavedScenario, 'inputs'>>
>;

export type { ScenarioInput };
