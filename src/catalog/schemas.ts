import { z } from 'zod';
import { zCode, zDay, zDecimal, zText, zWhole } from '../kernel/fields.js';
import { AI_TIERS, ALGORITHMS, STAGES } from './model.js';

const productId = zCode(
  /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/,
  'must be a short code of letters, digits, . _ or -, e.g. A1246',
).describe('Model code, e.g. A1246 or K210');
const day = zDay;
/** A positive measure up to `max` (TH/s, TOPS). */
const positive = (max: number) => zDecimal({ above: 0, tooSmall: 'must be greater than 0', max });
/** A count from 1 up to `max` (watts, chips, boards). */
const count = (max: number) => zWhole({ min: 1, tooSmall: 'must be greater than 0', max });

const common = {
  id: productId,
  name: zText.trim().min(1).max(120).describe('Display name, e.g. AvalonMiner 1246'),
  family: zText.trim().min(1).max(40).describe('Product line, e.g. A12'),
  stage: z.enum(STAGES).describe('Where it is in its life'),
  launchDate: day.nullable().default(null).describe('First delivery or launch day'),
};
const addedOn = day
  .optional()
  .describe(
    'The day it entered the catalogue (today by default): the catalogue as of an earlier day does not list it',
  );

export const NewMachine = z
  .object({
    kind: z.literal('machine'),
    ...common,
    generation: count(1000).describe('Generation number: 12 for the A12 family'),
    algorithm: z.enum(ALGORITHMS).default('sha256'),
    ths: positive(100_000).describe('Nameplate hashrate in TH/s'),
    watts: count(100_000).describe('Nameplate power in W'),
    chipsPerMachine: count(100_000).describe('ASIC chips in one machine'),
    hashboards: count(100),
    addedOn,
  })
  .strict();

export const NewAiChip = z
  .object({
    kind: z.literal('ai-chip'),
    ...common,
    tier: z.enum(AI_TIERS),
    tops: positive(100_000).describe('Compute in TOPS'),
    processNm: count(1000).describe('Process node in nm'),
    predecessor: productId.nullable().default(null).describe('The chip this one upgrades'),
    addedOn,
  })
  .strict();

export const NewProduct = z.discriminatedUnion('kind', [NewMachine, NewAiChip]);

/** Anything but the id and kind may change; the stage only forward (checked by the model). */
export const ProductChanges = z
  .object({
    name: common.name,
    family: common.family,
    stage: common.stage,
    stageFrom: day.describe(
      'The day the new stage took effect (a past report shows the stage as of its day); today by default',
    ),
    launchDate: day.nullable(),
    generation: count(1000),
    algorithm: z.enum(ALGORITHMS),
    ths: positive(100_000),
    watts: count(100_000),
    chipsPerMachine: count(100_000),
    hashboards: count(100),
    tier: z.enum(AI_TIERS),
    tops: positive(100_000),
    processNm: count(1000),
    predecessor: productId.nullable(),
  })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'name at least one field to change' });

export const ProductFilter = z
  .object({
    kind: z.enum(['machine', 'ai-chip']).optional(),
    stage: z.enum(STAGES).optional(),
    family: zText.trim().max(40).optional(),
    asOf: day
      .optional()
      .describe(
        'The catalogue as of the end of this day: the products added by then, each in its stage then; today by default',
      ),
  })
  .strict();

export const ById = z.object({ id: productId }).strict();
export const AsOfQuery = z
  .object({
    asOf: day
      .optional()
      .describe('The stage as of the end of this day (404 if added after it); today by default'),
  })
  .strict();

export type NewProductInput = z.output<typeof NewProduct>;
export type ProductChangesInput = z.output<typeof ProductChanges>;
export type ProductFilterInput = z.output<typeof ProductFilter>;
