/** What the mining routes answer about hashrate, energy, earnings, economics, allocation and status. */
import { z } from 'zod';
import { zCents, zDayText, zInstant, zMonthText, zQuarterText, zSats } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import type { Advice as AdviceType, Economics as EconomicsType } from './advice.js';
import type { AllocationStatus as AllocationStatusType } from './allocation.js';
import type { SiteDayEnergy } from './costs.js';
import type { DayExpectation, MonthEarnings as MonthEarningsType } from './earnings.js';
import type { HashrateDay as HashrateDayType } from './hashrate.js';
import type { MiningQuarters as MiningQuartersType, MiningQuarter as MiningQuarterType } from './quarter.js';
import type { MiningStatus as MiningStatusType } from './targets.js';

const standing = z.enum(['below', 'within', 'above']);
const targetOutcome = z
  .enum(['met', 'missed'])
  .nullable()
  .describe('once its by-day is behind: met or missed on the hashrate of that day; null before');

export const HashrateDays = z.array(
  z.object({
    day: zDayText,
    sites: z.array(
      z.object({
        site: z.string(),
        installedThs: z.number().describe('Nameplate TH/s installed by the end of the day'),
        installedMachines: z.number(),
        installedW: z.number(),
        inTransitThs: z.number(),
        inTransitW: z.number(),
        measuredThs: z.number().nullable().describe('Mean TH/s the fleet measured; null when nothing'),
      }),
    ),
    installedThs: z.number(),
    installedPh: z.number(),
    measuredThs: z.number().nullable(),
    measuredPh: z.number().nullable(),
  }),
);

export const EnergyDays = z.array(
  z.object({
    site: z.string(),
    day: zDayText,
    installedMachines: z.number(),
    measuredMachines: z.number(),
    watts: z.number().describe('Mean power drawn over the day, W'),
    kwh: z.number(),
    usdPerKwh: z.number().nullable(),
    energyCents: zCents,
    basis: z.enum(['measured', 'nominal', 'mixed', 'none']),
  }),
);

export const MonthEarnings = z.array(
  z.object({
    month: zMonthText,
    expectedSats: zSats,
    actualSats: zSats,
    luck: z.number().nullable().describe('actual ÷ expected; null when nothing was expected'),
    energyCents: zCents,
    costPerBtcCents: zCents.nullable(),
    days: z.object({
      measured: z.number(),
      installed: z.number(),
      mixed: z.number(),
      none: z
        .number()
        .describe('days with nothing installed or measured; the four bases add up to the month'),
      noMarket: z.number(),
      carriedMarket: z
        .number()
        .describe(
          'days with no market data of their own, expected on the latest day before them (marketDay)',
        ),
    }),
    marketDay: zDayText.nullable().describe("the latest market day the month's expectation rests on"),
  }),
);

export const DayExpectations = z.array(
  z.object({
    day: zDayText,
    ths: z.number(),
    basis: z.enum(['measured', 'installed', 'mixed', 'none']),
    marketDay: zDayText.nullable(),
    expectedSats: zSats.nullable(),
    actualSats: zSats,
  }),
);

const GroupEconomics = z.object({
  site: z.string(),
  productId: z.string(),
  machines: z.number(),
  advice: z.enum(['switch-off', 'keep-on']),
  reason: z.string(),
  thresholdUsdPerThDay: z.number(),
  hashpriceUsdPerThDay: z.number(),
  savedCentsPerDay: zCents.describe('What switching all of them off saves a day; 0 when kept on'),
  siteStatus: z.string(),
  ths: z.number(),
  watts: z.number(),
  usdPerKwh: z.number(),
  energyCentsPerMachine: zCents,
  revenueCentsPerMachine: zCents,
  expectedSatsPerMachine: zSats,
  breakevenBtcUsd: zCents.nullable(),
  fleetMachineIds: z.array(z.number()),
  hashingNow: z.number(),
});

const economics = {
  day: zDayText,
  marketDay: zDayText,
  btcUsd: zCents,
  hashpriceUsdPerThDay: z.number(),
  groups: z.array(GroupEconomics),
  unpriced: z.array(z.string()).describe('Sites with machines but no electricity price on the day'),
};
export const Economics = z.object(economics);

export const Advice = z.object({
  ...economics,
  switchOff: z.array(GroupEconomics),
  machinesToSwitchOff: z.number(),
  savedCentsPerDay: zCents,
  flaggedFleetOnly: z.array(
    z.object({ site: z.string(), serial: z.string(), fleetMachineId: z.number(), reason: z.string() }),
  ),
});

export const AllocationStatus = z.object({
  from: zMonthText,
  to: zMonthText,
  rows: z.array(
    z.object({
      month: zMonthText,
      productId: z.string(),
      built: z.number(),
      allocated: z.number(),
      deployedAgainst: z.number(),
      shipped: z.number(),
    }),
  ),
  built: z.number(),
  allocated: z.number(),
  shipped: z.number(),
  shareBp: z.number().nullable().describe('Shipped ÷ built, basis points'),
  plannedShareBp: z.number().nullable(),
});

const sourced = <T extends z.ZodType>(value: T) =>
  z.object({ value, source: z.string().describe('The API path listing the records behind it') });

export const MiningQuarter = z.object({
  quarter: zQuarterText,
  end: zDayText,
  installedPh: sourced(z.number()),
  measuredPh: sourced(z.number().nullable()),
  sites: sourced(
    z.array(
      z.object({
        site: z.string(),
        status: z.string(),
        installedPh: z.number().describe('Nameplate PH/s installed there at the end of the quarter'),
        measuredPh: z.number().nullable().describe('PH/s the fleet measured there; null: no telemetry'),
      }),
    ),
  ),
  btcMinedSats: sourced(zSats),
  expectedSats: sourced(zSats),
  luck: sourced(z.number().nullable()),
  energyCents: sourced(zCents),
  costPerBtcCents: sourced(zCents.nullable()),
  shareOfProduction: sourced(
    z.object({
      builtUnits: z.number(),
      allocatedUnits: z.number(),
      shippedUnits: z.number(),
      shareBp: z.number().nullable(),
      plannedShareBp: z.number().nullable(),
    }),
  ),
  target: sourced(
    z
      .object({
        byDay: zDayText,
        lowPh: z.number(),
        highPh: z.number(),
        shareBp: z.number(),
        standing,
        ofLow: z.number(),
        outcome: targetOutcome,
      })
      .nullable(),
  ),
});

export const MiningQuarters = z.object({
  first: zQuarterText.nullable().describe('The first quarter a machine was shipped or measured in'),
  last: zQuarterText
    .nullable()
    .describe('The latest quarter with a shipment, an installation or a measurement'),
  lastMeasuredOn: zDayText.nullable().describe("The last day of the fleet's telemetry"),
  current: zQuarterText.describe("Today's quarter, by the server's clock"),
});

export const MiningStatus = z.object({
  on: zDayText,
  sites: z.array(
    z.object({
      site: z.string(),
      status: z.string(),
      installedThs: z.number(),
      measuredThs: z.number().nullable(),
      inTransitThs: z.number(),
      capacityUsedPct: z.number(),
    }),
  ),
  installedThs: z.number(),
  installedPh: z.number(),
  inTransitThs: z.number(),
  measuredThs: z.number().nullable(),
  measuredPh: z.number().nullable(),
  measuredBasis: z.enum(['daily-mean', 'latest-polls']).nullable(),
  target: z
    .object({
      id: z.number(),
      byDay: zDayText,
      lowThs: z.number(),
      highThs: z.number(),
      shareBp: z.number(),
      note: z.string().nullable(),
      setOn: zDayText.nullable(),
      setAt: zInstant,
      progress: z.object({
        standing,
        ofLow: z.number(),
        ofHigh: z.number(),
        missingToLowThs: z.number(),
        daysLeft: z.number(),
        outcome: targetOutcome,
      }),
      progressOn: z
        .enum(['measured', 'installed', 'mixed'])
        .describe('mixed: measured where the fleet polls a site, installed at the sites it does not'),
    })
    .nullable(),
  shareOfProduction: z.object({
    from: zMonthText,
    to: zMonthText,
    built: z.number(),
    shipped: z.number(),
    shareBp: z.number().nullable(),
    plannedShareBp: z.number().nullable(),
  }),
});

type Out<T extends z.ZodType> = z.output<T>;
type _Agree = [
  Agrees<Same<Out<typeof HashrateDays>[number], HashrateDayType>>,
  Agrees<Same<Out<typeof EnergyDays>[number], SiteDayEnergy>>,
  Agrees<Same<Out<typeof MonthEarnings>[number], MonthEarningsType>>,
  Agrees<Same<Out<typeof DayExpectations>[number], DayExpectation>>,
  Agrees<Same<Out<typeof Economics>, EconomicsType>>,
  Agrees<Same<Out<typeof Advice>, AdviceType>>,
  Agrees<Same<Out<typeof AllocationStatus>, AllocationStatusType>>,
  Agrees<Same<Out<typeof MiningQuarter>, MiningQuarterType>>,
  Agrees<Same<Out<typeof MiningQuarters>, MiningQuartersType>>,
  Agrees<Same<Out<typeof MiningStatus>, MiningStatusType>>,
  Agrees<Same<NonNullable<Out<typeof MiningStatus>['target']>, NonNullable<MiningStatusType['target']>>>,
];
