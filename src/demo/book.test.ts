import { describe, expect, it } from 'vitest';
import { type Quarter, quarterOf } from '../kernel/calendar.js';
import { contractValue } from '../sales/model.js';
import { periodFigures, yearFigures } from '../sales/model-figures.js';
import { planBook } from './book.js';
import { DEMO_PRODUCT_FACTS, demoMarketDays, demoSpotPrices, spotMap } from './fixtures.js';
import { DEMO_SEED } from './script.js';

const spot = spotMap(demoSpotPrices(demoMarketDays()));
const book = planBook(spot, DEMO_PRODUCT_FACTS, DEMO_SEED);
const q = (quarter: Quarter) => periodFigures(book.rollups, quarter, quarter);
const M = 100_000_000n;
const near = (cents: bigint, target: bigint, tolerance: bigint) =>
  expect(Number(cents < target ? target - cents : cents - target)).toBeLessThanOrEqual(Number(tolerance));

describe('the demo order book, before it is loaded', () => {
  it('books 172,000 machines in 2020, 92,000 of them in 2020Q4, 15,000 for Blue Energy', () => {
    expect(yearFigures(book.rollups, 2020).bookings.machines.units).toBe(172_000);
    expect(q('2020Q4').bookings.machines.units).toBe(92_000);
    const blue = book.contracts.filter(
      (c) => c.customer === 'blue-energy' && quarterOf(c.contract.signedOn) === '2020Q4',
    );
    expect(blue.reduce((s, c) => s + c.contract.lines.reduce((u, l) => u + l.units, 0), 0)).toBe(15_000);
  });

  it('books 156,000 machines worth $238M in 2021Q1', () => {
    expect(q('2021Q1').bookings.machines.units).toBe(156_000);
    near(q('2021Q1').bookings.machines.valueCents, 238n * M, 10_000n * 100n);
  });

  it('ends 2020 with $174M of open contracts, $66M of it prepaid', () => {
    near(q('2020Q4').atEnd.backlog.valueCents, 174n * M, 10_000n * 100n);
    expect(q('2020Q4').atEnd.contractLiabilitiesCents).toBe(66n * M);
  });

  it('delivers about 0.2M TH/s for about $6M in 2020Q4, the first A12s', () => {
    const d = q('2020Q4').deliveries;
    expect(d.machines.th).toBeCloseTo(199_980, 0);
    near(d.machines.valueCents, 586n * (M / 100n), 10_000n * 100n);
    expect(d.byFamily.filter((f) => f.productKind === 'machine').map((f) => f.family)).toEqual(['A12']);
    expect(q('2020Q3').deliveries.byFamily.some((f) => f.family === 'A12')).toBe(false);
    expect(q('2021Q1').deliveries.machines.th).toBeGreaterThan(10 * d.machines.th);
  });

  it('locks futures at 60-80% of the spot price of the signing day, some delivering in 2022Q2', () => {
    for (const c of book.contracts) {
      if (c.contract.kind !== 'futures') continue;
      for (const l of c.contract.lines) {
        if (l.price.per !== 'th') continue;
        const ratio = Number(l.price.centsPerTh) / Number(c.contract.spotCentsPerTh);
        expect(ratio).toBeGreaterThanOrEqual(0.6);
        expect(ratio).toBeLessThanOrEqual(0.8);
      }
    }
    const scheduled = q('2020Q4').atEnd.scheduled.map((s) => s.quarter);
    expect(scheduled).toContain('2022Q2');
    expect(scheduled).not.toContain('2020Q4');
    const lastMachineMonth = book.contracts
      .filter((c) => c.contract.signedOn <= '2020-12-31' && c.contract.kind === 'futures')
      .flatMap((c) => c.contract.lines.flatMap((l) => l.tranches.map((t) => t.month)))
      .sort()
      .at(-1);
    expect(quarterOf(lastMachineMonth!)).toBe('2022Q2');
  });

  it('sells three times as many AI chips by value in 2020 as in 2019, more again in 2021, and takes K510 pre-orders', () => {
    expect(yearFigures(book.rollups, 2020).aiChipRevenue.multiple).toBe(3);
    expect(yearFigures(book.rollups, 2021).aiChipRevenue.multiple).toBeGreaterThan(1);
    const k510 = book.contracts.filter((c) => c.contract.lines.some((l) => l.productId === 'K510'));
    expect(k510.every((c) => c.contract.kind === 'pre-order')).toBe(true);
    expect(k510.reduce((s, c) => s + contractValue(c.contract), 0n)).toBeLessThan(100_000n * 100n);
  });

  it('is the same book for the same seed, and another for another seed', () => {
    const again = planBook(spot, DEMO_PRODUCT_FACTS, DEMO_SEED);
    expect(again.contracts.map((c) => [c.key, c.events.length])).toEqual(
      book.contracts.map((c) => [c.key, c.events.length]),
    );
    expect(again.rollups).toEqual(book.rollups);
    const other = planBook(spot, DEMO_PRODUCT_FACTS, 'another seed');
    expect(other.contracts.map((c) => c.contract.signedOn)).not.toEqual(
      book.contracts.map((c) => c.contract.signedOn),
    );
    // The solver pins the notes' figures whatever the draws.
    const o = periodFigures(other.rollups, '2020Q4', '2020Q4');
    expect(o.bookings.machines.units).toBe(92_000);
    expect(o.atEnd.contractLiabilitiesCents).toBe(66n * M);
    near(o.atEnd.backlog.valueCents, 174n * M, 10_000n * 100n);
  });
});
