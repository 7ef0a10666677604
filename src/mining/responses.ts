/**
 * What the mining routes answer about sites, deployments, machines, targets and curtailments,
 * beside the request schemas in schemas.ts; figures are in responses-figures.ts.
 */
import { z } from 'zod';
import { ControlResults } from '../fleet/responses.js';
import { bigintAsText, zCents, zDayText, zInstant, zMonthText } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { applyAdvice, listCurtailments } from './advice.js';
import type {
  DeploymentResult,
  installMachines,
  listDeployments,
  listMachines,
  MachineView as MachineViewType,
} from './deployments.js';
import { COMPLIANCE_STATUSES, MACHINE_STATES } from './model.js';
import type { ComplianceResult, getSite, SiteView as SiteViewType } from './sites.js';
import type { TargetRow } from './store.js';

const eventId = bigintAsText('The ledger event that recorded it');

export const SiteView = z.object({
  code: z.string(),
  name: z.string(),
  country: z.string(),
  capacityW: z.number(),
  compliance: z.object({
    status: z.enum(COMPLIANCE_STATUSES),
    permitRef: z.string().nullable().describe('The licence or permit the status rests on'),
    permitFrom: zDayText.nullable(),
    permitUntil: zDayText.nullable(),
  }),
  statusSince: zDayText,
  capacityMw: z.number(),
  deployedW: z.number(),
  deployedMw: z.number(),
  freeW: z.number().describe('Power capacity still free for more machines, in W'),
  usdPerKwh: z.number().nullable().describe("Today's electricity price; null before the first"),
  prices: z.array(z.object({ effectiveFrom: zDayText, usdPerKwh: z.number() })),
});
export const SiteViews = z.array(SiteView);

/** One site with its compliance history and the machines flagged there for curtailment. */
export const SiteDetail = SiteView.extend({
  complianceHistory: z.array(
    z.object({
      effectiveOn: zDayText,
      status: z.enum(COMPLIANCE_STATUSES),
      permitRef: z.string().nullable(),
      permitFrom: zDayText.nullable(),
      permitUntil: zDayText.nullable(),
      reason: z.string().nullable(),
      recordedAt: zInstant,
    }),
  ),
  flagged: z.array(
    z.object({ site: z.string(), serial: z.string(), reason: z.string(), flaggedOn: zDayText }),
  ),
});

export const ComplianceChanged = SiteView.extend({
  flaggedSerials: z.array(z.string()),
  flagsCleared: z.boolean(),
});

/** What every deployment says: machines of a model shipped to a site, from a month's allocation. */
const Deployment = z.object({
  id: z.number(),
  site: z.string(),
  productId: z.string(),
  units: z.number(),
  shippedOn: zDayText,
  allocationMonth: zMonthText.nullable(),
});

export const Deployed = Deployment.extend({
  nominalThs: z.number(),
  nominalW: z.number(),
  serials: z.array(z.string()),
  siteFreeW: z.number(),
});

export const Deployments = z.array(
  Deployment.extend({
    note: z.string().nullable(),
    recordedAt: zInstant,
  }),
);

export const Installed = z.object({
  installedOn: zDayText,
  installed: z.number(),
  sites: z.array(z.string()),
});

const MachineView = z.object({
  serial: z.string(),
  deploymentId: z.number(),
  site: z.string(),
  productId: z.string(),
  ths: z.number(),
  watts: z.number(),
  mac: z.string().nullable(),
  shippedOn: zDayText,
  installedOn: zDayText.nullable(),
  state: z.enum(MACHINE_STATES),
  fleet: z
    .object({ id: z.number(), status: z.string(), hashrateThs: z.number().nullable() })
    .nullable()
    .describe('The fleet poller’s machine, when it knows this one'),
});

export const Machines = z.object({
  on: zDayText,
  machines: z.array(MachineView),
  byState: z
    .object({ 'in-transit': z.number(), installed: z.number(), hashing: z.number() })
    .describe('Every machine the filter selects, by state (all pages)'),
  nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page'),
});

export const Target = z.object({
  id: z.number(),
  byDay: zDayText,
  lowThs: z.number(),
  highThs: z.number(),
  shareBp: z.number().describe('Self-mining’s share of production, basis points (1000 = 10 %)'),
  note: z.string().nullable(),
  setOn: zDayText
    .nullable()
    .describe('The day it was set; null: recorded before days were given, in force from the start'),
  setAt: zInstant,
});
export const Targets = z.array(Target);

export const AdviceApplied = z.object({
  day: zDayText,
  machines: z.number(),
  savedCentsPerDay: zCents,
  notInFleet: z.number().describe('Machines advised off that the fleet does not know'),
  control: z.object({
    controlId: z.number(),
    requested: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    results: ControlResults,
  }),
});

export const Curtailments = z.array(
  z.object({
    eventId,
    adviceDay: zDayText,
    appliedAt: zInstant,
    actor: z.string(),
    machines: z.number(),
    savedCentsPerDay: zCents,
    groups: z.unknown().describe('The advice’s groups as they were applied'),
    control: z.unknown().describe('The fleet control’s report'),
  }),
);

type Out<T extends z.ZodType> = z.output<T>;
type Reply<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type _Agree = [
  Agrees<Same<Out<typeof SiteView>, SiteViewType>>,
  Agrees<Same<Out<typeof SiteDetail>, Reply<typeof getSite>>>,
  Agrees<Same<Out<typeof ComplianceChanged>, ComplianceResult>>,
  Agrees<Same<Out<typeof Deployed>, DeploymentResult>>,
  Agrees<Same<Out<typeof Deployments>, Reply<typeof listDeployments>>>,
  Agrees<Same<Out<typeof Installed>, Reply<typeof installMachines>>>,
  Agrees<Same<Out<typeof MachineView>, MachineViewType>>,
  Agrees<Same<Out<typeof Machines>, Reply<typeof listMachines>>>,
  Agrees<Same<Out<typeof Target>, TargetRow>>,
  Agrees<Same<Out<typeof AdviceApplied>, Reply<typeof applyAdvice>>>,
  Agrees<Same<Out<typeof Curtailments>, Reply<typeof listCurtailments>>>,
];
