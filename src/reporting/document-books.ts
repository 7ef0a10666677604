/** The report's finance section as document blocks (see books-model.ts for the figures). Pure. */
import { type Block, table } from './blocks.js';
import { count, th, usdShort } from './format.js';
import type { QuarterlyReport } from './model.js';

const KIND_NAMES: Record<string, string> = {
  machine: 'Machines',
  'ai-chip': 'AI chips',
  spot: 'spot',
  futures: 'futures',
  'pre-order': 'pre-orders',
};
const kindName = (k: string) => KIND_NAMES[k] ?? k;

export function booksBlocks(r: QuarterlyReport): Block[] {
  const b = r.books;
  const f = b.rollForward;
  const minus = (c: bigint) => (c === 0n ? usdShort(0n) : `−${usdShort(c)}`);
  const customers = (rows: typeof b.concentration.revenue) =>
    rows.length === 0 ? 'none' : rows.map((c) => `${c.customer} ${c.sharePct.toFixed(1)}%`).join(', ');
  const late = r.orderBook.scheduled.filter((s) => s.late);
  return [
    { kind: 'heading', level: 2, text: `Contract liabilities, ${r.quarter}` },
    table(
      ['', 'USD'],
      [
        [`Opening balance (${r.from})`, usdShort(f.openingCents)],
        ['+ cash received', usdShort(f.cashReceivedCents)],
        ['− revenue recognised out of the opening balance', minus(f.revenueFromOpeningCents)],
        ['− revenue recognised out of cash received in the quarter', minus(f.revenueFromQuarterCashCents)],
        ['− refunds', minus(f.refundsCents)],
        ['− deposits forfeited', minus(f.forfeitedCents)],
        [`= Closing balance (${b.day})`, usdShort(f.closingCents)],
        ['Balance sheet: contract liabilities', usdShort(f.balanceSheetCents)],
      ],
    ),
    {
      kind: 'paragraph',
      text:
        `${f.ties ? 'The closing balance ties to the balance sheet.' : 'The closing balance does NOT tie to the balance sheet.'} ` +
        `Cash received counts what went into liabilities; a further ${usdShort(f.cashToReceivablesCents)} settled receivables, ` +
        `and ${usdShort(f.revenueBilledCents)} of revenue was billed beyond what was prepaid. ` +
        `Deposits forfeited went to ${f.forfeitedTo}.`,
    },
    { kind: 'heading', level: 2, text: `Remaining performance obligations at ${b.day}` },
    table(
      ['', 'units', 'TH/s', 'value'],
      [
        [
          `Within twelve months (through ${b.obligations.withinTwelveMonths.throughQuarter}, late tranches included)`,
          count(b.obligations.withinTwelveMonths.units),
          th(b.obligations.withinTwelveMonths.th),
          usdShort(b.obligations.withinTwelveMonths.valueCents),
        ],
        [
          'Later',
          count(b.obligations.later.units),
          th(b.obligations.later.th),
          usdShort(b.obligations.later.valueCents),
        ],
      ],
    ),
    {
      kind: 'paragraph',
      text:
        `Contracts first paid more than a year before their last delivery: ${count(b.depositsAheadOfDelivery.contracts)}, ` +
        `worth ${usdShort(b.depositsAheadOfDelivery.valueCents)} (${usdShort(b.depositsAheadOfDelivery.backlogCents)} still to deliver, ` +
        `${usdShort(b.depositsAheadOfDelivery.liabilityCents)} prepaid). ` +
        (late.length > 0
          ? `Late tranches (due by ${b.day}, not delivered): ${count(late.reduce((s, x) => s + x.units, 0))} units, ` +
            `${usdShort(late.reduce((s, x) => s + x.valueCents, 0n))}.`
          : 'No tranche is late.'),
    },
    { kind: 'heading', level: 2, text: `Bookings of ${r.quarter} by kind` },
    table(
      ['', 'contracts', 'units', 'TH/s', 'value'],
      b.bookings.rows.map((x) => [
        `${kindName(x.productKind)}, ${kindName(x.contractKind)}`,
        count(x.contracts),
        count(x.units),
        x.productKind === 'machine' ? th(x.th) : '',
        usdShort(x.valueCents),
      ]),
    ),
    { kind: 'heading', level: 2, text: `Cancellations in ${r.quarter}` },
    {
      kind: 'paragraph',
      text:
        b.cancellations.contracts.length === 0
          ? 'No contract was cancelled in the quarter.'
          : `${count(b.cancellations.units)} units (${usdShort(b.cancellations.valueCents)}) cancelled; ` +
            `deposits forfeited ${usdShort(b.cancellations.forfeitedCents)}.`,
    },
    ...(b.cancellations.contracts.length === 0
      ? []
      : [
          table(
            ['contract', 'customer', 'units', 'value', 'forfeited'],
            b.cancellations.contracts.map((c) => [
              String(c.contractId),
              c.customer,
              count(c.units),
              usdShort(c.valueCents),
              usdShort(c.forfeitedCents),
            ]),
            [false, false, true, true, true],
          ),
        ]),
    { kind: 'heading', level: 2, text: 'Customers, receivables and backlog' },
    {
      kind: 'paragraph',
      text:
        `Customers with 10% or more of the quarter's revenue (${usdShort(b.concentration.revenueCents)}): ${customers(b.concentration.revenue)}. ` +
        `Of the backlog (${usdShort(b.concentration.backlogCents)}): ${customers(b.concentration.backlog)}.`,
    },
    table(
      ['receivables, days past due', 'contracts', 'value'],
      b.receivablesAgeing.bands.map((x) => [x.band, count(x.contracts), usdShort(x.valueCents)]),
    ),
    table(
      ['backlog, since signing', 'contracts', 'units', 'value'],
      b.backlogAgeing.bands.map((x) => [x.band, count(x.contracts), count(x.units), usdShort(x.valueCents)]),
    ),
  ];
}
