/**
 * The supply module's inputs, shared by the HTTP routes and the CLI so both check and word things
 * the same way. Ranges that are business rules (a yield of at most 100 %, capacity, chips on hand)
 * are checked by model.ts, which names the field and says why.
 */
import { z } from 'zod';
import { zAmount, zCode, zCountry, zDecimal, zId, zMonth, zText, zWhole } from '../kernel/fields.js';
import { pageAfter } from '../kernel/paging.js';
import { DEFAULT_POWER_USD_PER_KWH } from './demand.js';
import { WAFER_ORDER_STATUSES } from './plan.js';
import { YIELD_SHAPES } from './yield.js';

const code = zCode(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  'must be a short code of letters, digits, . _ or -, e.g. tsmc or A12',
);
export const month = zMonth;
/** Percentages, nanometres, difficulty: plain numbers, range-checked by model.ts where it is a business rule. */
const number = zDecimal();
/** Counts and months: whole numbers; which ranges make sense is model.ts's to say. */
const whole = zWhole();
const id = zId();

export const NewFoundry = z
  .object({
    id: code.describe('Short code, e.g. tsmc'),
    name: zText.trim().min(1).max(120).describe('Display name, e.g. TSMC'),
    country: zCountry,
    leadTimeMonths: whole.default(3).describe('Months from wafer start to wafers out (default 3)'),
  })
  .strict();

export const NewDesign = z
  .object({
    id: code.describe('Short code, e.g. A12'),
    name: zText.trim().min(1).max(120).describe('Display name, e.g. A12 SHA-256 ASIC'),
    processNm: number.describe('Process node in nm, e.g. 8'),
    diesPerWafer: whole.describe('Candidate dies on one wafer'),
    models: z
      .array(
        z
          .object({
            productId: code.describe('Catalog machine model that uses the chip, e.g. A1246'),
            chipsPerMachine: whole
              .optional()
              .describe("Chips in one machine; defaults to the catalog's chips per machine"),
            sharePct: whole
              .optional()
              .describe('Percent of the chips planned for this model; shares add up to 100'),
          })
          .strict(),
      )
      .describe('The machine models built from this chip'),
  })
  .strict();

export const YieldCurveBody = z
  .object({
    startPct: number.describe('Yield in the first month, percent'),
    maturePct: number.describe('Yield once mature, percent'),
    monthsToMature: whole.describe('Months from the start to the mature yield'),
    shape: z.enum(YIELD_SHAPES).default('linear').describe('linear or logistic (S-shaped) ramp'),
  })
  .strict();

export const NewPartnership = z
  .object({
    foundryId: code.describe('Foundry code'),
    designId: code.describe('Design code'),
    startMonth: month.describe('First month the foundry makes the design'),
    yieldCurve: YieldCurveBody,
  })
  .strict();

export const NewAgreement = z
  .object({
    foundryId: code.describe('Foundry code'),
    wafersPerMonth: whole.describe('Wafers a month the agreement locks'),
    takeOrPayWafers: whole.default(0).describe('Wafers a month paid for whether ordered or not'),
    startMonth: month.describe('First month of the term'),
    termMonths: whole.describe('Length of the term in months'),
    signedMonth: month
      .optional()
      .describe('Month it was signed (a business date); the current month when left out'),
  })
  .strict();

export const NewWaferOrder = z
  .object({
    agreementId: id.describe('Capacity agreement the wafers are ordered under'),
    designId: code.describe('Design to make; the foundry is the agreement’s'),
    wafers: whole.describe('Wafers ordered'),
    placedMonth: month.describe('Month the order is placed (wafer start)'),
    leadTimeMonths: whole.optional().describe("Months until the wafers come out; defaults to the foundry's"),
  })
  .strict();

export const WaferOrderOut = z.object({ month: month.describe('Month the wafers came out') }).strict();

export const WaferOrderReceived = z
  .object({
    month: month.describe('Month the chips arrived'),
    chipsReceived: whole.describe('Good chips counted on arrival'),
  })
  .strict();

export const WaferOrderFilter = z.object({ status: z.enum(WAFER_ORDER_STATUSES).optional() }).strict();
export const WaferOrderPage = WaferOrderFilter.extend(pageAfter('wafer orders')).strict();

export const WaferOrderCancel = z
  .object({
    month: month.describe('Month of the cancellation'),
    reason: zText.trim().min(1, 'must say why').max(500).describe('Why, for the record'),
  })
  .strict();

export const NewBuild = z
  .object({
    productId: code.describe('Machine model built'),
    month: month.describe('Month built'),
    units: whole.describe('Machines built that month; replaces an earlier record for the same month'),
    unitCost: zAmount
      .optional()
      .describe(
        'What one machine cost to build, USD (e.g. "1450.00"); the treasury depreciates deployed machines at it',
      ),
  })
  .strict();

export const AssemblyCapacity = z
  .object({
    fromMonth: month.describe('First month the capacity applies'),
    machinesPerMonth: whole.describe('Machines the assembly lines can build a month, all models together'),
  })
  .strict();

export const SelfMiningShare = z
  .object({
    fromMonth: month.describe('First month the share applies'),
    sharePct: number.describe("Self-mining's target share of production capacity, percent (default 10)"),
  })
  .strict();

export const PlanQuery = z
  .object({
    from: month.describe('First month of the plan'),
    to: month.describe('Last month of the plan'),
    selfMiningPct: number.optional().describe('Self-mining share for this plan only, percent'),
  })
  .strict();

export const RecommendQuery = z
  .object({
    month: month.describe('Month the order would be placed'),
    btcUsd: zAmount
      .optional()
      .describe("BTC price in USD to size the order at; defaults to the market's on the 1st of the month"),
    difficulty: number.optional().describe('Network difficulty; defaults to the market’s'),
    spotUsdPerTh: zAmount.optional().describe('Spot price of new machines, USD/TH'),
    powerUsdPerKwh: number
      .default(DEFAULT_POWER_USD_PER_KWH)
      .describe("The customer's electricity price, USD/kWh (default 0.05)"),
    model: code
      .optional()
      .describe('Machine model buyers compare (default: the most efficient in mass production)'),
    fullDemandPaybackDays: whole
      .optional()
      .describe('Payback at or below which buyers take all capacity (default 240)'),
    noDemandPaybackDays: whole
      .optional()
      .describe('Payback at or above which buyers take none (default 720)'),
  })
  .strict();

export const ById = z.object({ id: id.describe('Id') });

export type NewFoundryInput = z.output<typeof NewFoundry>;
export type NewDesignInput = z.output<typeof NewDesign>;
export type NewPartnershipInput = z.output<typeof NewPartnership>;
export type NewAgreementInput = z.output<typeof NewAgreement>;
export type NewWaferOrderInput = z.output<typeof NewWaferOrder>;
export type NewBuildInput = z.output<typeof NewBuild>;
export type PlanQueryInput = z.output<typeof PlanQuery>;
export type RecommendQueryInput = z.output<typeof RecommendQuery>;
