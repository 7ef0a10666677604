/**
 * Machine output month by month: chips arrive from wafer lots, wait in a pool per ASIC design, and
 * become machines as far as chips per machine and assembly capacity allow. Recorded builds are the
 * truth for the months they cover; after them the plan builds what it can.
 */
import { type Month, monthRange } from '../kernel/calendar.js';

/** A machine model that uses a design: how many of its chips go into one machine, and its share of them. */
export interface DesignModel {
  productId: string;
  chipsPerMachine: number;
  /** Percent of the design's chips planned for this model; a design's shares add up to 100. */
  sharePct: number;
}

export interface DesignSpec {
  id: string;
  name: string;
  diesPerWafer: number;
  models: DesignModel[];
}

/** Chips from one wafer order, in the month they count: when received if they were, else when due out. */
export interface ChipArrival {
  orderId: number;
  designId: string;
  foundryId: string;
  foundryName: string;
  month: Month;
  wafers: number;
  /** The yield in force in the month the wafers come out, in basis points. */
  yieldBp: number;
  /** Months since the partnership began, when the wafers come out (0 = its first month). */
  partnershipAge: number;
  /** Good dies the yield curve promised for the lot. */
  expectedDies: number;
  /** Good dies: received if counted at the dock, else expected from the yield curve. */
  dies: number;
  source: 'received' | 'expected';
}

export interface OutputInput {
  /** First and last month to simulate; the caller starts early enough to carry chips into its window. */
  from: Month;
  to: Month;
  designs: DesignSpec[];
  arrivals: ChipArrival[];
  /** Recorded builds: `productId|month` → units. */
  actualBuilds: ReadonlyMap<string, number>;
  /** Months before this one build only what was recorded; their chips are carried into it. */
  planFrom: Month;
  /** Machines a month the assembly lines can build, all models together; undefined when not limited. */
  assemblyCapacity: (month: Month) => number | undefined;
}

export type OutputLimit = 'chips' | 'assembly';

export interface ModelMonth {
  productId: string;
  designId: string;
  month: Month;
  chipsPerMachine: number;
  /** Chips of the design's pool planned for this model this month (its share). */
  chips: number;
  buildableByChips: number;
  /** What the month can build: chips and assembly capacity both allowing. */
  buildable: number;
  limitedBy: OutputLimit;
  built: number;
  /** `actual` for months covered by recorded builds of the design, `planned` after them. */
  source: 'actual' | 'planned';
}

export interface DesignMonth {
  designId: string;
  month: Month;
  lots: ChipArrival[];
  wafersOut: number;
  goodDies: number;
  chipsCarriedIn: number;
  chipsUsed: number;
  chipsCarriedOut: number;
}

export interface MonthOutput {
  month: Month;
  assemblyCapacity: number | undefined;
  designs: DesignMonth[];
  models: ModelMonth[];
}

export const buildKey = (productId: string, month: Month): string => `${productId}|${month}`;

/**
 * Splits `total` in proportion to `weights`, in whole units that add up to exactly `total` (largest
 * remainder; ties to the earlier item, so the same inputs always split the same way).
 */
export function splitProRata(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum === 0) return weights.map(() => 0);
  const shares = weights.map((w) => Math.floor((w * total) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => ({ i, rest: (w * total) % sum }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** The last month with a recorded build of any model of the design: up to it the design's months are actual. */
function actualHorizons(
  designs: DesignSpec[],
  actualBuilds: ReadonlyMap<string, number>,
): Map<string, Month> {
  const designOf = new Map<string, string>();
  for (const d of designs) for (const m of d.models) designOf.set(m.productId, d.id);
  const horizons = new Map<string, Month>();
  for (const key of actualBuilds.keys()) {
    const [productId, month] = key.split('|') as [string, Month];
    const designId = designOf.get(productId);
    if (designId === undefined) continue;
    const current = horizons.get(designId);
    if (current === undefined || month > current) horizons.set(designId, month);
  }
  return horizons;
}

export function planOutput(input: OutputInput): MonthOutput[] {
  const designs = [...input.designs].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const arrivalsByKey = new Map<string, ChipArrival[]>();
  for (const a of input.arrivals) {
    const key = `${a.designId}|${a.month}`;
    const list = arrivalsByKey.get(key);
    if (list) list.push(a);
    else arrivalsByKey.set(key, [a]);
  }
  const horizons = actualHorizons(designs, input.actualBuilds);
  const pool = new Map<string, number>(designs.map((d) => [d.id, 0]));
  const result: MonthOutput[] = [];

  for (const month of monthRange(input.from, input.to)) {
    const designMonths: DesignMonth[] = [];
    const candidates: { design: DesignSpec; model: DesignModel; chips: number; byChips: number }[] = [];
    for (const design of designs) {
      const lots = (arrivalsByKey.get(`${design.id}|${month}`) ?? []).sort((a, b) => a.orderId - b.orderId);
      const carriedIn = pool.get(design.id)!;
      const arrived = lots.reduce((s, l) => s + l.dies, 0);
      const available = carriedIn + arrived;
      pool.set(design.id, available);
      designMonths.push({
        designId: design.id,
        month,
        lots,
        wafersOut: lots.reduce((s, l) => s + l.wafers, 0),
        goodDies: arrived,
        chipsCarriedIn: carriedIn,
        chipsUsed: 0,
        chipsCarriedOut: available,
      });
      for (const model of design.models) {
        const chips = Math.floor((available * model.sharePct) / 100);
        candidates.push({ design, model, chips, byChips: Math.floor(chips / model.chipsPerMachine) });
      }
    }

    // Recorded builds are facts and take their share of the assembly lines first; planned models
    // share what is left in proportion to what their chips allow.
    const capacity = input.assemblyCapacity(month);
    const sources = candidates.map((c) => {
      const horizon = horizons.get(c.design.id);
      const recorded = (horizon !== undefined && month <= horizon) || month < input.planFrom;
      return recorded ? ('actual' as const) : ('planned' as const);
    });
    const actual = candidates.map((c, i) =>
      sources[i] === 'actual' ? (input.actualBuilds.get(buildKey(c.model.productId, month)) ?? 0) : 0,
    );
    const buildable = candidates.map((c) => c.byChips);
    if (capacity !== undefined) {
      const planned = candidates.map((_, i) => i).filter((i) => sources[i] === 'planned');
      const left = Math.max(0, capacity - actual.reduce((s, a) => s + a, 0));
      if (planned.reduce((s, i) => s + buildable[i]!, 0) > left) {
        const split = splitProRata(
          left,
          planned.map((i) => buildable[i]!),
        );
        planned.forEach((i, k) => {
          buildable[i] = split[k]!;
        });
      }
      for (let i = 0; i < candidates.length; i++) {
        if (sources[i] === 'actual') buildable[i] = Math.min(buildable[i]!, capacity);
      }
    }

    const models: ModelMonth[] = candidates.map((c, i) => ({
      productId: c.model.productId,
      designId: c.design.id,
      month,
      chipsPerMachine: c.model.chipsPerMachine,
      chips: c.chips,
      buildableByChips: c.byChips,
      buildable: buildable[i]!,
      limitedBy: buildable[i]! < c.byChips ? 'assembly' : 'chips',
      built: sources[i] === 'actual' ? actual[i]! : buildable[i]!,
      source: sources[i]!,
    }));

    for (const dm of designMonths) {
      const used = models
        .filter((m) => m.designId === dm.designId)
        .reduce((s, m) => s + m.built * m.chipsPerMachine, 0);
      dm.chipsUsed = used;
      dm.chipsCarriedOut = dm.chipsCarriedIn + dm.goodDies - used;
      pool.set(dm.designId, dm.chipsCarriedOut);
    }
    result.push({ month, assemblyCapacity: capacity, designs: designMonths, models });
  }
  return result;
}
