import { z } from 'zod';
import { zCode, zId, zInstant, zText, zWhole } from '../kernel/fields.js';
import { CONTROL_KINDS, MACHINE_STATUSES, SITE_CODE } from './model.js';

export const SiteCode = zCode(
  SITE_CODE,
  'must be a site code of letters, digits, . _ or - (up to 40), e.g. SG1',
).describe('Site code, e.g. SG1 (sites are kept by the self-mining module)');

const machineId = zId({ tooSmall: 'must be a machine id (1 or more)' });
const port = zWhole({
  min: 1,
  max: 65535,
  tooSmall: 'must be a TCP port from 1 to 65535',
  tooBig: 'must be a TCP port from 1 to 65535',
});
/** A page's position: the nextCursor of the previous page. */
const cursor = zWhole({
  min: 0,
  max: Number.MAX_SAFE_INTEGER,
  tooSmall: 'must be the nextCursor of the previous page',
});
const instant = zInstant;
const model = zText.trim().min(1).max(60);

export const ScanBody = z
  .object({
    range: zText
      .trim()
      .min(1, 'must name the addresses to scan')
      .max(200)
      .describe('Addresses to scan: 10.1.0.0/20, 10.1.0.5-10.1.0.90 or one address (at most a /16)'),
    site: SiteCode,
    port: port.default(4028).describe('The miners’ API port (4028 on stock firmware)'),
    concurrency: zWhole({ min: 1, max: 10_000 })
      .optional()
      .describe('Connect probes in flight at once (default 1000)'),
  })
  .strict();

export const MachineFilter = z
  .object({
    site: SiteCode.optional(),
    status: z.enum(MACHINE_STATUSES).optional().describe('Only machines in this status'),
    model: model.optional().describe('Only this model, e.g. 1246-83'),
  })
  .strict();

/** The machine list's columns it can be sorted by; `-hashrate` puts the largest first. */
export const MACHINE_SORTS = ['id', 'serial', 'model', 'site', 'status', 'hashrate'] as const;
export type MachineSort = (typeof MACHINE_SORTS)[number];

/** The filters, search and order without the page: what the whole-list export (CSV) takes. */
export const MachineQuery = MachineFilter.extend({
  search: zText
    .trim()
    .max(100)
    .optional()
    .describe('Machines whose serial, address, MAC, DNA or model contain this text'),
  sort: z
    .enum([...MACHINE_SORTS, ...MACHINE_SORTS.map((s) => `-${s}` as const)])
    .optional()
    .describe('By id unless asked; the column to sort by, largest first with a leading minus (-hashrate)'),
}).strict();

export const MachinePage = MachineQuery.extend({
  cursor: cursor
    .optional()
    .describe('The nextCursor of the previous page (pages in id order); omit for the first page'),
  offset: zWhole({ min: 0 })
    .optional()
    .describe('Machines to skip: pages of a sorted list (sort), where there is no cursor'),
  limit: zWhole({ min: 1, max: 1000 }).default(100).describe('Machines per page (1-1000)'),
})
  .strict()
  // A cursor is the last id seen, so it only pages a list in id order.
  .refine((q) => q.cursor === undefined || (q.offset === undefined && (q.sort ?? 'id') === 'id'), {
    path: ['cursor'],
    message: 'pages a list in id order only: with sort or offset, page by offset',
  });

/** The summary's one filter: a site's machines only (the last sweep is the fleet's, as it sweeps all). */
export const SummaryQuery = z
  .object({ site: SiteCode.optional().describe('One site; omit for the whole fleet') })
  .strict();

export const ById = z.object({ id: machineId.describe('Machine id') }).strict();

export const MachineHistoryQuery = z
  .object({
    from: instant.optional().describe('Start of the history (default: 24 hours before now)'),
    to: instant.optional().describe('End of the history (default: now)'),
  })
  .strict();

export const HashrateQuery = z
  .object({
    site: SiteCode.optional().describe('One site; omit for the whole fleet'),
    from: instant.describe('Start, inclusive'),
    to: instant.describe('End, exclusive'),
    every: z
      .enum(['minute', 'hour', 'day'])
      .optional()
      .describe('A point a minute (the default), or the average of each hour or day'),
  })
  .strict();

export const EventsQuery = z
  .object({
    machine: machineId.optional().describe('Only this machine'),
    site: SiteCode.optional(),
    status: z.enum(MACHINE_STATUSES).optional().describe('Only changes into this status'),
    cursor: cursor.optional().describe('The nextCursor of the previous page'),
    limit: zWhole({ min: 1, max: 1000 }).default(100),
  })
  .strict();

/**
 * cgminer splits a command's parameter at commas and a request at `|`, and escapes with `\\`: a
 * pool's fields holding any of them would reach the miner as other fields, so they are refused.
 */
const poolText = (max: number) =>
  zText
    .trim()
    .max(max)
    .refine((s) => !/[,|\\\s]/.test(s), { message: 'must not hold commas, |, \\ or spaces' });
const POOL_URL = /^stratum\+(tcp|ssl|tls):\/\/[^/:]+:\d{1,5}$/;

export const Selector = z
  .object({
    machines: z
      .array(machineId)
      .min(1, 'must list at least one machine id')
      .max(10_000, 'must list at most 10,000 machines; select a site, a status or a model for more')
      .optional()
      .describe('These machines'),
    site: SiteCode.optional().describe('Every machine at this site'),
    status: z.enum(MACHINE_STATUSES).optional().describe('Every machine in this status'),
    model: model.optional().describe('Every machine of this model'),
    all: z.literal(true).optional().describe('The whole fleet: must be said explicitly'),
  })
  .strict()
  .refine((s) => Object.values(s).some((v) => v !== undefined), {
    message: 'must name machines, a site, a status or a model (or all: true for the whole fleet)',
  })
  .describe('Which machines; the criteria given must all hold');

export const Action = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('soft-off') }).strict(),
    z.object({ kind: z.literal('soft-on') }).strict(),
    z.object({ kind: z.literal('reboot') }).strict(),
    z
      .object({
        kind: z.literal('work-mode'),
        mode: zWhole({
          min: 0,
          max: 9,
          message: 'must be a work mode number, e.g. 0 (normal) or 1 (performance)',
        }).describe('Avalon work mode: 0 normal, 1 performance; applied with a reboot'),
      })
      .strict(),
    z
      .object({
        kind: z.literal('pool'),
        pool: zWhole({ min: 0, max: 9, message: 'must be the number of a configured pool, e.g. 1' }).describe(
          'The configured pool to make active (0-based)',
        ),
      })
      .strict(),
    z
      .object({
        kind: z.literal('add-pool'),
        url: poolText(200)
          .regex(POOL_URL, 'must be a stratum URL with a port, e.g. stratum+tcp://pool.example:3333')
          .describe('The pool to add, e.g. stratum+tcp://pool.example:3333'),
        user: poolText(120).min(1, 'must name the worker, e.g. account.worker').describe('Worker name'),
        password: poolText(60)
          .default('x')
          .describe('Worker password (most pools ignore it; recorded with the request, so no secret)'),
      })
      .strict(),
  ])
  .describe(`What to do: ${CONTROL_KINDS.join(' | ')}`);

export const ControlBody = z.object({ selector: Selector, action: Action }).strict();

export const PollBody = z
  .object({
    offlineAfter: zWhole({ min: 1, max: 100 })
      .optional()
      .describe('Failed polls in a row before a machine is offline (default 3)'),
  })
  .strict();

export type ScanInput = z.output<typeof ScanBody>;
export type MachineQueryInput = z.output<typeof MachineQuery>;
export type MachinePageInput = z.output<typeof MachinePage>;
export type SelectorInput = z.output<typeof Selector>;
export type SummaryQueryInput = z.output<typeof SummaryQuery>;
export type EventsQueryInput = z.output<typeof EventsQuery>;
