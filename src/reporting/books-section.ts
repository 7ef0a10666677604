/**
 * The report's section for finance: the contract liability rolled forward through the quarter,
 * the obligations still to deliver and how old they and the receivables are, the quarter's
 * cancellations and the customers that weigh 10% or more. Every figure is read off the contracts
 * as they stood on the quarter's last day (or the day before its first), as sales keeps them by
 * quarter (`contractsAtQuarter`), so a later event dated after the quarter changes none of them.
 */
import { addDays } from '../kernel/calendar.js';
import type { ContractAtQuarter } from '../sales/as-of.js';
import { contractsAsOf, type SalesQuarter } from '../sales/figures.js';
import { lineAmount, lineTh } from '../sales/model.js';
import { type ContractState, consumptionOrder, contractFigures } from '../sales/model-events.js';
import {
  type BooksSection,
  backlogAgeing,
  bookingsByKind,
  customersAtOrAbove,
  depositsAheadOfDelivery,
  liabilityRollForward,
  obligationsByBand,
  receivablesAgeing,
} from './books-model.js';

const CONTRACTS = '/api/sales/contracts';

/** The latest month still to deliver on a contract, as it stood. */
function lastOpenMonth(s: ContractState) {
  const months = s.lines.flatMap((l) =>
    consumptionOrder(l.tranches)
      .filter((t) => t.units - t.delivered - t.cancelled > 0)
      .map((t) => t.month),
  );
  return months.length === 0 ? null : months.sort().at(-1)!;
}

export function booksSection(contracts: Map<number, ContractAtQuarter>, q: SalesQuarter): BooksSection {
  const { from, to, quarter } = q;
  const before = addDays(from, -1);
  const all = [...contracts.values()];
  const rollForward = liabilityRollForward(
    all.map((c) => c.money),
    from,
    to,
  );
  const atEnd = all.map((c) => ({ c, s: c.end, f: contractFigures(c.end) }));
  const open = atEnd.filter((c) => c.f.backlogUnits > 0);
  const revenue = atEnd.map(({ c, s, f }) => ({
    customerId: s.contract.customerId,
    customer: c.customer,
    valueCents: f.revenueCents - (c.start ? contractFigures(c.start).revenueCents : 0n),
  }));
  const backlog = open.map(({ c, s, f }) => ({
    customerId: s.contract.customerId,
    customer: c.customer,
    valueCents: f.backlogCents,
  }));
  const revenueTotal = revenue.reduce((a, r) => a + r.valueCents, 0n);
  const backlogTotal = backlog.reduce((a, r) => a + r.valueCents, 0n);
  const bands = obligationsByBand(q.atEnd.scheduled, quarter);
  return {
    day: to,
    rollForward: {
      ...rollForward,
      balanceSheetCents: q.atEnd.contractLiabilities.valueCents,
      ties: rollForward.closingCents === q.atEnd.contractLiabilities.valueCents,
      forfeitedTo: 'other income: a forfeited deposit leaves contract liabilities without being revenue',
      source: [
        `${CONTRACTS}?liabilityAt=${before}`,
        contractsAsOf(`paidIn=${quarter}`, to),
        contractsAsOf(`deliveredIn=${quarter}`, to),
        contractsAsOf(`cancelledIn=${quarter}`, to),
        `${CONTRACTS}?liabilityAt=${to}`,
      ],
    },
    obligations: { ...bands, source: `${CONTRACTS}?backlogAt=${to}` },
    depositsAheadOfDelivery: {
      ...depositsAheadOfDelivery(
        open.map(({ c, s, f }) => ({
          contractId: s.contract.id,
          customer: c.customer,
          valueCents: f.valueCents,
          backlogCents: f.backlogCents,
          liabilityCents: f.liabilityCents,
          firstPaidOn: c.firstPaidOn,
          lastOpenMonth: lastOpenMonth(s),
        })),
      ),
      source: `${CONTRACTS}?backlogAt=${to}`,
    },
    cancellations: cancellationsOf(contracts, q),
    concentration: {
      revenueCents: revenueTotal,
      backlogCents: backlogTotal,
      revenue: customersAtOrAbove(
        revenue.filter((r) => r.valueCents !== 0n),
        revenueTotal,
      ),
      backlog: customersAtOrAbove(backlog, backlogTotal),
      source: [contractsAsOf(`deliveredIn=${quarter}`, to), `${CONTRACTS}?backlogAt=${to}`],
    },
    receivablesAgeing: {
      bands: receivablesAgeing(
        atEnd
          .filter((c) => c.f.receivableCents > 0n)
          .map(({ s, f }) => ({
            receivableCents: f.receivableCents,
            deliveries: s.deliveries,
            creditDays:
              s.contract.terms.balance.due === 'on-delivery' ? s.contract.terms.balance.creditDays : 0,
          })),
        to,
      ),
      source: `${CONTRACTS}?receivableAt=${to}`,
    },
    backlogAgeing: {
      bands: backlogAgeing(
        open.map(({ s, f }) => ({
          signedOn: s.contract.signedOn,
          backlogUnits: f.backlogUnits,
          backlogCents: f.backlogCents,
        })),
        to,
      ),
      source: `${CONTRACTS}?backlogAt=${to}`,
    },
    bookings: {
      rows: bookingsByKind(
        atEnd
          .filter(({ s }) => s.contract.signedOn >= from)
          .flatMap(({ s }) =>
            s.lines.map(({ line }) => ({
              contractId: s.contract.id,
              contractKind: s.contract.kind,
              productKind: line.productKind,
              units: line.units,
              th: lineTh(line, line.units),
              valueCents: lineAmount(line, line.units),
            })),
          ),
      ),
      source: contractsAsOf(`signedIn=${quarter}`, to),
    },
  };
}

/** The quarter's cancellations, contract by contract: what each cancelled and what it forfeited. */
function cancellationsOf(
  atQuarter: Map<number, ContractAtQuarter>,
  q: SalesQuarter,
): BooksSection['cancellations'] {
  const contracts: BooksSection['cancellations']['contracts'] = [];
  for (const [id, { customer, start, end }] of atQuarter) {
    const a = contractFigures(end);
    const b = start ? contractFigures(start) : undefined;
    const units = a.cancelledUnits - (b?.cancelledUnits ?? 0);
    const forfeited = a.forfeitedDepositCents - (b?.forfeitedDepositCents ?? 0n);
    if (units === 0 && forfeited === 0n) continue;
    contracts.push({
      contractId: id,
      customer,
      units,
      th: a.cancelledTh - (b?.cancelledTh ?? 0),
      valueCents: a.cancelledValueCents - (b?.cancelledValueCents ?? 0n),
      forfeitedCents: forfeited,
      source: `${CONTRACTS}/${id}`,
    });
  }
  return {
    units: q.cancellations.units,
    th: q.cancellations.th,
    valueCents: q.cancellations.valueCents,
    forfeitedCents: q.forfeitedDeposits.valueCents,
    contracts,
    source: q.cancellations.source,
  };
}

/** AI chips on pre-orders still to deliver (machine pre-orders are not), of `states`: the contracts as they stood on a day. */
export function openAiChipPreOrders(states: Iterable<ContractState>) {
  let openUnits = 0;
  let openCents = 0n;
  for (const s of states) {
    if (s.contract.kind !== 'pre-order') continue;
    for (const l of s.lines) {
      if (l.line.productKind !== 'ai-chip') continue;
      const done = l.delivered + l.cancelled;
      openUnits += l.line.units - done;
      openCents += lineAmount(l.line, l.line.units) - lineAmount(l.line, done);
    }
  }
  return { openUnits, openCents };
}
