/**
 * The demo order book as a sales import file (NDJSON, the format `hashforge sales import` reads):
 * customers, then every contract and event in date order. Loading it through the import decides
 * each row with the same rules as the API, in one transaction. Pure.
 */
import { formatUsd } from '../kernel/money.js';
import type { ContractEvent } from '../sales/model-events.js';
import type { DemoBook } from './book.js';

type Row = Record<string, unknown>;

function eventRow(contract: string, e: ContractEvent): Row {
  switch (e.type) {
    case 'payment-received':
      return {
        type: 'payment',
        contract,
        day: e.day,
        amountUsd: formatUsd(e.amountCents),
        ...(e.reference ? { reference: e.reference } : {}),
      };
    case 'refund':
      return {
        type: 'refund',
        contract,
        day: e.day,
        amountUsd: formatUsd(e.amountCents),
        ...(e.reason ? { reason: e.reason } : {}),
      };
    case 'delivery':
      return { type: 'delivery', contract, day: e.day, lines: e.lines };
    case 'cancellation':
      return {
        type: 'cancellation',
        contract,
        day: e.day,
        ...(e.reason ? { reason: e.reason } : {}),
        ...(e.parts ? { parts: e.parts } : {}),
      };
    case 'payment-adjustment':
      throw new Error('An import file has no row for a payment adjustment, and the demo makes none.');
    case 'reschedule':
      return {
        type: 'reschedule',
        contract,
        day: e.day,
        moves: e.moves.map((m) => ({
          lineId: m.lineId,
          tranche: m.tranche,
          month: m.month,
          ...(m.units ? { units: m.units } : {}),
        })),
        ...(e.reason ? { reason: e.reason } : {}),
      };
  }
}

export function bookRows(book: DemoBook): Row[] {
  const rows: Row[] = book.customers.map((c) => ({
    type: 'customer',
    ref: c.key,
    name: c.name,
    country: c.country,
    region: c.region,
  }));
  const dated: { day: string; order: number; seq: number; row: Row }[] = [];
  book.contracts.forEach((p, order) => {
    const { draft } = p;
    const balance = draft.terms.balance;
    dated.push({
      day: draft.signedOn,
      order,
      seq: 0,
      row: {
        type: 'contract',
        ref: p.key,
        customer: p.customer,
        kind: draft.kind,
        signedOn: draft.signedOn,
        ...(draft.reference ? { reference: draft.reference } : {}),
        terms: {
          depositPercent: draft.terms.depositPercent,
          balance: balance.due,
          ...(balance.due === 'on-delivery' ? { creditDays: balance.creditDays } : {}),
          depositForfeitedOnCancel: draft.terms.depositForfeitedOnCancel,
        },
        lines: draft.lines.map((l) => ({
          productId: l.productId,
          units: l.units,
          ...(l.centsPerTh !== undefined ? { usdPerTh: formatUsd(l.centsPerTh) } : {}),
          ...(l.centsPerUnit !== undefined ? { usdPerUnit: formatUsd(l.centsPerUnit) } : {}),
          ...(l.tranches ? { tranches: l.tranches } : {}),
        })),
      },
    });
    p.events.forEach((e, i) => {
      dated.push({ day: e.day, order, seq: i + 1, row: eventRow(p.key, e) });
    });
  });
  dated.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : a.order - b.order || a.seq - b.seq));
  return [...rows, ...dated.map((d) => d.row)];
}

export const bookNdjson = (book: DemoBook): string =>
  `${bookRows(book)
    .map((r) => JSON.stringify(r))
    .join('\n')}\n`;
