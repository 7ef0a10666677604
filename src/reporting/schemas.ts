import { z } from 'zod';
import { zDecimal, zPeriod, zQuarter, zText } from '../kernel/fields.js';
import { METRIC_NAMES } from './guidance-model.js';
import { REPORT_FORMATS } from './render.js';
import { OPTIONAL_SECTIONS, type OptionalSection } from './service.js';

export const quarter = zQuarter.describe('Quarter, e.g. 2020Q4');

export const ReportParams = z.object({ quarter }).strict();
const isOptional = (name: string): name is OptionalSection =>
  (OPTIONAL_SECTIONS as readonly string[]).includes(name);
const SECTIONS_WORDS = `must be section names separated by commas, each one of ${OPTIONAL_SECTIONS.join(', ')}`;

/** `supply,treasury`: the optional sections a client shows, each named once. */
const sections = zText.transform((text, ctx) => {
  const names = text.split(',');
  if (!names.every(isOptional) || new Set(names).size !== names.length) {
    ctx.addIssue({ code: 'custom', message: SECTIONS_WORDS });
    return z.NEVER;
  }
  return names;
});

export const ReportQuery = z
  .object({
    format: z.enum(REPORT_FORMATS).default('json').describe('json (default), md, html or pdf'),
    sections: sections
      .optional()
      .describe(
        `Only these of the optional sections (${OPTIONAL_SECTIONS.join(', ')}), comma-separated; the others answer {available: false, reason: "Not computed…"}. Default: all. The rest of the report is always there, and a closed quarter's frozen report is served whole.`,
      ),
  })
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
