/**
 * The machine list as CSV for a spreadsheet: every machine the filters and search match, in the
 * asked order, read from the store a page at a time (a fleet of 50,000 never sits whole in memory).
 */
import type { Readable } from 'node:stream';
import type { AppContext } from '../app/context.js';
import { type CsvColumn, csvStream } from '../kernel/csv.js';
import { requireSiteFilter } from '../mining/registry.js';
import { type MachineView, machinePages } from './queries.js';
import type { MachineQueryInput } from './schemas.js';

const iso = (d: Date | null) => d?.toISOString() ?? '';

export const MACHINE_CSV: CsvColumn<MachineView>[] = [
  { header: 'Machine', cell: (m) => m.id },
  { header: 'Serial', cell: (m) => m.serial },
  { header: 'Model', cell: (m) => m.model },
  { header: 'Site', cell: (m) => m.site },
  { header: 'Address', cell: (m) => m.address },
  { header: 'Port', cell: (m) => m.port },
  { header: 'Status', cell: (m) => m.status },
  { header: 'Hashrate (TH/s)', cell: (m) => m.hashrateThs },
  { header: 'Why', cell: (m) => m.statusReason },
  { header: 'Last seen', cell: (m) => iso(m.lastSeenAt) },
  { header: 'MAC', cell: (m) => m.mac },
  { header: 'DNA', cell: (m) => m.dna },
];

/** The filters are checked before the stream starts: a refusal is a 400, not a 200 cut short. */
export async function machinesCsv(ctx: AppContext, query: MachineQueryInput): Promise<Readable> {
  await requireSiteFilter(ctx.db, query.site);
  return csvStream(MACHINE_CSV, machinePages(ctx, query));
}
