/** What the supply routes answer about the plan, the chip-order advice and self-mining's share. */
import { z } from 'zod';
import { zCents, zDayText, zMonthText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { Plan as PlanType } from './plan.js';
import type { Recommendation as RecommendationType } from './recommend.js';

const TrancheAllocation = z.object({
  contractId: z.number(),
  lineId: z.number(),
  tranche: z.number(),
  customer: z.string(),
  dueMonth: zMonthText,
  units: z.number(),
  fromStock: z.number(),
  late: z.boolean().describe('Delivered after its due month'),
  recorded: z.boolean().describe('A delivery the books record, not one the plan allocates'),
});

const ModelRow = z.object({
  productId: z.string(),
  design: z.object({
    id: z.string(),
    name: z.string(),
    wafersOut: z.number(),
    lots: z.array(
      z.object({
        orderId: z.number(),
        foundryId: z.string(),
        foundryName: z.string(),
        wafers: z.number(),
        yieldPct: z.number(),
        expectedDies: z.number(),
        receivedDies: z.number().nullable(),
        source: z.enum(['received', 'expected']),
      }),
    ),
    yieldInForce: z.array(
      z.object({
        foundryId: z.string(),
        foundryName: z.string(),
        yieldPct: z.number(),
        monthOfRamp: z.number(),
      }),
    ),
    goodDies: z.number(),
    chipsCarriedIn: z.number(),
    chipsCarriedOut: z.number(),
  }),
  sharePct: z.number(),
  chipsPerMachine: z.number(),
  chips: z.number(),
  machinesBuildable: z.number(),
  limitedBy: z.enum(['chips', 'assembly']),
  machinesBuilt: z.number(),
  source: z.enum(['actual', 'planned']),
  allocation: z.object({
    stockStart: z.number(),
    unitsDue: z.number(),
    tranches: z.array(TrancheAllocation),
    fromBeforePlan: z.number(),
    selfMiningTarget: z.number(),
    selfMining: z.number(),
    selfMiningNote: z.string().nullable(),
    toStock: z.number(),
    stockEnd: z.number(),
    unitsShort: z.number(),
  }),
});

const LateTranche = z.object({
  contractId: z.number(),
  lineId: z.number(),
  tranche: z.number(),
  productId: z.string(),
  customer: z.string(),
  kind: z.enum(['spot', 'futures', 'pre-order']),
  paidForShipment: z.boolean(),
  dueMonth: zMonthText,
  unitsOpen: z.number(),
  allocatedByDue: z.number(),
  unitsShortAtDue: z.number(),
  overdueAtStart: z.boolean(),
  unitsAheadInQueue: z.number(),
  filledMonth: zMonthText.nullable().describe('The month its last unit is allocated; null past the plan'),
  unitsOpenAtEnd: z.number(),
  monthsLate: z.number().nullable(),
  why: z.string(),
});

/** Month by month: chips, machines, where they go, and the tranches that will be late. */
export const Plan = z.object({
  from: zMonthText,
  to: zMonthText,
  months: z.array(
    z.object({
      month: zMonthText,
      assemblyCapacity: z.number().nullable(),
      selfMiningPct: z.number(),
      models: z.array(ModelRow),
    }),
  ),
  lateTranches: z.array(LateTranche),
  totals: z.object({
    machinesBuilt: z.number(),
    fromBeforePlan: z.number().describe('Delivered in the plan’s months from machines made before it'),
    toTranches: z.number(),
    selfMining: z.number(),
    stockEnd: z.number(),
    unitsShort: z.number(),
  }),
  assumptions: z.array(z.string()),
});

/** How many wafers to order this month at a BTC price, and why. */
export const Recommendation = z.object({
  month: zMonthText,
  inputs: z.object({
    day: zDayText,
    btcUsd: zCents,
    difficulty: z.number(),
    feesPerBlockSats: zSats,
    hashpriceUsdPerThDay: z.number(),
    spotUsdPerTh: zCents.describe('Spot price of a machine per TH/s, in cents'),
    model: z.object({ productId: z.string(), ths: z.number(), watts: z.number(), priceCents: zCents }),
    powerUsdPerKwh: z.number(),
    machineNetCentsPerDay: zCents,
    paybackDays: z.number().nullable(),
    selfMiningPct: z.number(),
  }),
  demand: z.object({
    thresholds: z.object({ fullDemandPaybackDays: z.number(), noDemandPaybackDays: z.number() }),
    spotShare: z.number().describe('Share of the free capacity spot buyers are assumed to take, 0..1'),
    orderShare: z.number().describe('Share of free capacity ordered beyond contracts'),
    contracted: z.array(
      z.object({
        designId: z.string(),
        outMonth: zMonthText,
        unitsDue: z.array(z.object({ productId: z.string(), units: z.number(), backlog: z.number() })),
        contractedDies: z.number(),
        incomingDies: z.number(),
        diesToOrder: z.number(),
        diesCovered: z.number(),
      }),
    ),
  }),
  agreements: z.array(
    z.object({
      agreementId: z.number(),
      foundryId: z.string(),
      foundryName: z.string(),
      outMonth: zMonthText,
      wafersPerMonth: z.number(),
      takeOrPayWafers: z.number(),
      alreadyPlaced: z.number(),
      wafers: z.number(),
      lots: z.array(
        z.object({
          designId: z.string(),
          partnershipId: z.number(),
          wafers: z.number(),
          yieldBp: z.number(),
          expectedDies: z.number(),
          reason: z.enum(['contracted', 'spot', 'take-or-pay']),
        }),
      ),
    }),
  ),
  totalWafers: z.number(),
  explanation: z.array(z.string()),
});

export const SelfMiningAllocation = z.array(
  z.object({ month: zMonthText, productId: z.string(), units: z.number() }),
);

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof Plan>, PlanType>>,
  Agrees<
    Same<Out<typeof Plan>['months'][number]['models'][number], PlanType['months'][number]['models'][number]>
  >,
  Agrees<Same<Out<typeof Plan>['lateTranches'][number], PlanType['lateTranches'][number]>>,
  Agrees<Same<Out<typeof Recommendation>, RecommendationType>>,
  Agrees<Same<Out<typeof Recommendation>['inputs'], RecommendationType['inputs']>>,
];
