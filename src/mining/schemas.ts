import { z } from 'zod';
import { zAmount, zCode, zCountry, zDecimal, zMonth, zQuarter, zText, zWhole } from '../kernel/fields.js';
import { pageAfter, pageLimit } from '../kernel/paging.js';
import { isoDay } from '../market/schemas.js';
import { COMPLIANCE_STATUSES } from './model.js';

/** The same shape the fleet module accepts for a machine's site, so a code valid here is valid there. */
export const SiteCode = zCode(
  /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/,
  'must be a short code of letters, digits, _ . or -, e.g. SG1',
).describe('Site code, e.g. SG1');

const month = zMonth;
const productId = zText.trim().min(1).max(40);
const quarter = zQuarter;

const usdPerKwh = zDecimal({
  min: 0,
  max: 10,
  places: 6,
  tooSmall: 'must be zero or more',
  tooBig: 'must be at most 10 USD per kWh',
}).describe('Electricity price in USD per kWh, e.g. 0.045');

const capacityMw = zDecimal({
  min: 0,
  max: 10_000,
  tooSmall: 'must be zero or more',
  tooBig: 'must be at most 10,000 MW',
}).describe('Power capacity in MW, e.g. 12.5');

const permit = {
  permitRef: zText.trim().min(1).max(120).optional().describe('The permit or licence the status rests on'),
  permitFrom: isoDay.optional().describe('First day the permit is in force'),
  permitUntil: isoDay.optional().describe('Last day the permit is in force'),
};

export const NewSite = z
  .object({
    code: SiteCode,
    name: zText.trim().min(1).max(120),
    country: zCountry.describe("The site's country: ISO 3166-1 alpha-2 code, e.g. SG"),
    capacityMw,
    usdPerKwh,
    priceFrom: isoDay.optional().describe('Day the price applies from; default: today'),
    status: z.enum(COMPLIANCE_STATUSES).default('pending').describe('approved | pending | suspended'),
    ...permit,
  })
  .strict();

export const SiteChanges = z
  .object({
    name: zText.trim().min(1).max(120),
    country: zCountry,
    capacityMw,
  })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'name at least one field to change' });

export const PriceChange = z
  .object({ usdPerKwh, effectiveFrom: isoDay.describe('Day the new price applies from') })
  .strict();

export const ComplianceChange = z
  .object({
    status: z.enum(COMPLIANCE_STATUSES),
    ...permit,
    effectiveOn: isoDay.optional().describe('Day the status applies from; default: today'),
    reason: zText.trim().min(3).max(500).describe('Why the status changes'),
  })
  .strict();

const serial = zCode(
  /^[A-Za-z0-9][A-Za-z0-9:_.\-/]{0,63}$/,
  'must be a serial of letters, digits, : _ . - or /',
);
const mac = zText
  .trim()
  .regex(/^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/, 'must be a MAC address like 8c:a1:66:00:12:ab')
  .transform((m) => m.toLowerCase().replaceAll('-', ':'));

export const Deployment = z
  .object({
    site: SiteCode,
    productId: productId.describe('Machine model, e.g. A1246'),
    shippedOn: isoDay.optional().describe('Day the machines ship; default: today'),
    serials: z.array(serial).min(1).max(50_000).optional().describe('The machines, by serial'),
    units: zWhole({ min: 1, max: 50_000 }).optional().describe('Or: this many, numbered from serialPrefix'),
    serialPrefix: zCode(/^[A-Za-z0-9][A-Za-z0-9:_.\-/]{0,40}$/, 'must be letters, digits, : _ . - or /')
      .optional()
      .describe('With units: serials are the prefix and a running number'),
    macs: z.record(zText, mac).optional().describe('MAC address by serial, where known'),
    allocationMonth: month.optional().describe("The month of supply's self-mining allocation they come from"),
    note: zText.trim().max(500).optional(),
  })
  .strict()
  .refine((d) => (d.serials === undefined) !== (d.units === undefined), {
    message: 'give either serials or units with a serialPrefix',
    path: ['serials'],
  })
  .refine((d) => d.units === undefined || d.serialPrefix !== undefined, {
    message: 'units needs a serialPrefix to number the machines',
    path: ['serialPrefix'],
  });

export const Installation = z
  .object({
    serials: z.array(serial).min(1).max(50_000).describe('The machines installed'),
    installedOn: isoDay.optional().describe('Day they were installed; default: today'),
    macs: z.record(zText, mac).optional().describe('MAC address by serial, as the fleet will see it'),
  })
  .strict();

export const MachineQuery = z
  .object({
    site: SiteCode.optional(),
    productId: productId.optional(),
    on: isoDay.optional().describe('State on this day; default: today'),
    cursor: serial.optional().describe('The nextCursor of the previous page; omit for the first page'),
    limit: pageLimit('Machines'),
  })
  .strict();

export const DeploymentQuery = z.object({ site: SiteCode.optional(), ...pageAfter('deployments') }).strict();
export const CurtailmentQuery = z.object(pageAfter('curtailments')).strict();

export const RangeQuery = z
  .object({ from: isoDay, to: isoDay, site: SiteCode.optional() })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

export const MonthRangeQuery = z
  .object({ from: month, to: month })
  .strict()
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['from'] });

export const OnQuery = z.object({ on: isoDay.optional().describe('UTC day; default: today') }).strict();
export const QuarterQuery = z.object({ quarter }).strict();

export const ApplyAdvice = z
  .object({ on: isoDay.describe('The day whose advice to apply (its market)') })
  .strict();

export const NewTarget = z
  .object({
    byDay: isoDay.describe('Day the target is for, e.g. 2021-12-31'),
    low: zAmount.describe('Low end: TH/s as a number, or text such as "2 EH"'),
    high: zAmount.describe('High end, e.g. "4 EH"'),
    sharePercent: zDecimal({ min: 0, max: 100 }).default(10).describe('Self-mining share of production, %'),
    setOn: isoDay
      .optional()
      .describe('The day the target was set (default today): reports of days before it do not show it'),
    note: zText.trim().max(500).optional(),
  })
  .strict();

export type NewSiteInput = z.output<typeof NewSite>;
export type SiteChangesInput = z.output<typeof SiteChanges>;
export type PriceChangeInput = z.output<typeof PriceChange>;
export type ComplianceChangeInput = z.output<typeof ComplianceChange>;
export type DeploymentInput = z.output<typeof Deployment>;
export type InstallationInput = z.output<typeof Installation>;
export type NewTargetInput = z.output<typeof NewTarget>;
