/**
 * Invariants of the books over random valid histories (issue item 8). A history is built by
 * drawing intents (pay, deliver, refund, defer, cancel whole or in part, correct a payment) and
 * keeping only what the rules accept;
 * a delivery refused for want of payment is preceded by the payment it needs, so deliveries do
 * happen.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, lastDayOfQuarter, quarterOf, quarterRange } from '../kernel/calendar.js';
import { AppError } from '../kernel/errors.js';
import { type Contract, type ContractDraft, type ProductFacts, signContract } from './model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractState,
  contractFigures,
  contractOn,
  type EventEffect,
  foldContract,
  openContract,
} from './model-events.js';
import { movementOf, periodFigures, quarterFigures, type Rollups, sumRollups } from './model-figures.js';

const PRODUCTS: ProductFacts[] = [
  { id: 'A1246', kind: 'machine', family: 'A12', ths: 90, stage: 'mass-production' },
  { id: 'A1166', kind: 'machine', family: 'A11', ths: 13.5, stage: 'mass-production' },
  { id: 'A1066', kind: 'machine', family: 'A10', ths: 100.3, stage: 'mass-production' },
  { id: 'K210', kind: 'ai-chip', family: 'K', ths: null, stage: 'mass-production' },
];
const byId = new Map(PRODUCTS.map((p) => [p.id, p]));

type Intent =
  | { do: 'pay'; share: number }
  | { do: 'deliver'; line: number; share: number }
  | { do: 'refund'; share: number }
  | { do: 'defer'; line: number; tranche: number; months: number; share: number }
  | { do: 'cancel'; how: 'as-recorded-before-parts' | 'remainder' }
  | { do: 'cancel-part'; line: number; tranche: number; byTranche: boolean; share: number }
  | { do: 'adjust'; payment: number; up: boolean; share: number };

const share = fc.double({ min: 0.01, max: 1, noNaN: true });
const intent: fc.Arbitrary<Intent> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ do: fc.constant('pay' as const), share }) },
  { weight: 4, arbitrary: fc.record({ do: fc.constant('deliver' as const), line: fc.nat(2), share }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('refund' as const), share }) },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('defer' as const),
      line: fc.nat(2),
      tranche: fc.nat(4),
      months: fc.integer({ min: 1, max: 9 }),
      share,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      do: fc.constant('cancel' as const),
      how: fc.constantFrom('as-recorded-before-parts' as const, 'remainder' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('cancel-part' as const),
      line: fc.nat(2),
      tranche: fc.nat(4),
      byTranche: fc.boolean(),
      share,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ do: fc.constant('adjust' as const), payment: fc.nat(9), up: fc.boolean(), share }),
  },
);

const draft: fc.Arbitrary<ContractDraft> = fc
  .record({
    kind: fc.constantFrom('spot' as const, 'futures' as const),
    signedOn: fc.integer({ min: 0, max: 700 }).map((n) => addDays('2019-06-01', n)),
    depositPercent: fc.constantFrom(0, 10, 25, 30, 33.3333, 50, 100),
    onDelivery: fc.boolean(),
    creditDays: fc.integer({ min: 0, max: 60 }),
    forfeit: fc.boolean(),
    lines: fc.array(
      fc.record({
        product: fc.constantFrom(...PRODUCTS),
        tranches: fc.array(fc.record({ offset: fc.nat(14), units: fc.integer({ min: 1, max: 400 }) }), {
          minLength: 1,
          maxLength: 4,
        }),
        priceCents: fc.bigInt({ min: 1n, max: 1_000_000n }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  })
  .map((d) => ({
    customerId: 1,
    kind: d.kind,
    signedOn: d.signedOn,
    terms: {
      depositPercent: d.depositPercent,
      balance: d.onDelivery
        ? { due: 'on-delivery' as const, creditDays: d.creditDays }
        : { due: 'before-shipment' as const },
      depositForfeitedOnCancel: d.forfeit,
    },
    lines: d.lines.map((l) => {
      const month = d.signedOn.slice(0, 7);
      const tranches = l.tranches.map((t) => ({
        month: addDays(`${month}-01`, t.offset * 31).slice(0, 7),
        units: t.units,
      }));
      return {
        productId: l.product.id,
        units: tranches.reduce((s, t) => s + t.units, 0),
        ...(l.product.kind === 'machine' ? { centsPerTh: l.priceCents } : { centsPerUnit: l.priceCents }),
        tranches,
      };
    }),
  }));

const part = (amount: bigint, s: number): bigint => {
  const x = (amount * BigInt(Math.round(s * 1000))) / 1000n;
  return x > 0n ? x : amount > 0n ? 1n : 0n;
};

interface History {
  contract: Contract;
  events: ContractEvent[];
  effects: EventEffect[];
  states: ContractState[];
  movements: Rollups[];
}

/** Turns intents into the events the rules accept, with days moving forward. */
function play(contract: Contract, intents: Intent[], gaps: number[]): History {
  let state = openContract(contract);
  const h: History = {
    contract,
    events: [],
    effects: [],
    states: [state],
    movements: [movementOf(null, state, contract.signedOn)],
  };
  let day = contract.signedOn;
  /** Each payment recorded so far, as it stands after its adjustments (its id: its index). */
  const payments: { day: string; amountCents: bigint }[] = [];
  const tryEvent = (event: ContractEvent): AppError | undefined => {
    try {
      const { state: next, effect } = applyEvent(state, event);
      h.movements.push(movementOf(state, next, event.day));
      h.events.push(event);
      h.effects.push(effect);
      h.states.push(next);
      state = next;
      return undefined;
    } catch (e) {
      if (e instanceof AppError) return e;
      throw e;
    }
  };
  intents.forEach((it, i) => {
    day = addDays(day, gaps[i % gaps.length]!);
    const f = contractFigures(state);
    switch (it.do) {
      case 'pay': {
        const amountCents = part(f.owedCents, it.share);
        if (!tryEvent({ type: 'payment-received', day, amountCents })) payments.push({ day, amountCents });
        return;
      }
      case 'adjust': {
        const paid = payments[it.payment % Math.max(1, payments.length)];
        if (!paid) return;
        const amountCents = it.up ? part(f.owedCents, it.share) : -part(paid.amountCents, it.share);
        const corrects = { eventId: BigInt(it.payment % payments.length), ...paid };
        const refused = tryEvent({ type: 'payment-adjustment', day, corrects, amountCents, reason: 'typo' });
        if (!refused) paid.amountCents += amountCents;
        return;
      }
      case 'refund':
        tryEvent({ type: 'refund', day, amountCents: part(f.liabilityCents, it.share) });
        return;
      case 'cancel':
        tryEvent(
          it.how === 'remainder'
            ? { type: 'cancellation', day, parts: 'remainder' }
            : { type: 'cancellation', day },
        );
        return;
      case 'cancel-part': {
        const line = state.lines[it.line % state.lines.length]!;
        const t = line.tranches[it.tranche % line.tranches.length]!;
        const open = it.byTranche
          ? t.units - t.delivered - t.cancelled
          : line.line.units - line.delivered - line.cancelled;
        const units = Math.max(1, Math.round(open * it.share));
        tryEvent({
          type: 'cancellation',
          day,
          parts: [
            it.byTranche
              ? { lineId: line.line.lineId, tranche: t.tranche, units }
              : { lineId: line.line.lineId, units },
          ],
        });
        return;
      }
      case 'defer': {
        const line = state.lines[it.line % state.lines.length]!;
        const t = line.tranches[it.tranche % line.tranches.length]!;
        const open = t.units - t.delivered - t.cancelled;
        const month = addDays(`${day.slice(0, 7)}-01`, it.months * 31).slice(0, 7);
        const units = Math.max(1, Math.round(open * it.share));
        tryEvent({
          type: 'reschedule',
          day,
          moves: [{ lineId: line.line.lineId, tranche: t.tranche, month, units }],
        });
        return;
      }
      case 'deliver': {
        const line = state.lines[it.line % state.lines.length]!;
        const open = line.line.units - line.delivered - line.cancelled;
        const event: ContractEvent = {
          type: 'delivery',
          day,
          lines: [{ lineId: line.line.lineId, units: Math.max(1, Math.round(open * it.share)) }],
        };
        const refused = tryEvent(event);
        if (refused?.code === 'sales.unpaid-tranche') {
          const { requiredCents, paidCents } = refused.detail as { requiredCents: bigint; paidCents: bigint };
          tryEvent({ type: 'payment-received', day, amountCents: requiredCents - paidCents });
          tryEvent(event);
        }
      }
    }
  });
  return h;
}

const histories = fc
  .array(
    fc.record({
      draft,
      intents: fc.array(intent, { maxLength: 25 }),
      gaps: fc.array(fc.nat(40), { minLength: 1, maxLength: 5 }),
    }),
    { minLength: 1, maxLength: 6 },
  )
  .map((books) =>
    books.map((b, i) =>
      play(signContract(i + 1, { ...b.draft, customerId: 1 }, byId, 5000n), b.intents, b.gaps),
    ),
  );

describe('the books over random valid histories', () => {
  it('keep each contract whole after every event', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        for (const h of hs) {
          // A payment corrected downwards after shipping leaves the customer owing: that is the truth.
          let correctedDown = false;
          for (const [i, s] of h.states.entries()) {
            const e = h.events[i - 1];
            if (e?.type === 'payment-adjustment' && e.amountCents < 0n) correctedDown = true;
            const f = contractFigures(s);
            expect(f.backlogCents + f.revenueCents + f.cancelledValueCents).toBe(f.valueCents);
            expect(f.backlogUnits + f.deliveredUnits + f.cancelledUnits).toBe(f.units);
            expect(f.liabilityCents > 0n && f.receivableCents > 0n).toBe(false);
            expect(f.liabilityCents >= 0n && f.receivableCents >= 0n && f.owedCents >= 0n).toBe(true);
            if (s.contract.terms.balance.due === 'before-shipment' && !correctedDown)
              expect(f.receivableCents).toBe(0n);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('recognise, over all quarters, exactly the value delivered', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        const all = sumRollups(hs.flatMap((h) => h.movements));
        const quarters = all.lines.map((r) => r.quarter).sort();
        const figures = periodFigures(all, quarters[0]!, quarters.at(-1)!);
        let delivered = 0n;
        let fromEffects = 0n;
        for (const h of hs) {
          const final = contractFigures(h.states.at(-1)!);
          delivered += final.revenueCents;
          for (const e of h.effects) if (e.type === 'delivery') fromEffects += e.revenueCents;
          if (final.deliveredUnits === final.units) expect(final.revenueCents).toBe(final.valueCents);
        }
        expect(figures.deliveries.valueCents).toBe(delivered);
        expect(fromEffects).toBe(delivered);
      }),
      { numRuns: 150 },
    );
  });

  it('give at each quarter end the sum of the contracts as they stood that day', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        const all = sumRollups(hs.flatMap((h) => h.movements));
        const days = hs.flatMap((h) => [h.contract.signedOn, ...h.events.map((e) => e.day)]).sort();
        for (const quarter of quarterRange(quarterOf(days[0]!), quarterOf(days.at(-1)!))) {
          const end = lastDayOfQuarter(quarter);
          const q = quarterFigures(all, quarter);
          let liabilities = 0n;
          let receivables = 0n;
          let backlog = 0n;
          let backlogUnits = 0;
          let revenueInQuarter = 0n;
          for (const h of hs) {
            if (h.contract.signedOn > end) continue;
            const f = contractFigures(contractOn(h.contract, h.events, end));
            liabilities += f.liabilityCents;
            receivables += f.receivableCents;
            backlog += f.backlogCents;
            backlogUnits += f.backlogUnits;
            h.events.forEach((e, i) => {
              const effect = h.effects[i]!;
              if (quarterOf(e.day) === quarter && effect.type === 'delivery')
                revenueInQuarter += effect.revenueCents;
            });
          }
          expect(q.atEnd.contractLiabilitiesCents).toBe(liabilities);
          expect(q.atEnd.receivablesCents).toBe(receivables);
          expect(q.atEnd.backlog.valueCents).toBe(backlog);
          expect(q.atEnd.backlog.units).toBe(backlogUnits);
          expect(q.deliveries.valueCents).toBe(revenueInQuarter);
          const scheduled = q.atEnd.scheduled.reduce((s, x) => s + x.valueCents, 0n);
          expect(scheduled).toBe(backlog);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('keep every line and tranche whole, forfeit no more than the deposit, refund no more than was paid', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        for (const h of hs) {
          for (const s of h.states) {
            for (const l of s.lines) {
              expect(l.delivered + l.cancelled).toBeLessThanOrEqual(l.line.units);
              const tranches = l.tranches.reduce(
                (acc, t) => {
                  expect(
                    Math.min(t.delivered, t.cancelled, t.units - t.delivered - t.cancelled),
                  ).toBeGreaterThanOrEqual(0);
                  return {
                    delivered: acc.delivered + t.delivered,
                    cancelled: acc.cancelled + t.cancelled,
                    units: acc.units + t.units,
                  };
                },
                { delivered: 0, cancelled: 0, units: 0 },
              );
              expect(tranches).toEqual({
                delivered: l.delivered,
                cancelled: l.cancelled,
                units: l.line.units,
              });
            }
            expect(s.forfeited >= 0n && s.forfeited <= s.deposit).toBe(true);
            expect(s.refunded + s.forfeited <= s.paid).toBe(true);
            if (!s.contract.terms.depositForfeitedOnCancel) expect(s.forfeited).toBe(0n);
          }
          h.effects.forEach((e, i) => {
            if (e.type !== 'cancellation') return;
            const before = h.states[i]!;
            const after = h.states[i + 1]!;
            // What a cancellation takes out of the open value is what it files as cancelled.
            const moved = contractFigures(before).backlogCents - contractFigures(after).backlogCents;
            expect(e.valueCents).toBe(moved);
            expect(e.lines.reduce((sum, l) => sum + l.valueCents, 0n)).toBe(e.valueCents);
          });
        }
      }),
      { numRuns: 150 },
    );
  });

  it('roll the contract liabilities forward: opening + received - refunded - revenue - forfeited = closing', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        const all = sumRollups(hs.flatMap((h) => h.movements));
        const quarters = [...new Set(all.money.map((r) => r.quarter))].sort();
        let opening = 0n;
        for (const quarter of quarterRange(quarters[0]!, quarters.at(-1)!)) {
          const q = quarterFigures(all, quarter);
          const closing = q.atEnd.contractLiabilitiesCents - q.atEnd.receivablesCents;
          expect(
            opening +
              q.payments.receivedCents -
              q.payments.refundedCents -
              q.deliveries.valueCents -
              q.forfeitedDepositsCents,
          ).toBe(closing);
          opening = closing;
        }
      }),
      { numRuns: 100 },
    );
  });

  it('come out the same when the events are replayed', () => {
    fc.assert(
      fc.property(histories, (hs) => {
        for (const h of hs) {
          expect(contractFigures(foldContract(h.contract, h.events))).toEqual(
            contractFigures(h.states.at(-1)!),
          );
        }
      }),
      { numRuns: 100 },
    );
  });
});
