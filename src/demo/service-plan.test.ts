import { describe, expect, it } from 'vitest';
import { checkHistory } from '../service/imports.js';
import type { DeliveredRange } from '../service/model.js';
import { DEMO_CENTRES, planServiceHistory } from './service-plan.js';

const DAY = 86_400_000;
const range = (productId: string, month: string, units: number, customerId: number): DeliveredRange => ({
  productId,
  month,
  first: 1,
  last: units,
  customerId,
  contractId: customerId,
  dispatchedOn: `${month}-20`,
  deliveredOn: `${month}-28`,
});
const percentile = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.floor(p * (v.length - 1))]!;

describe('the demo’s service history', () => {
  const delivered = [
    range('A1246', '2020-06', 20_000, 1), // the model's first batch
    range('A1246', '2020-12', 20_000, 2),
    range('A1246', '2021-03', 20_000, 3),
  ];
  const spares = Array.from({ length: 500 }, (_, i) => `A1246-202001-${String(i + 1).padStart(6, '0')}`);
  const histories = planServiceHistory({
    delivered,
    customers: new Map([
      [1, { country: 'US', region: 'north-america' }],
      [2, { country: 'KZ', region: 'central-asia' }],
      [3, { country: 'ET', region: 'africa' }],
    ]),
    firstBuild: new Map([['A1246', '2020-06']]),
    spares: (_p, n) => spares.slice(0, n),
    until: '2022-06-30',
  });

  it('walks every RMA through steps in the order the model allows, finished by the demo’s end', () => {
    histories.forEach(checkHistory);
    for (const h of histories) {
      expect(h.steps.at(-1)!.step).toMatch(/^(closed|rejected)$/);
      expect(h.steps.at(-1)!.at <= '2022-06-30T23:59:59Z').toBe(true);
    }
  });

  it('fails a few per cent a year, more in a model’s first batch', () => {
    const perCustomer = (id: number) => histories.filter((h) => h.opened.customerId === id).length;
    // Watched two years (to mid-2022 for the last), about 3 %/year; the first batch about 9 %.
    expect(perCustomer(2) / 20_000).toBeGreaterThan(0.04);
    expect(perCustomer(2) / 20_000).toBeLessThan(0.09);
    expect(perCustomer(1) / 20_000).toBeGreaterThan(2 * (perCustomer(2) / 20_000));
  });

  it('turns machines round from receipt to shipping in a median ≤ 7 days and a p90 ≤ 21', () => {
    const days = histories.flatMap((h) => {
      const received = h.steps.find((s) => s.step === 'received');
      const shipped = h.steps.find((s) => s.step === 'shipped');
      return received && shipped ? [(Date.parse(shipped.at) - Date.parse(received.at)) / DAY] : [];
    });
    expect(days.length).toBeGreaterThan(1000);
    expect(percentile(days, 0.5)).toBeLessThanOrEqual(7);
    expect(percentile(days, 0.9)).toBeLessThanOrEqual(21);
  });

  it('routes each to the centre of its customer’s country or region, replacing from stock only', () => {
    const centreOf = new Map(histories.map((h) => [h.opened.customerId, h.opened.centreId]));
    expect(centreOf.get(1)).toBe('DAL1');
    expect(centreOf.get(2)).toBe('ALA1');
    expect(centreOf.get(3)).toBe('ADD1');
    const replacements = histories.flatMap((h) =>
      h.steps.flatMap((s) => (s.detail.replacementSerial ? [s.detail.replacementSerial] : [])),
    );
    expect(replacements.length).toBeGreaterThan(0);
    expect(new Set(replacements).size).toBe(replacements.length);
    for (const r of replacements) expect(spares).toContain(r);
    expect(DEMO_CENTRES.map((c) => c.region)).toEqual(expect.arrayContaining(['north-america', 'africa']));
  });
});
