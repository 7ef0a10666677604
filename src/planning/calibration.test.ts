/**
 * What planning reads off the books before a scenario's day, without a database: the bookings' fit
 * to hashprice (level, elasticity, lag, spread) and the forward contracts' lead profile and deposit.
 */
import { describe, expect, it } from 'vitest';
import { addMonths, type Month, type Quarter, quarterMonths } from '../kernel/calendar.js';
import type { Contract, ContractLine } from '../sales/model.js';
import { fitBookings } from './bookings.js';
import { sellingTermsOf } from './selling.js';

const QUARTERS: Quarter[] = ['2019Q1', '2019Q2', '2019Q3', '2019Q4', '2020Q1', '2020Q2', '2020Q3', '2020Q4'];
/** A hashprice history with ups and downs, by month. */
const hashprice = (m: Month) => 0.15 + 0.1 * Math.sin(Number(m.slice(5)) + Number(m.slice(0, 4)) * 7);
const quarterMean = (q: Quarter, lag: number) =>
  quarterMonths(q).reduce((s, m) => s + hashprice(addMonths(m, -lag)), 0) / 3;

describe('the bookings fit', () => {
  it('finds the lag, the elasticity and the level of bookings that follow hashprice exactly', () => {
    const quarters = QUARTERS.map((quarter) => ({
      quarter,
      machinesCents: 30_000_000_00 * (quarterMean(quarter, 2) / 0.15) ** 1.5,
    }));
    const fit = fitBookings(quarters, hashprice);
    expect(fit.lagMonths).toBe(2);
    expect(fit.elasticity).toBeCloseTo(1.5, 9);
    expect(fit.sigma).toBeCloseTo(0, 9);
    expect(fit.points).toBe(8);
    // The line reproduces any quarter from its lagged hashprice, a third of it a month.
    const q = quarters[5]!;
    expect(
      fit.centsPerMonth * (quarterMean(q.quarter, 2) / fit.atHashprice) ** fit.elasticity * 3,
    ).toBeCloseTo(q.machinesCents, 0);
  });

  it('gives the spread of bookings off the line, and the elasticity’s standard error', () => {
    const quarters = QUARTERS.map((quarter, i) => ({
      quarter,
      machinesCents: 30_000_000_00 * (quarterMean(quarter, 0) / 0.15) * Math.exp(i % 2 === 0 ? 0.3 : -0.3),
    }));
    const fit = fitBookings(quarters, hashprice);
    // Some of the ±30% may be read as hashprice at another lag; the rest is spread.
    expect(fit.sigma).toBeGreaterThan(0.05);
    expect(fit.sigma).toBeLessThan(0.4);
    expect(fit.elasticitySe).toBeGreaterThan(0);
  });

  it('keeps the last year’s pace at elasticity 1 with fewer than four quarters of bookings', () => {
    const quarters = QUARTERS.map((quarter, i) => ({ quarter, machinesCents: i >= 5 ? 9_000_000_00 : 0 }));
    const fit = fitBookings(quarters, hashprice);
    expect(fit.points).toBe(0);
    expect(fit.elasticity).toBe(1);
    expect(fit.sigma).toBe(0);
    expect(fit.centsPerMonth).toBeCloseTo((3 * 9_000_000_00) / 12, 6);
  });
});

const line = (over: Partial<ContractLine>): ContractLine => ({
  lineId: 1,
  productId: 'A1246',
  productKind: 'machine',
  family: 'A12',
  units: 2000,
  thsPerUnit: 90,
  price: { per: 'th', centsPerTh: 30_00n },
  tranches: [],
  ...over,
});

const contract = (over: Partial<Contract>): Contract => ({
  id: 1,
  customerId: 1,
  kind: 'futures',
  signedOn: '2020-11-10',
  terms: { depositPercent: 30, balance: { due: 'before-shipment' }, depositForfeitedOnCancel: true },
  lines: [],
  spotCentsPerTh: 40_00n,
  reference: null,
  ...over,
});

describe('the forward contracts’ terms', () => {
  it('give the share due each month after signing and the deposit, leaving out spot and AI chips', () => {
    const terms = sellingTermsOf([
      contract({
        lines: [
          line({
            tranches: [
              { tranche: 1, month: '2021-02', units: 1000 },
              { tranche: 2, month: '2021-05', units: 1000 },
            ],
          }),
          line({
            lineId: 2,
            productId: 'K510',
            productKind: 'ai-chip',
            family: 'K5',
            thsPerUnit: null,
            price: { per: 'unit', centsPerUnit: 28_00n },
            tranches: [{ tranche: 1, month: '2022-09', units: 2000 }],
          }),
        ],
      }),
      contract({
        id: 2,
        signedOn: '2020-12-01',
        terms: { depositPercent: 50, balance: { due: 'before-shipment' }, depositForfeitedOnCancel: true },
        lines: [line({ units: 1000, tranches: [{ tranche: 1, month: '2021-02', units: 1000 }] })],
      }),
      contract({
        id: 3,
        kind: 'spot',
        lines: [line({ tranches: [{ tranche: 1, month: '2020-11', units: 2000 }] })],
      }),
    ]);
    expect(terms.contracts).toBe(2);
    // $54M for contract 1 (half due 3 months on, half 6), $27M for contract 2 (2 months on).
    expect(terms.leadProfile).toHaveLength(7);
    expect(terms.leadProfile[2]).toBeCloseTo(1 / 3, 12);
    expect(terms.leadProfile[3]).toBeCloseTo(1 / 3, 12);
    expect(terms.leadProfile[6]).toBeCloseTo(1 / 3, 12);
    expect(terms.depositShare).toBeCloseTo((54 * 0.3 + 27 * 0.5) / 81, 12);
  });

  it('are empty with no forward machine contract', () => {
    expect(sellingTermsOf([contract({ kind: 'spot', lines: [line({ tranches: [] })] })])).toEqual({
      leadProfile: [],
      depositShare: undefined,
      contracts: 0,
    });
  });
});
