import { describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { parseYieldCurve, yieldInMonth } from '../supply/yield.js';
import { planBook } from './book.js';
import { DEMO_PRODUCT_FACTS, demoMarketDays, demoSpotPrices, spotMap } from './fixtures.js';
import { planDeployments, SITES } from './mining-plan.js';
import { DEMO_SEED } from './script.js';
import { AGREEMENTS, DESIGNS, PARTNERSHIPS, planSupply } from './supply-plan.js';

const machines = DEMO_PRODUCTS.flatMap((p) => (p.kind === 'machine' ? [p] : []));
const book = planBook(spotMap(demoSpotPrices(demoMarketDays())), DEMO_PRODUCT_FACTS, DEMO_SEED);
const supply = planSupply(book, new Map(machines.map((m) => [m.id, m.chipsPerMachine])), '2022-06');
const ths = new Map(machines.map((m) => [m.id, m.ths]));
const selfMiningPh = (until: string) =>
  supply.selfMining
    .filter((s) => s.month <= until)
    .reduce((sum, s) => sum + s.units * ths.get(s.productId)!, 0) / 1000;

describe('the demo supply plan', () => {
  it('gives self-mining 350-400 PH of A11 and A12 by 2021Q1 and 2-4 EH by the end of 2021', () => {
    expect(selfMiningPh('2021-03')).toBeGreaterThanOrEqual(350);
    expect(selfMiningPh('2021-03')).toBeLessThanOrEqual(400);
    expect(selfMiningPh('2021-12')).toBeGreaterThanOrEqual(2000);
    expect(selfMiningPh('2021-12')).toBeLessThanOrEqual(4000);
    expect(new Set(supply.selfMining.map((s) => s.productId))).toEqual(new Set(['A1166P', 'A1246']));
  });

  it("keeps self-mining's share of 2021's production near 10%", () => {
    const in2021 = (rows: { month: string; units: number }[]) =>
      rows.filter((r) => r.month.startsWith('2021')).reduce((s, r) => s + r.units, 0);
    const share = (in2021(supply.selfMining) / in2021(supply.builds)) * 100;
    expect(share).toBeGreaterThan(8);
    expect(share).toBeLessThan(12);
  });

  it('receives the chips for every build the month before, within each agreement', () => {
    for (const design of DESIGNS) {
      const cpm = (id: string) => machines.find((m) => m.id === id)!.chipsPerMachine;
      const ofDesign = (id: string) => (design.models as readonly string[]).includes(id);
      for (const month of new Set(supply.builds.map((b) => b.month))) {
        const received = supply.waferOrders
          .filter((o) => o.designId === design.id && o.outMonth < month)
          .reduce((s, o) => s + o.chipsReceived, 0);
        const used = supply.builds
          .filter((b) => b.month <= month && ofDesign(b.productId))
          .reduce((s, b) => s + b.units * cpm(b.productId), 0);
        expect(received).toBeGreaterThanOrEqual(used);
      }
    }
    for (const a of AGREEMENTS) {
      const byMonth = new Map<string, number>();
      for (const o of supply.waferOrders.filter((x) => x.agreementKey === a.key)) {
        byMonth.set(o.placedMonth, (byMonth.get(o.placedMonth) ?? 0) + o.wafers);
        expect(o.placedMonth >= a.startMonth).toBe(true);
      }
      expect(Math.max(...byMonth.values())).toBeLessThanOrEqual(a.wafersPerMonth);
    }
  });

  it("has the new partner's yield ramping until 2021Q2", () => {
    const p = PARTNERSHIPS.find((x) => x.key === 'hanbit-a12')!;
    const curve = parseYieldCurve(p.yieldCurve);
    expect(yieldInMonth(curve, p.startMonth, '2020-12')).toBeLessThan(6000);
    expect(yieldInMonth(curve, p.startMonth, '2021-05')).toBeLessThan(curve.matureBp);
    expect(yieldInMonth(curve, p.startMonth, '2021-06')).toBe(curve.matureBp);
    expect(supply.waferOrders.some((o) => o.key.includes('hanbit'))).toBe(true);
  });

  it('ships self-mining machines only to approved sites within their power', () => {
    const deployments = planDeployments(supply.selfMining, new Map(machines.map((m) => [m.id, m.watts])));
    const watts = new Map(machines.map((m) => [m.id, m.watts]));
    for (const site of SITES) {
      const here = deployments.filter((d) => d.site === site.code);
      if (site.status !== 'approved') expect(here).toEqual([]);
      const w = here.reduce((s, d) => s + d.units * watts.get(d.productId)!, 0);
      expect(w).toBeLessThanOrEqual(site.capacityMw * 1_000_000);
      for (const d of here) expect(d.shippedOn >= (site.permitFrom ?? '9999')).toBe(true);
    }
    expect(deployments.reduce((s, d) => s + d.units, 0)).toBe(
      supply.selfMining.reduce((s, m) => s + m.units, 0),
    );
  });
});
