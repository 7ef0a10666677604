/**
 * The report's section for finance: the contract liability rolled forward through the quarter,
 * the obligations still to deliver and how old they and the receivables are, the quarter's
 * cancellations and the customers that weigh 10% or more. Every figure is read off the contracts
 * as they stood on the quarter's last day (or the day before its first), rebuilt from their events
 * by sales (`contractTrails`), so a later event dated after the quarter changes none of them.
 */
import { addDays, type Day } from '../kernel/calendar.js';
import type { ContractTrail } from '../sales/as-of.js';
import { stateOn } from '../sales/as-of.js';
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
  type MoneyStep,
  obligationsByBand,
  receivablesAgeing,
} from './books-model.js';

const CONTRACTS = '/api/sales/contracts';

const moneyOf = (day: Day, s: ContractState): MoneyStep => {
  const f = contractFigures(s);
  return {
    day,
    paidCents: f.paidCents,
    refundedCents: f.refundedCents,
    forfeitedCents: f.forfeitedDepositCents,
    earnedCents: f.revenueCents,
  };
};

/** The latest month still to deliver on a contract, as it stood. */
function lastOpenMonth(s: ContractState) {
  const months = s.lines.flatMap((l) =>
    consumptionOrder(l.tranches)
      .filter((t) => t.units - t.delivered - t.cancelled > 0)
      .map((t) => t.month),
  );
  return months.length === 0 ? null : months.sort().at(-1)!;
}

export function booksSection(trails: Map<number, ContractTrail>, q: SalesQuarter): BooksSection {
  const { from, to, quarter } = q;
  const before = addDays(from, -1);
  const all = [...trails.values()];
  const rollForward = liabilityRollForward(
    all.map((t) => t.steps.map((s) => moneyOf(s.day, s.state))),
    from,
    to,
  );
  const atEnd = all.flatMap((t) => {
    const s = stateOn(t, to);
    return s ? [{ trail: t, s, f: contractFigures(s) }] : [];
  });
  const open = atEnd.filter((c) => c.f.backlogUnits > 0);
  const revenue = atEnd.map(({ trail, s, f }) => {
    const start = stateOn(trail, before);
    return {
      customerId: s.contract.customerId,
      customer: trail.customer,
      valueCents: f.revenueCents - (start ? contractFigures(start).revenueCents : 0n),
    };
  });
  const backlog = open.map(({ trail, s, f }) => ({
    customerId: s.contract.customerId,
    customer: trail.customer,
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
        open.map(({ trail, s, f }) => ({
          contractId: s.contract.id,
          customer: trail.customer,
          valueCents: f.valueCents,
          backlogCents: f.backlogCents,
          liabilityCents: f.liabilityCents,
          firstPaidOn: trail.steps.find((x) => x.day <= to && x.state.paid > 0n)?.day ?? null,
          lastOpenMonth: lastOpenMonth(s),
        })),
      ),
      source: `${CONTRACTS}?backlogAt=${to}`,
    },
    cancellations: cancellationsOf(trails, q),
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
function cancellationsOf(trails: Map<number, ContractTrail>, q: SalesQuarter): BooksSection['cancellations'] {
  const before = addDays(q.from, -1);
  const contracts: BooksSection['cancellations']['contracts'] = [];
  for (const [id, trail] of trails) {
    const end = stateOn(trail, q.to);
    if (!end) continue;
    const start = stateOn(trail, before);
    const a = contractFigures(end);
    const b = start ? contractFigures(start) : undefined;
    const units = a.cancelledUnits - (b?.cancelledUnits ?? 0);
    const forfeited = a.forfeitedDepositCents - (b?.forfeitedDepositCents ?? 0n);
    if (units === 0 && forfeited === 0n) continue;
    contracts.push({
      contractId: id,
      customer: trail.customer,
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

/** AI chips on pre-orders still to deliver at the end of `day` (machine pre-orders are not). */
export function openAiChipPreOrders(trails: Map<number, ContractTrail>, day: Day) {
  let openUnits = 0;
  let openCents = 0n;
  for (const trail of trails.values()) {
    const s = stateOn(trail, day);
    if (s?.contract.kind !== 'pre-order') continue;
    for (const l of s.lines) {
      if (l.line.productKind !== 'ai-chip') continue;
      const done = l.delivered + l.cancelled;
      openUnits += l.line.units - done;
      openCents += lineAmount(l.line, l.line.units) - lineAmount(l.line, done);
    }
  }
  return { openUnits, openCents };
}
