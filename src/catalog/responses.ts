/** What the catalog's routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { zDayText } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import { AI_TIERS, type AiChip, ALGORITHMS, type Machine, STAGES } from './model.js';

const common = {
  id: z.string().describe('Model code, e.g. A1246'),
  name: z.string(),
  family: z.string().describe('Product line, e.g. A12'),
  stage: z.enum(STAGES),
  launchDate: zDayText.nullable(),
  addedOn: zDayText
    .nullable()
    .describe(
      'The day it entered the catalogue; null: recorded before the day was given, listed from the start',
    ),
};

const MachineView = z.object({
  kind: z.literal('machine'),
  ...common,
  generation: z.number().int(),
  algorithm: z.enum(ALGORITHMS),
  ths: z.number().describe('Nameplate hashrate in TH/s'),
  watts: z.number().int(),
  chipsPerMachine: z.number().int(),
  hashboards: z.number().int(),
  joulesPerTh: z.number().optional().describe('W ÷ TH/s; SHA-256 machines only'),
});

const AiChipView = z.object({
  kind: z.literal('ai-chip'),
  ...common,
  tier: z.enum(AI_TIERS),
  tops: z.number(),
  processNm: z.number().int(),
  predecessor: z.string().nullable(),
});

/** A product as the API shows it: the stored facts plus what is derived from them. */
export const ProductView = z.discriminatedUnion('kind', [MachineView, AiChipView]);
export const ProductList = z.array(ProductView);

// The service's ProductView (the stored Product plus joulesPerTh) and this schema must not drift.
type _MachineAgrees = Agrees<Same<z.output<typeof MachineView>, Machine & { joulesPerTh?: number }>>;
type _ChipAgrees = Agrees<Same<z.output<typeof AiChipView>, AiChip>>;
