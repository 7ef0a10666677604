/**
 * The order book as CSV for a spreadsheet: every contract the filters match, in the asked order,
 * read from the store a page at a time. Money is in dollars with cents (1234.56), as a spreadsheet
 * reads a number; the column headers name the unit.
 */
import type { Readable } from 'node:stream';
import type { AppContext } from '../app/context.js';
import { type CsvColumn, csvStream } from '../kernel/csv.js';
import { type Cents, formatUsdDecimal } from '../kernel/money.js';
import type { ContractQueryInput } from './schemas.js';
import { type ContractSummary, selectContracts } from './store-reads.js';

const PAGE = 1000;
const dollars = (c: bigint) => formatUsdDecimal(c as Cents);

export const CONTRACT_CSV: CsvColumn<ContractSummary>[] = [
  { header: 'Contract', cell: (c) => c.id },
  { header: 'Customer', cell: (c) => c.customer },
  { header: 'Kind', cell: (c) => c.kind },
  { header: 'Signed', cell: (c) => c.signedOn },
  { header: 'Status', cell: (c) => c.status },
  { header: 'Value (USD)', cell: (c) => dollars(c.valueCents) },
  { header: 'Units', cell: (c) => c.units },
  { header: 'Delivered units', cell: (c) => c.deliveredUnits },
  { header: 'Paid (USD)', cell: (c) => dollars(c.paidCents) },
  { header: 'Revenue (USD)', cell: (c) => dollars(c.revenueCents) },
  { header: 'Liability (USD)', cell: (c) => dollars(c.liabilityCents) },
  { header: 'Receivable (USD)', cell: (c) => dollars(c.receivableCents) },
  { header: 'Backlog (USD)', cell: (c) => dollars(c.backlogCents) },
];

export function contractsCsv(ctx: AppContext, query: ContractQueryInput): Readable {
  async function* pages() {
    for (let offset = 0; ; offset += PAGE) {
      const { contracts } = await selectContracts(ctx.db, { ...query, limit: PAGE, offset });
      yield contracts;
      if (contracts.length < PAGE) return;
    }
  }
  return csvStream(CONTRACT_CSV, pages());
}
