import { describe, expect, it } from 'vitest';
import type { MoneyStep } from '../sales/model-events.js';
import {
  backlogAgeing,
  bookingsByKind,
  customersAtOrAbove,
  depositsAheadOfDelivery,
  liabilityRollForward,
  obligationsByBand,
  receivablesAgeing,
} from './books-model.js';

const step = (day: string, paid: number, earned: number, refunded = 0, forfeited = 0): MoneyStep => ({
  day,
  paidCents: BigInt(paid),
  refundedCents: BigInt(refunded),
  forfeitedCents: BigInt(forfeited),
  earnedCents: BigInt(earned),
});

describe('the contract liability roll-forward of a hand-built book', () => {
  // A: 300 prepaid in Q3; in Q4 200 delivered, 500 paid, 400 delivered.
  const a = [
    step('2020-08-01', 0, 0),
    step('2020-08-02', 300, 0),
    step('2020-10-05', 300, 200),
    step('2020-11-01', 800, 200),
    step('2020-12-01', 800, 600),
  ];
  // B: signed in Q4, 100 paid, 250 delivered (150 owed), then 200 paid (150 settles the receivable).
  const b = [
    step('2020-10-01', 0, 0),
    step('2020-10-02', 100, 0),
    step('2020-10-20', 100, 250),
    step('2020-11-20', 300, 250),
  ];
  // C: 1,000 prepaid in Q3, cancelled in Q4: 300 forfeited, 700 refunded.
  const c = [step('2020-07-01', 0, 0), step('2020-07-02', 1000, 0), step('2020-12-15', 1000, 0, 700, 300)];
  // D: signed after the quarter: not in it.
  const d = [step('2021-01-05', 0, 0), step('2021-01-06', 999, 0)];

  it('adds up line by line to the closing balance, worked by hand', () => {
    const r = liabilityRollForward([a, b, c, d], '2020-10-01', '2020-12-31');
    expect(r).toEqual({
      openingCents: 1300n, // A 300 + C 1,000
      cashReceivedCents: 650n, // A 500, B 100 + 50 (150 of its 200 settled the receivable)
      revenueFromOpeningCents: 300n, // A 200, then 100 of its 400
      revenueFromQuarterCashCents: 400n, // A 300, B 100
      refundsCents: 700n,
      forfeitedCents: 300n,
      closingCents: 250n, // A 200, B 50
      cashToReceivablesCents: 150n,
      revenueBilledCents: 150n,
    });
    const sum =
      r.openingCents +
      r.cashReceivedCents -
      r.revenueFromOpeningCents -
      r.revenueFromQuarterCashCents -
      r.refundsCents -
      r.forfeitedCents;
    expect(sum).toBe(r.closingCents);
  });

  it('opens the next quarter where this one closed', () => {
    const q4 = liabilityRollForward([a, b, c, d], '2020-10-01', '2020-12-31');
    const q1 = liabilityRollForward([a, b, c, d], '2021-01-01', '2021-03-31');
    expect(q1.openingCents).toBe(q4.closingCents);
    expect(q1.closingCents).toBe(250n + 999n);
  });
});

describe('the order book at a quarter end', () => {
  it('splits the obligations still to deliver at twelve months, late tranches within', () => {
    const s = [
      { quarter: '2020Q3', units: 1, th: 10, valueCents: 100n }, // late
      { quarter: '2021Q4', units: 2, th: 20, valueCents: 200n },
      { quarter: '2022Q1', units: 4, th: 40, valueCents: 400n },
    ];
    expect(obligationsByBand(s, '2020Q4')).toEqual({
      withinTwelveMonths: { units: 3, th: 30, valueCents: 300n, throughQuarter: '2021Q4' },
      later: { units: 4, th: 40, valueCents: 400n },
    });
  });

  it('finds the contracts paid more than a year ahead of their last delivery', () => {
    const base = { customer: 'x', valueCents: 1000n, backlogCents: 600n, liabilityCents: 300n };
    const r = depositsAheadOfDelivery([
      { ...base, contractId: 1, firstPaidOn: '2020-10-15', lastOpenMonth: '2021-11' },
      { ...base, contractId: 2, firstPaidOn: '2020-10-15', lastOpenMonth: '2021-10' },
      { ...base, contractId: 3, firstPaidOn: null, lastOpenMonth: '2023-01' },
    ]);
    expect(r).toEqual({
      contracts: 1,
      valueCents: 1000n,
      backlogCents: 600n,
      liabilityCents: 300n,
      contractIds: [1],
    });
  });

  it('names the customers at 10% or more, summing their contracts', () => {
    const rows = [
      { customerId: 1, customer: 'A', valueCents: 50n },
      { customerId: 2, customer: 'B', valueCents: 9n },
      { customerId: 1, customer: 'A', valueCents: 20n },
      { customerId: 3, customer: 'C', valueCents: 10n },
    ];
    expect(customersAtOrAbove(rows, 100n)).toEqual([
      { customerId: 1, customer: 'A', valueCents: 70n, sharePct: 70 },
      { customerId: 3, customer: 'C', valueCents: 10n, sharePct: 10 },
    ]);
    expect(customersAtOrAbove(rows, 0n)).toEqual([]);
  });

  it('ages receivables from the latest deliveries back, by days past due', () => {
    const bands = receivablesAgeing(
      [
        // 300 owed of deliveries of 200 (Oct 1) and 250 (Dec 20), 30 days' credit.
        {
          receivableCents: 300n,
          creditDays: 30,
          deliveries: [
            { day: '2020-10-01', earnedAfter: 200n },
            { day: '2020-12-20', earnedAfter: 450n },
          ],
        },
      ],
      '2020-12-31',
    );
    expect(bands.map((b) => [b.band, b.valueCents])).toEqual([
      ['not due', 250n],
      ['1-30 days', 0n],
      ['31-60 days', 0n],
      ['61-90 days', 50n], // Oct 1 + 30 days' credit, 91 − 30 = 61 days past due on Dec 31
      ['over 90 days', 0n],
    ]);
  });

  it('ages the backlog by the signing day', () => {
    const bands = backlogAgeing(
      [
        { signedOn: '2020-12-01', backlogUnits: 1, backlogCents: 10n },
        { signedOn: '2019-12-01', backlogUnits: 2, backlogCents: 20n },
        { signedOn: '2019-12-01', backlogUnits: 0, backlogCents: 0n },
      ],
      '2020-12-31',
    );
    expect(bands.map((b) => [b.band, b.units, b.valueCents, b.contracts])).toEqual([
      ['0-90 days', 1, 10n, 1],
      ['91-180 days', 0, 0n, 0],
      ['181-365 days', 0, 0n, 0],
      ['over a year', 2, 20n, 1],
    ]);
  });

  it('books machines and AI chips, spot, futures and pre-orders in their own rows, contracts counted once each', () => {
    const rows = bookingsByKind([
      {
        contractId: 1,
        contractKind: 'futures',
        productKind: 'machine',
        units: 10,
        th: 1000,
        valueCents: 100n,
      },
      { contractId: 1, contractKind: 'futures', productKind: 'machine', units: 5, th: 500, valueCents: 50n },
      { contractId: 1, contractKind: 'futures', productKind: 'ai-chip', units: 100, th: 0, valueCents: 7n },
      {
        contractId: 2,
        contractKind: 'pre-order',
        productKind: 'machine',
        units: 3,
        th: 300,
        valueCents: 30n,
      },
      { contractId: 3, contractKind: 'pre-order', productKind: 'ai-chip', units: 9, th: 0, valueCents: 9n },
    ]);
    expect(rows).toEqual([
      { productKind: 'ai-chip', contractKind: 'futures', units: 100, th: 0, valueCents: 7n, contracts: 1 },
      { productKind: 'ai-chip', contractKind: 'pre-order', units: 9, th: 0, valueCents: 9n, contracts: 1 },
      {
        productKind: 'machine',
        contractKind: 'futures',
        units: 15,
        th: 1500,
        valueCents: 150n,
        contracts: 1,
      },
      { productKind: 'machine', contractKind: 'pre-order', units: 3, th: 300, valueCents: 30n, contracts: 1 },
    ]);
  });
});
