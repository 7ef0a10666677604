import { z } from 'zod';
import { zDecimal, zPeriod, zQuarter, zText } from '../kernel/fields.js';
import { METRIC_NAMES } from './guidance-model.js';
import { REPORT_FORMATS } from './render.js';

export const quarter = zQuarter.describe('Quarter, e.g. 2020Q4');

export const ReportParams = z.object({ quarter }).strict();
export const ReportQuery = z
  .object({ format: z.enum(REPORT_FORMATS).default('json').describe('json (default), md, html or pdf') })
  .strict();

/** Every metric counts or measures something (units, USD, TH/s, PH/s, %, a multiple): none is below 0. */
const bound = zDecimal({ min: 0, max: 1e15, tooSmall: 'must be zero or more' }).nullable().default(null);

export const NewGuidance = z
  .object({
    givenWith: quarter.describe('The quarter whose results call gave it'),
    metric: z.enum(METRIC_NAMES as [string, ...string[]]).describe('What it is about'),
    period: zPeriod('must be a quarter such as 2021Q1 or a year such as 2021').describe(
      'The period it is about: a quarter or a year',
    ),
    family: zText
      .trim()
      .min(1)
      .max(40)
      .nullable()
      .default(null)
      .describe('Product family, for machine figures'),
    low: bound.describe('Low end of the range (in the metric’s unit)'),
    high: bound.describe('High end of the range'),
    statement: zText.trim().min(1).max(500).describe('What was said, in words'),
  })
  .strict();

export const GuidanceFilter = z.object({ givenWith: quarter.optional() }).strict();

export type NewGuidanceInput = z.output<typeof NewGuidance>;
