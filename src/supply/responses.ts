/**
 * What the supply routes answer about foundries, designs, partnerships, agreements, wafer orders
 * and builds, beside the request schemas in schemas.ts; the plan and the chip-order advice are in
 * responses-plan.ts.
 */
import { z } from 'zod';
import { zCents, zMonthText } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { recordBuild } from './builds.js';
import { WAFER_ORDER_STATUSES } from './plan.js';
import type { Agreement as AgreementType, Design as DesignType, Foundry as FoundryType } from './store.js';
import type { ListedWaferOrder } from './wafer-orders.js';
import type { PartnershipSpec } from './yield.js';

export const Foundry = z.object({
  id: z.string(),
  name: z.string(),
  country: z.string(),
  leadTimeMonths: z.number(),
});
export const Foundries = z.array(Foundry);

export const Design = z.object({
  id: z.string(),
  name: z.string(),
  diesPerWafer: z.number(),
  models: z.array(
    z.object({
      productId: z.string(),
      chipsPerMachine: z.number(),
      sharePct: z.number().describe("Percent of the design's chips planned for this model"),
    }),
  ),
  processNm: z.number(),
});
export const Designs = z.array(Design);

const bp = z.number().describe('Basis points: 4250 = 42.50 %');
export const Partnership = z.object({
  id: z.number(),
  foundryId: z.string(),
  designId: z.string(),
  startMonth: zMonthText,
  curve: z.object({
    startBp: bp,
    matureBp: bp,
    monthsToMature: z.number(),
    shape: z.enum(['linear', 'logistic']),
  }),
});
export const Partnerships = z.array(Partnership);

export const Agreement = z.object({
  id: z.number(),
  foundryId: z.string(),
  wafersPerMonth: z.number(),
  takeOrPayWafers: z.number(),
  startMonth: zMonthText,
  termMonths: z.number(),
  endMonth: zMonthText,
  signedMonth: zMonthText,
});
export const Agreements = z.array(Agreement);

/** A wafer order with the foundry that runs it and the design it makes, by name. */
export const WaferOrder = z.object({
  id: z.number(),
  partnershipId: z.number(),
  wafers: z.number(),
  placedMonth: zMonthText,
  outMonth: zMonthText.describe('Placed + lead time, or the month they were reported out'),
  status: z.enum(WAFER_ORDER_STATUSES),
  receivedMonth: zMonthText.nullable(),
  chipsReceived: z.number().nullable(),
  agreementId: z.number(),
  leadTimeMonths: z.number(),
  expectedDies: z.number(),
  cancelled: z.object({ month: zMonthText, reason: z.string() }).optional(),
  foundry: z.object({ id: z.string(), name: z.string() }),
  design: z.object({ id: z.string(), name: z.string() }),
});
export const WaferOrders = z.array(WaferOrder);
export const WaferOrderWithShortfall = WaferOrder.extend({
  shortfall: z.number().describe('Expected dies minus chips received'),
});

const build = {
  productId: z.string(),
  month: zMonthText,
  units: z.number(),
  unitCostCents: zCents.optional().describe('What one machine of the build cost to make, when recorded'),
};
export const Builds = z.array(z.object(build));
export const BuildRecorded = z.object({ ...build, designId: z.string(), chipsUsed: z.number() });

export const AssemblyCapacitySetting = z.object({ fromMonth: zMonthText, machinesPerMonth: z.number() });
export const AssemblyCapacities = z.array(AssemblyCapacitySetting);
export const SelfMiningShareSetting = z.object({ fromMonth: zMonthText, sharePct: z.number() });
export const SelfMiningShares = z.array(SelfMiningShareSetting);

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof Foundry>, FoundryType>>,
  Agrees<Same<Out<typeof Design>, DesignType>>,
  Agrees<Same<Out<typeof Partnership>, PartnershipSpec>>,
  Agrees<Same<Out<typeof Agreement>, AgreementType>>,
  Agrees<Same<Out<typeof WaferOrder>, ListedWaferOrder>>,
  Agrees<Same<Out<typeof BuildRecorded>, Awaited<ReturnType<typeof recordBuild>>>>,
];
