/**
 * The demo company's supply side, worked back from what it delivered: each month's machines are
 * built that month (deliveries, plus self-mining's share of production), from chips received the
 * month before, from wafers placed a foundry lead time earlier and sized by the yield the
 * partnership had reached when they came out. Two foundries: the established one makes every
 * design; the new partner makes A12 chips from 2020-09, its yield ramping until 2021Q2. Pure.
 */
import { addMonths, type Month, monthOf, monthRange } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { goodDies, type PartnershipSpec, parseYieldCurve, yieldInMonth } from '../supply/yield.js';
import type { DemoBook } from './book.js';

export const FOUNDRIES = [
  { id: 'formosa', name: 'Formosa Semiconductor', country: 'TW', leadTimeMonths: 3 },
  { id: 'hanbit', name: 'Hanbit Foundry', country: 'KR', leadTimeMonths: 3 },
] as const;

/** The three ASIC generations and the machines built from them (chips per machine from the catalogue). */
export const DESIGNS = [
  {
    id: 'A3197',
    name: 'A10 SHA-256 ASIC',
    processNm: 16,
    diesPerWafer: 1600,
    models: ['A1047', 'A1066'],
  },
  {
    id: 'A3205',
    name: 'A11 SHA-256 ASIC',
    processNm: 8,
    diesPerWafer: 2000,
    models: ['A1146', 'A1166', 'A1166P'],
  },
  { id: 'A3206', name: 'A12 SHA-256 ASIC', processNm: 8, diesPerWafer: 2000, models: ['A1246'] },
] as const;

type DesignId = (typeof DESIGNS)[number]['id'];

export const PARTNERSHIPS: {
  key: string;
  foundryId: string;
  designId: DesignId;
  startMonth: Month;
  yieldCurve: { startPct: number; maturePct: number; monthsToMature: number; shape: 'linear' | 'logistic' };
}[] = [
  {
    key: 'formosa-a10',
    foundryId: 'formosa',
    designId: 'A3197',
    startMonth: '2019-04',
    yieldCurve: { startPct: 72, maturePct: 92, monthsToMature: 6, shape: 'logistic' },
  },
  {
    key: 'formosa-a11',
    foundryId: 'formosa',
    designId: 'A3205',
    startMonth: '2019-05',
    yieldCurve: { startPct: 68, maturePct: 92, monthsToMature: 6, shape: 'logistic' },
  },
  {
    key: 'formosa-a12',
    foundryId: 'formosa',
    designId: 'A3206',
    startMonth: '2020-07',
    yieldCurve: { startPct: 75, maturePct: 92, monthsToMature: 4, shape: 'logistic' },
  },
  // The new partner ("it will take a bit of time to reach full capacity; 2021 Q2 pass this period").
  {
    key: 'hanbit-a12',
    foundryId: 'hanbit',
    designId: 'A3206',
    startMonth: '2020-09',
    yieldCurve: { startPct: 35, maturePct: 90, monthsToMature: 9, shape: 'logistic' },
  },
];

/** Long-term capacity agreements that lock the chip orders. */
export const AGREEMENTS = [
  {
    key: 'formosa-2019',
    foundryId: 'formosa',
    wafersPerMonth: 8000,
    takeOrPayWafers: 1500,
    startMonth: '2019-04',
    termMonths: 60,
    signedMonth: '2019-01',
  },
  {
    key: 'hanbit-2020',
    foundryId: 'hanbit',
    wafersPerMonth: 4000,
    takeOrPayWafers: 800,
    startMonth: '2020-06',
    termMonths: 36,
    signedMonth: '2020-03',
  },
] as const;

/** The new partner's share of A12 wafers once it makes them. */
const HANBIT_A12_SHARE = 0.4;

/**
 * Self-mining's share of production: it began with the first A12s below its 10% aim, and from 2021Q2
 * took the 10% ("will keep trying to use 10% production capacity for self mining").
 */
export const SELF_MINING_SHARES: { fromMonth: Month; sharePct: number }[] = [
  { fromMonth: '2019-01', sharePct: 0 },
  { fromMonth: '2020-12', sharePct: 6.5 },
  { fromMonth: '2021-04', sharePct: 10 },
];
/** The machines self-mining takes: the current generations ("A12, A11 for self mining"). */
export const SELF_MINING_MODELS = ['A1166P', 'A1246'];

/**
 * What a machine costs the demo company to build, per TH/s of nameplate: chips, boards, assembly.
 * A demo estimate (about half the 2020 spot price of $25-35/TH), not a published figure.
 */
export const BUILD_CENTS_PER_TH = 1_300n;

/** The unit cost of a model of `ths` TH/s, whole cents. */
export const unitBuildCents = (ths: number): bigint =>
  (BigInt(Math.round(ths * 100)) * BUILD_CENTS_PER_TH) / 100n;
export const ASSEMBLY = { fromMonth: '2019-07', machinesPerMonth: 60_000 };

export interface DemoWaferOrder {
  key: string;
  agreementKey: string;
  designId: string;
  wafers: number;
  placedMonth: Month;
  outMonth: Month;
  /** Chips counted on arrival: the good dies the yield of the out month gives. */
  chipsReceived: number;
}

export interface DemoSupply {
  builds: { productId: string; month: Month; units: number }[];
  selfMining: { productId: string; month: Month; units: number }[];
  waferOrders: DemoWaferOrder[];
}

const shareIn = (month: Month) =>
  SELF_MINING_SHARES.filter((s) => s.fromMonth <= month).at(-1)?.sharePct ?? 0;

/** Units delivered per month and product, from the book's delivery events. */
export function deliveriesByMonth(book: DemoBook): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of book.contracts) {
    for (const e of c.events) {
      if (e.type !== 'delivery') continue;
      for (const l of e.lines) {
        const line = c.contract.lines.find((x) => x.lineId === l.lineId)!;
        if (line.productKind !== 'machine') continue;
        const key = `${monthOf(e.day)}|${line.productId}`;
        out.set(key, (out.get(key) ?? 0) + l.units);
      }
    }
  }
  return out;
}

export function planSupply(
  book: DemoBook,
  chipsPerMachine: ReadonlyMap<string, number>,
  until: Month,
): DemoSupply {
  const delivered = deliveriesByMonth(book);
  const months = [...new Set([...delivered.keys()].map((k) => k.split('|')[0]!))].sort();
  if (months.length === 0) return { builds: [], selfMining: [], waferOrders: [] };
  const builds: DemoSupply['builds'] = [];
  const selfMining: DemoSupply['selfMining'] = [];
  for (const month of monthRange(months[0]!, until)) {
    const share = shareIn(month) / 100;
    const of = (productId: string) => delivered.get(`${month}|${productId}`) ?? 0;
    const all = DESIGNS.flatMap((d) => d.models).reduce((sum, id) => sum + of(id), 0);
    // Self-mining takes its share of the month's whole production, in the current generations,
    // split as those were delivered (the A12 alone when none was).
    const selfUnits = share > 0 ? Math.round((all * share) / (1 - share)) : 0;
    const current = SELF_MINING_MODELS.map((id) => ({ id, units: of(id) }));
    const currentTotal = current.reduce((sum, c) => sum + c.units, 0);
    const extra = new Map<string, number>();
    let given = 0;
    current.forEach((c, i) => {
      const units =
        i === current.length - 1
          ? selfUnits - given
          : currentTotal > 0
            ? Math.round((selfUnits * c.units) / currentTotal)
            : 0;
      extra.set(c.id, units);
      given += units;
    });
    for (const design of DESIGNS) {
      for (const productId of design.models) {
        const units = of(productId);
        const self = extra.get(productId) ?? 0;
        if (units + self > 0) builds.push({ productId, month, units: units + self });
        if (self > 0) selfMining.push({ productId, month, units: self });
      }
    }
  }

  // Chips: each month's builds draw on chips received by the month before.
  const partnerships = new Map<string, PartnershipSpec>(
    PARTNERSHIPS.map((p, i) => [
      p.key,
      {
        id: i + 1,
        foundryId: p.foundryId,
        designId: p.designId,
        startMonth: p.startMonth,
        curve: parseYieldCurve(p.yieldCurve),
      },
    ]),
  );
  const waferOrders: DemoWaferOrder[] = [];
  const placed = new Map<string, number>();
  for (const design of DESIGNS) {
    let onHand = 0;
    const need = new Map<Month, number>();
    for (const b of builds) {
      if (!(design.models as readonly string[]).includes(b.productId)) continue;
      const cpm = chipsPerMachine.get(b.productId);
      if (!cpm) throw invalid('productId', `${b.productId} has no chips per machine in the catalogue.`);
      need.set(b.month, (need.get(b.month) ?? 0) + b.units * cpm);
    }
    for (const [month, chips] of [...need.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const short = chips - onHand;
      if (short > 0) {
        const outMonth = addMonths(month, -1);
        const sources = PARTNERSHIPS.filter((p) => p.designId === design.id && p.startMonth <= outMonth);
        const split =
          sources.length > 1
            ? sources.map((p) => ({
                p,
                share: p.foundryId === 'hanbit' ? HANBIT_A12_SHARE : 1 - HANBIT_A12_SHARE,
              }))
            : sources.map((p) => ({ p, share: 1 }));
        if (split.length === 0)
          throw invalid('month', `No foundry makes ${design.name} chips by ${outMonth}.`);
        for (const { p, share } of split) {
          const spec = partnerships.get(p.key)!;
          const yieldBp = yieldInMonth(spec.curve, spec.startMonth, outMonth);
          const wanted = Math.ceil(short * share);
          let wafers = Math.ceil((wanted * 10_000) / (design.diesPerWafer * yieldBp));
          while (goodDies(wafers, design.diesPerWafer, yieldBp) < wanted) wafers++;
          const foundry = FOUNDRIES.find((f) => f.id === p.foundryId)!;
          const agreement = AGREEMENTS.find((a) => a.foundryId === p.foundryId)!;
          const placedMonth = addMonths(outMonth, -foundry.leadTimeMonths);
          const slot = `${agreement.key}|${placedMonth}`;
          if ((placed.get(slot) ?? 0) + wafers > agreement.wafersPerMonth) {
            throw invalid(
              'wafers',
              `The demo needs more than ${agreement.wafersPerMonth} wafers from ${foundry.name} in ${placedMonth}.`,
            );
          }
          placed.set(slot, (placed.get(slot) ?? 0) + wafers);
          const chipsReceived = goodDies(wafers, design.diesPerWafer, yieldBp);
          onHand += chipsReceived;
          waferOrders.push({
            key: `${design.id}-${p.foundryId}-${outMonth}`,
            agreementKey: agreement.key,
            designId: design.id,
            wafers,
            placedMonth,
            outMonth,
            chipsReceived,
          });
        }
      }
      onHand -= chips;
    }
  }
  waferOrders.sort((a, b) =>
    a.placedMonth < b.placedMonth ? -1 : a.placedMonth > b.placedMonth ? 1 : a.key < b.key ? -1 : 1,
  );
  return { builds, selfMining, waferOrders };
}
