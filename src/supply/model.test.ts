import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import {
  checkAgreementTerms,
  checkBuildChips,
  checkChipsReceived,
  checkDesignModels,
  checkWaferOrder,
  checkWaferOrderStep,
} from './model.js';

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const agreement = {
  id: 7,
  foundryId: 'tsmc',
  foundryName: 'TSMC',
  wafersPerMonth: 1000,
  startMonth: '2021-01',
  endMonth: '2021-12',
};
const partnership = { foundryId: 'tsmc', startMonth: '2020-06', designName: 'A12' };

describe('design models', () => {
  it('splits chips evenly when no shares are given and checks shares add up to 100', () => {
    expect(checkDesignModels([{ productId: 'A1246', chipsPerMachine: 108 }])).toEqual([
      { productId: 'A1246', chipsPerMachine: 108, sharePct: 100 },
    ]);
    expect(
      checkDesignModels([
        { productId: 'A', chipsPerMachine: 1 },
        { productId: 'B', chipsPerMachine: 1 },
        { productId: 'C', chipsPerMachine: 1 },
      ]).map((m) => m.sharePct),
    ).toEqual([34, 33, 33]);
    expect(
      refusal(() =>
        checkDesignModels([
          { productId: 'A', chipsPerMachine: 1, sharePct: 60 },
          { productId: 'B', chipsPerMachine: 1, sharePct: 30 },
        ]),
      ).message,
    ).toMatch(/add up to 100%, got 90%/);
    expect(refusal(() => checkDesignModels([{ productId: 'A', chipsPerMachine: 0 }])).field).toBe(
      'models.0.chipsPerMachine',
    );
    expect(refusal(() => checkDesignModels([])).field).toBe('models');
  });
});

describe('capacity agreements', () => {
  it('computes the last month of the term and refuses a minimum above capacity', () => {
    expect(
      checkAgreementTerms({
        wafersPerMonth: 500,
        takeOrPayWafers: 100,
        startMonth: '2021-03',
        termMonths: 12,
      }).endMonth,
    ).toBe('2022-02');
    const e = refusal(() =>
      checkAgreementTerms({
        wafersPerMonth: 500,
        takeOrPayWafers: 600,
        startMonth: '2021-03',
        termMonths: 12,
      }),
    );
    expect(e.field).toBe('takeOrPayWafers');
  });
});

describe('wafer orders', () => {
  const order = {
    agreement,
    partnership,
    placedMonth: '2021-03',
    wafers: 400,
    leadTimeMonths: 3,
    alreadyPlaced: 500,
  };

  it('comes out after its lead time', () => {
    expect(checkWaferOrder(order)).toEqual({ outMonth: '2021-06' });
  });

  it('refuses an order beyond the agreement’s capacity for the month, naming what is left', () => {
    const e = refusal(() => checkWaferOrder({ ...order, wafers: 600 }));
    expect(e.code).toBe('supply.agreement-capacity');
    expect(e.field).toBe('wafers');
    expect(e.message).toMatch(/at most 500 more, not 600/);
  });

  it('refuses an order outside the term, at another foundry, or before the partnership yields', () => {
    expect(refusal(() => checkWaferOrder({ ...order, placedMonth: '2022-01' })).code).toBe(
      'supply.outside-agreement-term',
    );
    expect(
      refusal(() => checkWaferOrder({ ...order, partnership: { ...partnership, foundryId: 'smic' } })).field,
    ).toBe('partnershipId');
    expect(
      refusal(() => checkWaferOrder({ ...order, partnership: { ...partnership, startMonth: '2021-09' } }))
        .code,
    ).toBe('supply.before-partnership');
    expect(refusal(() => checkWaferOrder({ ...order, wafers: 0 })).field).toBe('wafers');
  });

  it('moves placed → out → received, never back, never early', () => {
    const base = { orderId: 1, placedMonth: '2021-03', outMonth: '2021-06', month: '2021-06' };
    expect(() => checkWaferOrderStep({ ...base, status: 'placed', to: 'out' })).not.toThrow();
    expect(() => checkWaferOrderStep({ ...base, status: 'out', to: 'received' })).not.toThrow();
    expect(refusal(() => checkWaferOrderStep({ ...base, status: 'placed', to: 'received' })).message).toMatch(
      /next step is out/,
    );
    expect(
      refusal(() => checkWaferOrderStep({ ...base, status: 'received', to: 'received' })).message,
    ).toMatch(/already received/);
    expect(
      refusal(() => checkWaferOrderStep({ ...base, status: 'out', to: 'received', month: '2021-05' })).field,
    ).toBe('month');
  });

  it('cancels only a placed order, not before it was placed nor once its out month has come', () => {
    const base = { orderId: 1, placedMonth: '2021-03', outMonth: '2021-06', month: '2021-04' };
    expect(() => checkWaferOrderStep({ ...base, status: 'placed', to: 'cancelled' })).not.toThrow();
    expect(refusal(() => checkWaferOrderStep({ ...base, status: 'out', to: 'cancelled' })).message).toMatch(
      /is out; it cannot be marked cancelled \(its next step is received\)/,
    );
    expect(refusal(() => checkWaferOrderStep({ ...base, status: 'cancelled', to: 'out' })).message).toMatch(
      /already cancelled/,
    );
    expect(
      refusal(() => checkWaferOrderStep({ ...base, status: 'placed', to: 'cancelled', month: '2021-02' }))
        .field,
    ).toBe('month');
    // Not yet reported out, but due out in June: by June the fab has run it.
    expect(() =>
      checkWaferOrderStep({ ...base, status: 'placed', to: 'cancelled', month: '2021-05' }),
    ).not.toThrow();
    expect(
      refusal(() => checkWaferOrderStep({ ...base, status: 'placed', to: 'cancelled', month: '2021-06' })),
    ).toMatchObject({ code: 'supply.wafer-order-run', field: 'month' });
  });

  it('refuses more chips received than the wafers hold', () => {
    expect(() =>
      checkChipsReceived({ orderId: 1, wafers: 10, diesPerWafer: 600, chips: 5400 }),
    ).not.toThrow();
    const e = refusal(() => checkChipsReceived({ orderId: 1, wafers: 10, diesPerWafer: 600, chips: 6001 }));
    expect(e.field).toBe('chipsReceived');
    expect(e.message).toMatch(/yield above 100%/);
  });
});

describe('builds', () => {
  const build = { productId: 'A1246', designName: 'A12', chipsPerMachine: 100 };

  it('allows a build the received chips cover', () => {
    expect(() =>
      checkBuildChips({
        ...build,
        month: '2021-04',
        units: 50,
        movements: [{ month: '2021-03', chips: 5000 }],
      }),
    ).not.toThrow();
  });

  it('refuses a build needing more chips than received and not used', () => {
    const e = refusal(() =>
      checkBuildChips({
        ...build,
        month: '2021-04',
        units: 30,
        movements: [
          { month: '2021-03', chips: 5000 },
          { month: '2021-03', chips: -2500 },
          // Chips that arrive later don't help a build this month.
          { month: '2021-05', chips: 10_000 },
        ],
      }),
    );
    expect(e.code).toBe('supply.build-exceeds-chips');
    expect(e.field).toBe('units');
    expect(e.message).toMatch(/needs 3,000 A12 chips .* only 2,500 chips/);
  });

  it('refuses an early build that would starve a later one already recorded', () => {
    const e = refusal(() =>
      checkBuildChips({
        ...build,
        month: '2021-03',
        units: 10,
        movements: [
          { month: '2021-03', chips: 5000 },
          { month: '2021-04', chips: -5000 },
        ],
      }),
    );
    expect(e.detail).toMatchObject({ month: '2021-04' });
  });
});
