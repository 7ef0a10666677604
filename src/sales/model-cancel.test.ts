/** Partial cancellation, refunds after it, and payment adjustments, on the futures contract. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { type ContractDraft, type ProductFacts, signContract } from './model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractState,
  contractFigures,
  foldContract,
  openContract,
} from './model-events.js';

const A1246: ProductFacts = {
  id: 'A1246',
  kind: 'machine',
  family: 'A12',
  ths: 90,
  stage: 'mass-production',
};
const K210: ProductFacts = { id: 'K210', kind: 'ai-chip', family: 'K', ths: null, stage: 'mass-production' };
const products = new Map([A1246, K210].map((p) => [p.id, p]));

/** 1,000 A12 at $30/TH = $2,700,000 in tranches of 400/300/300; 30% deposit ($810,000), forfeited on cancel. */
const draft: ContractDraft = {
  customerId: 1,
  kind: 'futures',
  signedOn: '2020-11-10',
  terms: { depositPercent: 30, balance: { due: 'before-shipment' }, depositForfeitedOnCancel: true },
  lines: [
    {
      productId: 'A1246',
      units: 1000,
      centsPerTh: 3000n,
      tranches: [
        { month: '2020-12', units: 400 },
        { month: '2021-01', units: 300 },
        { month: '2021-02', units: 300 },
      ],
    },
  ],
};
const contract = signContract(7, draft, products, 5000n);
const deposit: ContractEvent = { type: 'payment-received', day: '2020-11-12', amountCents: 81_000_000n };
const paid = () => foldContract(contract, [deposit]);

function apply(s: ContractState, ...events: ContractEvent[]): ContractState {
  return events.reduce((state, e) => applyEvent(state, e).state, s);
}

function refusal(s: ContractState, e: ContractEvent): AppError {
  try {
    applyEvent(s, e);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('cancelling part of a contract', () => {
  it('cancels one tranche, forfeits its share of the deposit and keeps the rest of the contract going', () => {
    const { state, effect } = applyEvent(paid(), {
      type: 'cancellation',
      day: '2020-11-20',
      parts: [{ tranche: 3 }],
    });
    expect(effect).toEqual({
      type: 'cancellation',
      valueCents: 81_000_000n,
      forfeitedCents: 24_300_000n,
      refundedCents: 0n,
      lines: [
        {
          lineId: 1,
          units: 300,
          th: 27_000,
          valueCents: 81_000_000n,
          tranches: [{ tranche: 3, month: '2021-02', units: 300 }],
        },
      ],
    });
    const f = contractFigures(state);
    expect(f).toMatchObject({
      status: 'signed',
      backlogUnits: 700,
      backlogCents: 189_000_000n,
      cancelledUnits: 300,
      cancelledValueCents: 81_000_000n,
      forfeitedDepositCents: 24_300_000n,
      liabilityCents: 56_700_000n,
    });
    expect(state.cancelledOn).toBeNull();
    // The deposit still in force is the kept goods' share plus what was forfeited: all of it paid,
    // so the first tranche ships once its balance (70% of $1,080,000) is paid.
    const shipped = apply(
      state,
      { type: 'payment-received', day: '2020-12-01', amountCents: 75_600_000n },
      { type: 'delivery', day: '2020-12-02', lines: [{ lineId: 1, units: 400 }] },
    );
    expect(contractFigures(shipped)).toMatchObject({ status: 'delivering', liabilityCents: 24_300_000n });
  });

  it('takes units of a line from its latest tranches, and forfeits in two steps what one step would', () => {
    const once = apply(paid(), {
      type: 'cancellation',
      day: '2020-11-20',
      parts: [{ lineId: 1, units: 450 }],
    });
    const twice = apply(
      paid(),
      { type: 'cancellation', day: '2020-11-20', parts: [{ lineId: 1, units: 301 }] },
      { type: 'cancellation', day: '2020-11-21', parts: [{ lineId: 1, tranche: 2, units: 149 }] },
    );
    for (const s of [once, twice]) {
      expect(s.lines[0]!.tranches.map((t) => t.cancelled)).toEqual([0, 150, 300]);
      expect(s.forfeited).toBe(36_450_000n);
    }
  });

  it('leaves a deposit nobody paid unforfeited, and forfeits nothing when the terms say so', () => {
    const unpaid = apply(openContract(contract), {
      type: 'cancellation',
      day: '2020-11-20',
      parts: [{ tranche: 3 }],
    });
    expect(unpaid.forfeited).toBe(0n);
    const lenient = signContract(
      8,
      { ...draft, terms: { ...draft.terms, depositForfeitedOnCancel: false } },
      products,
      5000n,
    );
    const s = apply(foldContract(lenient, [deposit]), {
      type: 'cancellation',
      day: '2020-11-20',
      parts: [{ tranche: 3 }],
    });
    expect(contractFigures(s)).toMatchObject({ forfeitedDepositCents: 0n, liabilityCents: 81_000_000n });
  });

  it('refuses more than remains, an unknown line or tranche, and a delivered tranche, naming the field', () => {
    const delivered = apply(
      paid(),
      { type: 'payment-received', day: '2020-12-01', amountCents: 75_600_000n },
      { type: 'delivery', day: '2020-12-02', lines: [{ lineId: 1, units: 400 }] },
    );
    const cases: [
      ContractEvent['day'],
      NonNullable<Extract<ContractEvent, { type: 'cancellation' }>['parts']>,
      string,
      string,
    ][] = [
      ['2020-12-03', [{ lineId: 1, units: 601 }], 'sales.over-cancellation', 'parts.0.units'],
      ['2020-12-03', [{ tranche: 2, units: 301 }], 'sales.over-cancellation', 'parts.0.units'],
      ['2020-12-03', [{ tranche: 3 }, { tranche: 3 }], 'sales.tranche-cancelled', 'parts.1.tranche'],
      ['2020-12-03', [{ lineId: 2, units: 1 }], 'invalid.value', 'parts.0.lineId'],
      ['2020-12-03', [{ tranche: 9 }], 'invalid.value', 'parts.0.tranche'],
      ['2020-12-03', [{ tranche: 1 }], 'sales.tranche-delivered', 'parts.0.tranche'],
      ['2020-12-03', [{ lineId: 1 }], 'invalid.value', 'parts.0.units'],
    ];
    for (const [day, parts, code, field] of cases) {
      const e = refusal(delivered, { type: 'cancellation', day, parts });
      expect([e.code.startsWith('invalid') ? 'invalid.value' : e.code, e.field]).toEqual([code, field]);
    }
  });

  it('reschedules what remains of a partly cancelled tranche, and delivers around the cancelled units', () => {
    const s = apply(
      paid(),
      { type: 'cancellation', day: '2020-11-20', parts: [{ tranche: 2, units: 100 }] },
      { type: 'reschedule', day: '2020-11-21', moves: [{ lineId: 1, tranche: 2, month: '2021-03' }] },
    );
    expect(s.lines[0]!.tranches).toEqual([
      { tranche: 1, month: '2020-12', units: 400, delivered: 0, cancelled: 0 },
      { tranche: 2, month: '2021-01', units: 100, delivered: 0, cancelled: 100 },
      { tranche: 3, month: '2021-02', units: 300, delivered: 0, cancelled: 0 },
      { tranche: 4, month: '2021-03', units: 200, delivered: 0, cancelled: 0 },
    ]);
    const all = apply(
      s,
      { type: 'payment-received', day: '2020-12-01', amountCents: 170_100_000n },
      { type: 'delivery', day: '2020-12-02', lines: [{ lineId: 1, units: 900 }] },
    );
    expect(contractFigures(all)).toMatchObject({ status: 'delivered', backlogCents: 0n, liabilityCents: 0n });
  });
});

describe('refunds after a cancellation', () => {
  it('keeps what was not forfeited as a liability until a refund on its own day', () => {
    const cancelled = apply(paid(), { type: 'cancellation', day: '2020-11-20', parts: 'remainder' });
    expect(contractFigures(cancelled)).toMatchObject({
      status: 'cancelled',
      forfeitedDepositCents: 81_000_000n,
      liabilityCents: 0n,
    });
    const lenient = signContract(
      8,
      { ...draft, terms: { ...draft.terms, depositForfeitedOnCancel: false } },
      products,
      5000n,
    );
    const s = apply(foldContract(lenient, [deposit]), {
      type: 'cancellation',
      day: '2020-11-20',
      parts: [{ tranche: 3 }],
    });
    const refunded = apply(s, { type: 'refund', day: '2020-11-27', amountCents: 30_000_000n });
    expect(contractFigures(refunded)).toMatchObject({
      refundedCents: 30_000_000n,
      liabilityCents: 51_000_000n,
    });
    const over = refusal(refunded, { type: 'refund', day: '2020-11-28', amountCents: 51_000_001n });
    expect([over.code, over.field]).toEqual(['sales.over-refund', 'amountUsd']);
  });

  it('replays a cancellation recorded before parts existed as it was: the rest paid back that day', () => {
    const lenient = signContract(
      8,
      { ...draft, terms: { ...draft.terms, depositForfeitedOnCancel: false } },
      products,
      5000n,
    );
    const { state, effect } = applyEvent(foldContract(lenient, [deposit]), {
      type: 'cancellation',
      day: '2020-11-20',
    });
    expect(effect).toMatchObject({ forfeitedCents: 0n, refundedCents: 81_000_000n });
    expect(effect.type === 'cancellation' && 'tranches' in effect.lines[0]!).toBe(false);
    expect(contractFigures(state).liabilityCents).toBe(0n);
  });
});

describe('adjusting a payment', () => {
  const corrects = { eventId: 41n, day: '2020-11-12', amountCents: 81_000_000n };
  it('moves what was paid by the difference, naming the payment', () => {
    const { state, effect } = applyEvent(paid(), {
      type: 'payment-adjustment',
      day: '2021-01-05',
      corrects,
      amountCents: -1_000_000n,
      reason: 'entered $810,000; the bank credited $800,000',
    });
    expect(effect).toEqual({ type: 'payment-adjustment', amountCents: -1_000_000n, correctsEventId: 41n });
    expect(contractFigures(state)).toMatchObject({ paidCents: 80_000_000n, liabilityCents: 80_000_000n });
  });

  it('refuses to take a payment below zero, to take back more than is kept, or to pay more than is owed', () => {
    const s = apply(paid(), { type: 'refund', day: '2020-11-15', amountCents: 80_000_000n });
    const adjust = (amountCents: bigint, c = corrects) =>
      refusal(s, { type: 'payment-adjustment', day: '2021-01-05', corrects: c, amountCents, reason: 'x' });
    expect(adjust(-81_000_001n).code).toBe('sales.adjustment-below-zero');
    expect(adjust(-1_000_001n).code).toBe('sales.adjustment-exceeds-paid');
    expect(adjust(0n).field).toBe('amountUsd');
    expect(adjust(270_000_001n - 1_000_000n).code).toBe('sales.overpayment');
  });
});
