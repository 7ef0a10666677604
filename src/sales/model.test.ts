import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import {
  type Contract,
  type ContractDraft,
  contractValue,
  lineAmount,
  type ProductFacts,
  signContract,
} from './model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractState,
  contractFigures,
  contractOn,
  decideEvent,
  foldContract,
  openContract,
  openTranches,
} from './model-events.js';

const A1246: ProductFacts = {
  id: 'A1246',
  kind: 'machine',
  family: 'A12',
  ths: 90,
  stage: 'mass-production',
};
const A1166: ProductFacts = { id: 'A1166', kind: 'machine', family: 'A11', ths: 81, stage: 'end-of-life' };
const E10: ProductFacts = { id: 'E10', kind: 'machine', family: 'E', ths: 0.5, stage: 'development' };
const K210: ProductFacts = { id: 'K210', kind: 'ai-chip', family: 'K', ths: null, stage: 'mass-production' };
const K510: ProductFacts = { id: 'K510', kind: 'ai-chip', family: 'K', ths: null, stage: 'pre-order' };
const products = new Map([A1246, A1166, E10, K210, K510].map((p) => [p.id, p]));

/** The acceptance contract: 1,000 A12 machines at $30/TH in three monthly tranches, 30% deposit. */
const futuresDraft: ContractDraft = {
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

function refusal(f: () => unknown): AppError {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const run = (contract: Contract, events: ContractEvent[]): ContractState => foldContract(contract, events);

describe('amounts', () => {
  it('prices machines per TH/s, rounding once, half-even', () => {
    const line = { thsPerUnit: 13.5, price: { per: 'th' as const, centsPerTh: 3333n } };
    // 13.5 × 33.33 = 449.955 dollars -> 44995.5 cents -> 44996 (tie to even)
    expect(lineAmount(line, 1)).toBe(44996n);
    // 3 units: 1349.865 dollars -> 134986.5 cents -> 134986 (tie to even), not 3 × 44996
    expect(lineAmount(line, 3)).toBe(134986n);
  });

  it('prices AI chips per unit', () => {
    expect(lineAmount({ thsPerUnit: null, price: { per: 'unit', centsPerUnit: 1250n } }, 7)).toBe(8750n);
  });

  it('values the acceptance contract at 1,000 × 90 TH/s × $30', () => {
    const contract = signContract(1, futuresDraft, products, 4500n);
    expect(contractValue(contract)).toBe(270_000_000n);
    expect(openContract(contract).deposit).toBe(81_000_000n);
  });
});

describe('signing', () => {
  it('defaults to one tranche in the signing month', () => {
    const c = signContract(
      2,
      { ...futuresDraft, kind: 'spot', lines: [{ productId: 'A1246', units: 5, centsPerTh: 4000n }] },
      products,
      null,
    );
    expect(c.lines[0]!.tranches).toEqual([{ tranche: 1, month: '2020-11', units: 5 }]);
    expect(c.lines[0]!.thsPerUnit).toBe(90);
  });

  it('refuses selling a product at end of life, naming the line', () => {
    const e = refusal(() =>
      signContract(
        1,
        { ...futuresDraft, lines: [{ productId: 'A1166', units: 1, centsPerTh: 1n }] },
        products,
        null,
      ),
    );
    expect(e.code).toBe('sales.product-end-of-life');
    expect(e.field).toBe('lines.0.productId');
  });

  it('takes pre-orders only for products in the pre-order stage', () => {
    const draft = { ...futuresDraft, kind: 'pre-order' as const };
    const e = refusal(() =>
      signContract(
        1,
        { ...draft, lines: [{ productId: 'K210', units: 10, centsPerUnit: 900n }] },
        products,
        null,
      ),
    );
    expect(e.code).toBe('sales.product-not-in-pre-order');
    const ok = signContract(
      1,
      { ...draft, lines: [{ productId: 'K510', units: 10, centsPerUnit: 900n }] },
      products,
      null,
    );
    expect(contractValue(ok)).toBe(9000n);
  });

  it('refuses spot and futures sales of products not yet in mass production', () => {
    expect(
      refusal(() =>
        signContract(
          1,
          { ...futuresDraft, lines: [{ productId: 'K510', units: 1, centsPerUnit: 1n }] },
          products,
          null,
        ),
      ).code,
    ).toBe('sales.product-not-for-sale');
    expect(
      refusal(() =>
        signContract(
          1,
          { ...futuresDraft, lines: [{ productId: 'E10', units: 1, centsPerTh: 1n }] },
          products,
          null,
        ),
      ).code,
    ).toBe('sales.product-not-for-sale');
  });

  it('wants machines priced per TH/s and AI chips per unit', () => {
    expect(
      refusal(() =>
        signContract(
          1,
          { ...futuresDraft, lines: [{ productId: 'A1246', units: 1, centsPerUnit: 1n }] },
          products,
          null,
        ),
      ).field,
    ).toBe('lines.0.usdPerTh');
    expect(
      refusal(() =>
        signContract(
          1,
          { ...futuresDraft, lines: [{ productId: 'K210', units: 1, centsPerTh: 1n }] },
          products,
          null,
        ),
      ).field,
    ).toBe('lines.0.usdPerUnit');
  });

  it('checks the tranches against the line', () => {
    const line = futuresDraft.lines[0]!;
    const short = refusal(() =>
      signContract(
        1,
        { ...futuresDraft, lines: [{ ...line, tranches: [{ month: '2020-12', units: 999 }] }] },
        products,
        null,
      ),
    );
    expect(short.kind).toBe('invalid');
    expect(short.field).toBe('lines.0.tranches');
    const early = refusal(() =>
      signContract(
        1,
        { ...futuresDraft, lines: [{ ...line, tranches: [{ month: '2020-10', units: 1000 }] }] },
        products,
        null,
      ),
    );
    expect(early.field).toBe('lines.0.tranches.0.month');
  });

  it('checks the payment terms', () => {
    const terms = futuresDraft.terms;
    expect(
      refusal(() =>
        signContract(1, { ...futuresDraft, terms: { ...terms, depositPercent: 101 } }, products, null),
      ).field,
    ).toBe('terms.depositPercent');
    expect(
      refusal(() =>
        signContract(1, { ...futuresDraft, terms: { ...terms, depositPercent: 1.00001 } }, products, null),
      ).field,
    ).toBe('terms.depositPercent');
    expect(
      refusal(() =>
        signContract(
          1,
          { ...futuresDraft, terms: { ...terms, balance: { due: 'on-delivery', creditDays: -1 } } },
          products,
          null,
        ),
      ).field,
    ).toBe('terms.balance.creditDays');
  });
});

describe('the acceptance contract, by hand', () => {
  const contract = signContract(7, futuresDraft, products, 4500n);
  const deposit: ContractEvent = { type: 'payment-received', day: '2020-11-12', amountCents: 81_000_000n };
  // Tranche 1 is 400 × 90 × $30 = $1,080,000; 70% of it is the balance due before it ships.
  const balance1: ContractEvent = { type: 'payment-received', day: '2020-12-01', amountCents: 75_600_000n };
  const deliver1: ContractEvent = { type: 'delivery', day: '2020-12-15', lines: [{ lineId: 1, units: 400 }] };

  it('refuses shipping a tranche whose balance is unpaid, and changes nothing', () => {
    const state = run(contract, [deposit]);
    const e = refusal(() => applyEvent(state, deliver1));
    expect(e.code).toBe('sales.unpaid-tranche');
    expect(e.detail).toEqual({ requiredCents: 156_600_000n, paidCents: 81_000_000n });
    expect(contractFigures(state).deliveredUnits).toBe(0);
  });

  it('recognises revenue at the locked price and moves the liability', () => {
    const state = run(contract, [deposit, balance1, deliver1]);
    const f = contractFigures(state);
    expect(f.revenueCents).toBe(108_000_000n);
    expect(f.deliveredTh).toBe(36_000);
    // paid 1,566,000 - earned 1,080,000 = 486,000 still prepaid (the deposit share of tranches 2-3)
    expect(f.liabilityCents).toBe(48_600_000n);
    expect(f.receivableCents).toBe(0n);
    expect(f.backlogCents).toBe(162_000_000n);
    expect(f.backlogUnits).toBe(600);
    expect(f.status).toBe('delivering');
  });

  it('refuses delivering more than remains on a line', () => {
    const state = run(contract, [deposit, { ...balance1, amountCents: 189_000_000n }, deliver1]);
    const e = refusal(() =>
      applyEvent(state, { type: 'delivery', day: '2021-01-10', lines: [{ lineId: 1, units: 601 }] }),
    );
    expect(e.code).toBe('sales.over-delivery');
    expect(e.field).toBe('lines.0.units');
  });

  it('refuses a payment above what is still owed', () => {
    const state = run(contract, [deposit]);
    const e = refusal(() =>
      applyEvent(state, { type: 'payment-received', day: '2020-11-13', amountCents: 189_000_001n }),
    );
    expect(e.code).toBe('sales.overpayment');
    expect(
      applyEvent(state, { type: 'payment-received', day: '2020-11-13', amountCents: 189_000_000n }).state
        .paid,
    ).toBe(270_000_000n);
  });

  it('refuses a refund above the prepayments not yet earned', () => {
    const state = run(contract, [deposit, balance1, deliver1]);
    expect(
      refusal(() => applyEvent(state, { type: 'refund', day: '2020-12-20', amountCents: 48_600_001n })).code,
    ).toBe('sales.over-refund');
  });

  it('consumes the earliest open tranche, across tranches, and follows a deferral', () => {
    const paid: ContractEvent = { type: 'payment-received', day: '2020-11-12', amountCents: 270_000_000n };
    const state = run(contract, [
      paid,
      { type: 'delivery', day: '2020-12-15', lines: [{ lineId: 1, units: 350 }] },
      { type: 'reschedule', day: '2020-12-20', moves: [{ lineId: 1, tranche: 2, month: '2021-04' }] },
    ]);
    const { state: after, effect } = applyEvent(state, {
      type: 'delivery',
      day: '2021-01-05',
      lines: [{ lineId: 1, units: 100 }],
    });
    // 50 left of tranche 1 (2020-12), then tranche 3 (2021-02) before tranche 2, now in 2021-04.
    expect(effect).toMatchObject({
      type: 'delivery',
      lines: [
        {
          tranches: [
            { tranche: 1, month: '2020-12', units: 50 },
            { tranche: 3, month: '2021-02', units: 50 },
          ],
        },
      ],
    });
    expect(openTranches(after, '2021-01-05')).toEqual([
      { lineId: 1, tranche: 3, productId: 'A1246', month: '2021-02', unitsOpen: 250, paidForShipment: true },
      { lineId: 1, tranche: 2, productId: 'A1246', month: '2021-04', unitsOpen: 300, paidForShipment: true },
    ]);
  });

  it('moves part of a tranche as a new tranche', () => {
    const { state, effect } = applyEvent(run(contract, [deposit]), {
      type: 'reschedule',
      day: '2020-11-20',
      moves: [{ lineId: 1, tranche: 3, month: '2021-06', units: 100 }],
    });
    expect(effect).toEqual({
      type: 'reschedule',
      moves: [{ lineId: 1, tranche: 3, fromMonth: '2021-02', toTranche: 4, toMonth: '2021-06', units: 100 }],
    });
    expect(state.lines[0]!.tranches.map((t) => [t.tranche, t.month, t.units])).toEqual([
      [1, '2020-12', 400],
      [2, '2021-01', 300],
      [3, '2021-02', 200],
      [4, '2021-06', 100],
    ]);
  });

  it('refuses rescheduling into the past, a closed tranche, or more than is open', () => {
    const state = run(contract, [deposit, balance1, deliver1]);
    const move = (m: object) =>
      refusal(() => applyEvent(state, { type: 'reschedule', day: '2021-01-03', moves: [m as never] }));
    expect(move({ lineId: 1, tranche: 2, month: '2020-12' }).code).toBe('sales.reschedule-into-past');
    expect(move({ lineId: 1, tranche: 1, month: '2021-05' }).code).toBe('sales.tranche-closed');
    expect(move({ lineId: 1, tranche: 2, month: '2021-05', units: 301 }).code).toBe('sales.over-reschedule');
    expect(move({ lineId: 2, tranche: 1, month: '2021-05' }).field).toBe('moves.0.lineId');
    expect(move({ lineId: 1, tranche: 9, month: '2021-05' }).field).toBe('moves.0.tranche');
  });

  it('cancels the remainder: the unapplied deposit is forfeited, the rest refunded', () => {
    const balance2: ContractEvent = { type: 'payment-received', day: '2021-01-04', amountCents: 70_000_000n };
    const deliver2: ContractEvent = {
      type: 'delivery',
      day: '2021-01-10',
      lines: [{ lineId: 1, units: 300 }],
    };
    const before = run(contract, [deposit, balance1, deliver1, balance2, deliver2]);
    // paid 2,266,000; earned 700 × 2,700 = 1,890,000; liability 376,000
    expect(contractFigures(before).liabilityCents).toBe(37_600_000n);
    const { state, effect } = applyEvent(before, { type: 'cancellation', day: '2021-01-20' });
    // deposit 810,000 applied to 1,890,000 of 2,700,000 -> 567,000; 243,000 unapplied is forfeited
    expect(effect).toEqual({
      type: 'cancellation',
      valueCents: 81_000_000n,
      forfeitedCents: 24_300_000n,
      refundedCents: 13_300_000n,
      lines: [{ lineId: 1, units: 300, th: 27_000, valueCents: 81_000_000n }],
    });
    const f = contractFigures(state);
    expect(f).toMatchObject({
      status: 'cancelled',
      cancelledValueCents: 81_000_000n,
      backlogCents: 0n,
      liabilityCents: 0n,
      receivableCents: 0n,
      forfeitedDepositCents: 24_300_000n,
      netPaidCents: 213_300_000n, // = earned 1,890,000 + forfeited 243,000
    });
    expect(f.backlogCents + f.revenueCents + f.cancelledValueCents).toBe(f.valueCents);
    expect(
      refusal(() => applyEvent(state, { type: 'payment-received', day: '2021-01-21', amountCents: 1n })).code,
    ).toBe('sales.contract-cancelled');
    expect(openTranches(state, '2021-01-21')).toEqual([]);
  });

  it('refunds the whole prepayment on cancellation when the deposit is not forfeited', () => {
    const refundable = { ...contract, terms: { ...contract.terms, depositForfeitedOnCancel: false } };
    const { effect } = applyEvent(run(refundable, [deposit]), { type: 'cancellation', day: '2020-11-30' });
    expect(effect).toMatchObject({
      forfeitedCents: 0n,
      refundedCents: 81_000_000n,
      valueCents: 270_000_000n,
    });
  });

  it('refuses events dated before the latest one, or in the future', () => {
    const state = run(contract, [deposit, balance1]);
    expect(refusal(() => applyEvent(state, { ...deliver1, day: '2020-11-30' })).code).toBe(
      'sales.event-out-of-order',
    );
    expect(refusal(() => applyEvent(openContract(contract), { ...deposit, day: '2020-11-09' })).code).toBe(
      'sales.event-out-of-order',
    );
    expect(refusal(() => decideEvent(state, deliver1, '2020-12-14')).field).toBe('day');
  });

  it('shows the contract as it stood on a day', () => {
    const events = [deposit, balance1, deliver1];
    expect(contractFigures(contractOn(contract, events, '2020-11-30')).liabilityCents).toBe(81_000_000n);
    expect(contractFigures(contractOn(contract, events, '2020-12-31')).revenueCents).toBe(108_000_000n);
  });
});

describe('on-delivery terms with credit', () => {
  const contract = signContract(
    9,
    {
      customerId: 1,
      kind: 'spot',
      signedOn: '2021-01-04',
      terms: {
        depositPercent: 10,
        balance: { due: 'on-delivery', creditDays: 30 },
        depositForfeitedOnCancel: false,
      },
      lines: [{ productId: 'K210', units: 1000, centsPerUnit: 1000n }],
    },
    products,
    null,
  );
  const deposit: ContractEvent = { type: 'payment-received', day: '2021-01-04', amountCents: 100_000n };

  it('ships on credit once the deposit is paid, leaving a receivable', () => {
    expect(
      refusal(() =>
        applyEvent(openContract(contract), {
          type: 'delivery',
          day: '2021-01-05',
          lines: [{ lineId: 1, units: 1 }],
        }),
      ).code,
    ).toBe('sales.unpaid-tranche');
    const state = run(contract, [
      deposit,
      { type: 'delivery', day: '2021-01-05', lines: [{ lineId: 1, units: 500 }] },
    ]);
    const f = contractFigures(state);
    expect(f.receivableCents).toBe(400_000n);
    expect(f.liabilityCents).toBe(0n);
  });

  it('stops shipping while an earlier delivery is past its credit days', () => {
    const state = run(contract, [
      deposit,
      { type: 'delivery', day: '2021-01-05', lines: [{ lineId: 1, units: 500 }] },
    ]);
    const later = { type: 'delivery' as const, lines: [{ lineId: 1, units: 100 }] };
    expect(applyEvent(state, { ...later, day: '2021-02-04' }).state.lines[0]!.delivered).toBe(600);
    expect(refusal(() => applyEvent(state, { ...later, day: '2021-02-05' })).code).toBe(
      'sales.unpaid-tranche',
    );
    expect(openTranches(state, '2021-02-05')[0]!.paidForShipment).toBe(false);
    const settled = applyEvent(state, {
      type: 'payment-received',
      day: '2021-02-05',
      amountCents: 450_000n,
    }).state;
    expect(applyEvent(settled, { ...later, day: '2021-02-05' }).state.lines[0]!.delivered).toBe(600);
  });

  it('still takes payment for goods delivered after a cancellation, and nothing more', () => {
    const state = run(contract, [
      deposit,
      { type: 'delivery', day: '2021-01-05', lines: [{ lineId: 1, units: 500 }] },
      { type: 'cancellation', day: '2021-01-06' },
    ]);
    expect(contractFigures(state).receivableCents).toBe(400_000n);
    expect(
      refusal(() => applyEvent(state, { type: 'payment-received', day: '2021-01-07', amountCents: 400_001n }))
        .code,
    ).toBe('sales.overpayment');
    const paid = applyEvent(state, {
      type: 'payment-received',
      day: '2021-01-07',
      amountCents: 400_000n,
    }).state;
    expect(contractFigures(paid)).toMatchObject({ receivableCents: 0n, owedCents: 0n, status: 'cancelled' });
  });
});

describe('partial deliveries', () => {
  it('add up to the line value to the cent however they are split', () => {
    const contract = signContract(
      3,
      {
        customerId: 1,
        kind: 'spot',
        signedOn: '2021-01-04',
        terms: {
          depositPercent: 0,
          balance: { due: 'on-delivery', creditDays: 0 },
          depositForfeitedOnCancel: false,
        },
        lines: [{ productId: 'A1246', units: 7, centsPerTh: 3333n }],
      },
      new Map([['A1246', { ...A1246, ths: 13.5 }]]),
      null,
    );
    let state = openContract(contract);
    let revenue = 0n;
    for (const units of [1, 2, 1, 3]) {
      const applied = applyEvent(state, {
        type: 'delivery',
        day: '2021-01-05',
        lines: [{ lineId: 1, units }],
      });
      if (applied.effect.type !== 'delivery') throw new Error('expected a delivery');
      revenue += applied.effect.revenueCents;
      state = applied.state;
    }
    expect(revenue).toBe(contractValue(contract));
    expect(contractFigures(state).receivableCents).toBe(contractValue(contract));
  });
});
