import { z } from 'zod';
import { zQuarter } from '../kernel/calendar-schemas.js';
import { METRIC_NAMES } from './guidance-model.js';
import { REPORT_FORMATS } from './render.js';

export const quarter = zQuarter.describe('Quarter, e.g. 2020Q4');

export const ReportParams = z.object({ quarter }).strict();
export const ReportQuery = z
  .object({ format: z.enum(REPORT_FORMATS).default('json').describe('json (default), md, html or pdf') })
  .strict();

const bound = z.coerce.number().finite().nullable().default(null);

export const NewGuidance = z
  .object({
    givenWith: quarter.describe('The quarter whose results call gave it'),
    metric: z.enum(METRIC_NAMES as [string, ...string[]]).describe('What it is about'),
    period: z
      .string()
      .trim()
      .regex(/^\d{4}([Qq][1-4])?$/, 'must be a quarter such as 2021Q1 or a year such as 2021')
      .transform((p) => p.toUpperCase())
      .describe('The period it is about: a quarter or a year'),
    family: z.string().trim().min(1).nullable().default(null).describe('Product family, for machine figures'),
    low: bound.describe('Low end of the range (in the metric’s unit)'),
    high: bound.describe('High end of the range'),
    statement: z.string().trim().min(1).max(500).describe('What was said, in words'),
  })
  .strict();

export const GuidanceFilter = z.object({ givenWith: quarter.optional() }).strict();

export type NewGuidanceInput = z.output<typeof NewGuidance>;
