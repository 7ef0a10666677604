import { z } from 'zod';
import { zDay } from '../kernel/calendar-schemas.js';
import { AI_TIERS, ALGORITHMS, STAGES } from './model.js';

const productId = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, 'must be a short code of letters, digits, . _ or -, e.g. A1246')
  .describe('Model code, e.g. A1246 or K210');
const day = zDay;
const positive = z.coerce.number().positive('must be greater than 0');
const count = z.coerce.number().int('must be a whole number').positive('must be greater than 0');

const common = {
  id: productId,
  name: z.string().trim().min(1).max(120).describe('Display name, e.g. AvalonMiner 1246'),
  family: z.string().trim().min(1).max(40).describe('Product line, e.g. A12'),
  stage: z.enum(STAGES).describe('Where it is in its life'),
  launchDate: day.nullable().default(null).describe('First delivery or launch day'),
};

export const NewMachine = z
  .object({
    kind: z.literal('machine'),
    ...common,
    generation: count.describe('Generation number: 12 for the A12 family'),
    algorithm: z.enum(ALGORITHMS).default('sha256'),
    ths: positive.max(100_000).describe('Nameplate hashrate in TH/s'),
    watts: count.max(100_000).describe('Nameplate power in W'),
    chipsPerMachine: count.max(100_000).describe('ASIC chips in one machine'),
    hashboards: count.max(100),
  })
  .strict();

export const NewAiChip = z
  .object({
    kind: z.literal('ai-chip'),
    ...common,
    tier: z.enum(AI_TIERS),
    tops: positive.max(100_000).describe('Compute in TOPS'),
    processNm: count.max(1000).describe('Process node in nm'),
    predecessor: productId.nullable().default(null).describe('The chip this one upgrades'),
  })
  .strict();

export const NewProduct = z.discriminatedUnion('kind', [NewMachine, NewAiChip]);

/** Anything but the id and kind may change; the stage only forward (checked by the model). */
export const ProductChanges = z
  .object({
    name: common.name,
    family: common.family,
    stage: common.stage,
    launchDate: day.nullable(),
    generation: count,
    algorithm: z.enum(ALGORITHMS),
    ths: positive.max(100_000),
    watts: count.max(100_000),
    chipsPerMachine: count.max(100_000),
    hashboards: count.max(100),
    tier: z.enum(AI_TIERS),
    tops: positive.max(100_000),
    processNm: count.max(1000),
    predecessor: productId.nullable(),
  })
  .partial()
  .strict()
  .refine((c) => Object.keys(c).length > 0, { message: 'name at least one field to change' });

export const ProductFilter = z
  .object({
    kind: z.enum(['machine', 'ai-chip']).optional(),
    stage: z.enum(STAGES).optional(),
    family: z.string().optional(),
  })
  .strict();

export type NewProductInput = z.output<typeof NewProduct>;
export type ProductChangesInput = z.output<typeof ProductChanges>;
export type ProductFilterInput = z.output<typeof ProductFilter>;
