/** What the fleet's routes answer, beside the request schemas in schemas.ts. */
import { z } from 'zod';
import { bigintAsText, zInstant } from '../kernel/reply-schemas.js';
import type { Agrees, Same } from '../kernel/wire.js';
import { type CONTROL_KINDS, MACHINE_STATUSES } from './model.js';
import type { MachineView as MachineViewType } from './queries.js';
import type {
  ControlReport as ControlReportType,
  FleetSummary as FleetSummaryType,
  listStatusEvents,
  machineHistory,
  measuredHashrateSeries,
  ScanResult as ScanResultType,
  SweepReport as SweepReportType,
} from './service.js';

const counts = z.record(z.string(), z.number()).describe('Machines by status');

export const MachineView = z.object({
  id: z.number(),
  serial: z.string(),
  dna: z.string().nullable(),
  mac: z.string().nullable(),
  model: z.string().nullable(),
  firmware: z.string().nullable(),
  site: z.string(),
  address: z.string(),
  port: z.number(),
  registeredAt: zInstant,
  status: z.enum(MACHINE_STATUSES),
  statusSince: zInstant,
  statusReason: z.string().nullable(),
  hashrateThs: z
    .number()
    .nullable()
    .describe(
      'TH/s as the totals count it: the last good measured (kept while a poll or two fails), 0 while offline or protocol-error (see status), null if never measured',
    ),
  lastGoodThs: z
    .number()
    .nullable()
    .describe(
      'The last good measured TH/s, kept while stale, offline or protocol-error; null if never measured',
    ),
  lastSeenAt: zInstant.nullable(),
  lastPolledAt: zInstant.nullable(),
  consecutiveFailures: z.number(),
  lastFailure: z.string().nullable(),
  lastPollMs: z.number().nullable().describe('How long the last poll took, retries included'),
});

export const MachineListPage = z.object({
  machines: z.array(MachineView),
  nextCursor: z
    .number()
    .nullable()
    .describe('Pass as `cursor` for the next page; null on the last page, and for a sorted list'),
  total: z.number().describe('Machines matching the filters and search, on every page'),
});

export const MachineHistory = z.object({
  machine: MachineView.extend({
    telemetry: z.unknown().describe("The last poll's normalised telemetry, null before the first"),
  }),
  power: z
    .object({
      wanted: z
        .enum(['off', 'on'])
        .nullable()
        .describe(
          'The power the machine is meant to have: its latest soft off or soft on; null if never sent one',
        ),
      askedAt: zInstant.nullable().describe('When that soft off or on was asked'),
      askedBy: z
        .string()
        .nullable()
        .describe('Who asked it (system:reconciler when it sent the soft off again)'),
      controlId: z.number().nullable().describe('The control that asked it'),
      notAsAsked: z
        .enum(['hashing-while-meant-off', 'not-hashing-while-meant-on'])
        .nullable()
        .describe(
          'Set when its status does not match the wanted power: hashing while meant off, or idle or offline while meant on',
        ),
    })
    .describe('The wanted power and whether the machine does as asked'),
  from: zInstant,
  to: zInstant,
  series: z.array(
    z.object({
      at: zInstant.describe('Start of the 5-minute bucket'),
      polls: z.number(),
      answered: z.number(),
      hashrateThs: z.number().nullable(),
      minThs: z.number().nullable(),
      maxThs: z.number().nullable(),
      hottestChipC: z.number().nullable(),
      inletC: z.number().nullable(),
      powerW: z.number().nullable(),
      health: z.string().nullable(),
    }),
  ),
  statusChanges: z.array(
    z.object({ at: zInstant, from: z.string(), to: z.string(), reason: z.string().nullable() }),
  ),
});

export const HashrateSeries = z.object({
  site: z.string().nullable().describe('Null for the whole fleet'),
  from: zInstant,
  to: zInstant,
  points: z.array(
    z.object({
      at: zInstant,
      hashrateThs: z.number(),
      machines: z.number(),
      reporting: z.number(),
      stale: z.number(),
      offline: z.number(),
    }),
  ),
});

export const StatusEventPage = z.object({
  events: z.array(
    z.object({
      id: z.number(),
      at: zInstant,
      machineId: z.number(),
      serial: z.string(),
      site: z.string(),
      address: z.string(),
      from: z.string(),
      to: z.string(),
      reason: z.string().nullable(),
      eventId: bigintAsText('The ledger event that recorded it'),
    }),
  ),
  nextCursor: z.number().nullable(),
});

export const FleetSummary = z.object({
  machines: z.number(),
  byStatus: counts,
  measuredThs: z.number().describe('Measured TH/s of machines not offline'),
  sites: z.array(
    z.object({ site: z.string(), machines: z.number(), byStatus: counts, measuredThs: z.number() }),
  ),
  lastSweep: z
    .object({
      at: zInstant,
      seconds: z.number().nullable(),
      answered: z.number().nullable(),
      failed: z.number().nullable(),
    })
    .nullable(),
});

const ControlAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('soft-off') }),
  z.object({ kind: z.literal('soft-on') }),
  z.object({ kind: z.literal('reboot') }),
  z.object({ kind: z.literal('work-mode'), mode: z.number() }),
  z.object({ kind: z.literal('pool'), pool: z.number() }),
  z.object({ kind: z.literal('add-pool'), url: z.string(), user: z.string(), password: z.string() }),
]);

/** What each machine a control reached did with it. */
export const ControlResults = z.array(
  z.object({
    machineId: z.number(),
    serial: z.string(),
    address: z.string(),
    outcome: z.enum(['done', 'unconfirmed', 'refused', 'failed', 'unreachable']),
    detail: z.string(),
  }),
);

export const ControlReport = z.object({
  controlId: z.number(),
  action: ControlAction,
  description: z.string(),
  requested: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  results: ControlResults,
});

const changes = z
  .object({
    address: z.string(),
    port: z.number(),
    site: z.string(),
    model: z.string().nullable(),
    firmware: z.string().nullable(),
    dna: z.string().nullable(),
    mac: z.string().nullable(),
  })
  .partial();

export const ScanResult = z.object({
  range: z.string(),
  site: z.string(),
  port: z.number(),
  addresses: z.number(),
  listening: z.number(),
  identified: z.number(),
  registered: z.array(
    z.object({ id: z.number(), serial: z.string(), address: z.string(), model: z.string().optional() }),
  ),
  changed: z.array(z.object({ id: z.number(), serial: z.string(), changes })),
  unchanged: z.number(),
  failed: z.array(z.object({ address: z.string(), reason: z.string() })),
  warnings: z.array(z.object({ address: z.string(), warning: z.string() })),
  seconds: z.number(),
  stageSeconds: z.object({ probe: z.number(), identify: z.number(), register: z.number() }),
});

export const SweepReport = z.object({
  sweep: z.number(),
  startedAt: zInstant,
  seconds: z.number(),
  machines: z.number(),
  answered: z.number(),
  failed: z.number(),
  failures: z.record(z.string(), z.number()).describe('Failed polls by reason'),
  statusChanges: z.number(),
  byStatus: counts,
  measuredThs: z.number(),
  latencyMs: z.object({ p50: z.number(), p99: z.number(), max: z.number() }),
  notAsked: z.number().describe("Machines not asked: the previous sweep's poll of them was still under way"),
  carried: z
    .number()
    .describe(
      "Polls still waiting on their miners when the rest was done, carried past the sweep's end to their own deadlines; their readings are this sweep's, written as they come",
    ),
  rowsWritten: z.number(),
  pruned: z
    .object({ telemetry: z.number(), minutes: z.number() })
    .describe('Partitions dropped by retention: days of per-machine telemetry, months of minute totals'),
});

type Out<T extends z.ZodType> = z.output<T>;
type Reply<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;
type _Agree = [
  Agrees<Same<Out<typeof MachineView>, MachineViewType>>,
  Agrees<Same<Out<typeof MachineHistory>, Reply<typeof machineHistory>>>,
  Agrees<Same<Out<typeof MachineHistory>['series'], Reply<typeof machineHistory>['series']>>,
  Agrees<Same<Out<typeof HashrateSeries>, Reply<typeof measuredHashrateSeries>>>,
  Agrees<Same<Out<typeof StatusEventPage>, Reply<typeof listStatusEvents>>>,
  Agrees<Same<Out<typeof FleetSummary>, FleetSummaryType>>,
  Agrees<Same<Out<typeof ControlReport>, ControlReportType>>,
  Agrees<Same<Out<typeof ControlReport>['action']['kind'], (typeof CONTROL_KINDS)[number]>>,
  Agrees<Same<Out<typeof ScanResult>, ScanResultType>>,
  Agrees<Same<Out<typeof SweepReport>, SweepReportType>>,
];
