/**
 * The demo company's order book: script.ts made into contracts and their events with a seeded
 * generator, checked against the sales rules as it goes (the pure sales model decides every event,
 * so a book that loads here loads through the service), and solved so the figures the notes pin
 * down come out exactly. Pure: spot prices and the catalogue in, the book out.
 */
import {
  addDays,
  addMonths,
  type Day,
  daysInMonth,
  lastDayOfMonth,
  type Month,
  monthOf,
  monthsBetween,
  type Quarter,
  quarterMonths,
  quarterOf,
} from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import { roundHalfEven } from '../kernel/money.js';
import { createRandom, type Random } from '../kernel/random.js';
import {
  type Contract,
  type ContractDraft,
  contractValue,
  depositApplied,
  type LineDraft,
  lineAmount,
  type ProductFacts,
  signContract,
} from '../sales/model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractState,
  contractFigures,
  contractOn,
  earnedOf,
  openContract,
} from '../sales/model-events.js';
import {
  movementOf,
  type PeriodFigures,
  periodFigures,
  type Rollups,
  sumRollups,
} from '../sales/model-figures.js';
import { DEMO_CHIP_CUSTOMERS, DEMO_CUSTOMERS, type DemoCustomer } from './customers.js';
import {
  AI_CHIP_SALES,
  type Cohort,
  DEMO_LAST_DAY,
  DISRUPTIONS,
  K510_PRE_ORDERS,
  LIABILITY_TARGET,
  MACHINE_COHORTS,
  NO_TRANCHES_IN,
} from './script.js';

export interface PlannedContract {
  /** Stable key: the idempotency keys of the contract and its events derive from it. */
  key: string;
  cohort: string;
  customer: string;
  draft: ContractDraft;
  contract: Contract;
  events: ContractEvent[];
}

export interface DemoBook {
  customers: DemoCustomer[];
  /** In signing order. */
  contracts: PlannedContract[];
  rollups: Rollups;
  /** What the solver chose, for the README and for anyone tuning the script. */
  solved: Record<string, number | string>;
}

export type SpotPrices = ReadonlyMap<Day, Cents>;

interface Draw {
  key: string;
  customer: string;
  day: Day;
  units: number;
  kind: 'spot' | 'futures';
  discount: number;
  highShare: number;
  months: Month[];
  depositPercent: number;
  creditDays: number | null;
}

interface EventPlan {
  extras: { day: Day; amountCents: Cents }[];
  disruption?:
    | { type: 'defer'; day: Day; from: Month; to: Month; months: number }
    | { type: 'cancel'; day: Day }
    | undefined;
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const between = (rng: Random, [a, b]: [number, number]) => round4(a + (b - a) * rng.next());
const share = (cents: Cents, ratio: number): Cents =>
  roundHalfEven(cents * BigInt(Math.round(ratio * 1e6)), 1_000_000n);

function spotOn(spot: SpotPrices, day: Day): Cents {
  const cents = spot.get(day);
  if (cents === undefined) throw invalid('spot', `The demo has no spot USD/TH for ${day}.`);
  return cents;
}

function pickWeighted(rng: Random, items: readonly DemoCustomer[]): DemoCustomer {
  const total = items.reduce((s, c) => s + c.weight, 0);
  let x = rng.next() * total;
  for (const c of items) {
    x -= c.weight;
    if (x < 0) return c;
  }
  return items.at(-1)!;
}

/** `total` split into `n` parts of random size (multiples of 10 where it can), adding up exactly. */
function splitUnits(rng: Random, total: number, n: number): number[] {
  if (n <= 0) return [];
  const weights = Array.from({ length: n }, () => Math.exp(rng.normal(0, 0.5)));
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.map((w) => Math.max(10, Math.floor((total * w) / sum / 10) * 10));
  const largest = parts.indexOf(Math.max(...parts));
  parts[largest]! += total - parts.reduce((a, b) => a + b, 0);
  if (parts[largest]! <= 0) throw invalid('units', `Cannot split ${total} units into ${n} contracts.`);
  return parts;
}

function dayIn(rng: Random, from: Day, to: Day): Day {
  const span = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
  return addDays(from, rng.int(0, span));
}

/** Evenly spread tranche months, moved out of the months nothing shipped, each month once. */
function trancheMonths(first: Month, last: Month, count: number): Month[] {
  const span = monthsBetween(first, last);
  const n = Math.max(1, Math.min(count, span + 1));
  const months = Array.from({ length: n }, (_, i) =>
    addMonths(first, n === 1 ? 0 : Math.round((i * span) / (n - 1))),
  );
  const shifted = months.map((m) => {
    let month = m;
    while (NO_TRANCHES_IN.includes(month)) month = addMonths(month, 1);
    return month;
  });
  return [...new Set(shifted)];
}

function splitEvenly(total: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0));
}

// --- drawing a cohort -------------------------------------------------------------------------

function drawCohort(cohort: Cohort, rng: Random, customers: readonly DemoCustomer[]): Draw[] {
  const named = cohort.named ?? [];
  const namedUnits = named.reduce((s, d) => s + d.units, 0);
  const spotContracts =
    cohort.spotShare === 0 ? 0 : Math.max(1, Math.round(cohort.contracts * cohort.spotShare));
  const spotUnits = Math.round(cohort.units * cohort.spotShare);
  const futuresContracts = cohort.contracts - spotContracts - named.length;
  const futuresUnits = cohort.units - spotUnits - namedUnits;
  const sizes = [
    ...splitUnits(rng, spotUnits, spotContracts).map((units) => ({ units, kind: 'spot' as const })),
    ...splitUnits(rng, futuresUnits, futuresContracts).map((units) => ({ units, kind: 'futures' as const })),
  ];
  const draws: Draw[] = sizes.map(({ units, kind }, i) => {
    const x = rng.next();
    let cumulative = 0;
    const window =
      cohort.windows.find((w) => {
        cumulative += w.share;
        return x < cumulative;
      }) ?? cohort.windows.at(-1)!;
    // Spot deliveries ship within days, so they are signed early enough to ship in the same month.
    const to =
      kind === 'spot' && window.to > addDays(lastDayOfMonth(monthOf(window.to)), -5)
        ? addDays(lastDayOfMonth(monthOf(window.to)), -5)
        : window.to;
    const day = dayIn(rng, window.from, [to, window.from].sort().at(-1)!);
    const signMonth = monthOf(day);
    const t = cohort.tranches;
    let first = addMonths(signMonth, t.first);
    if (t.notBefore && first < t.notBefore) first = t.notBefore;
    let last = addMonths(signMonth, t.last);
    if (last < first) last = addMonths(first, t.last - t.first);
    const customer = pickWeighted(rng, customers);
    const credit = kind === 'spot' && day >= '2021-01-01' && rng.chance(0.2);
    return {
      key: `${cohort.key}-${String(i + 1).padStart(2, '0')}`,
      customer: customer.key,
      day,
      units,
      kind,
      discount: kind === 'spot' ? 1 : between(rng, cohort.discount),
      highShare: between(rng, cohort.highShare),
      months: kind === 'spot' ? [signMonth] : trancheMonths(first, last, t.count),
      depositPercent: kind === 'spot' ? 0 : cohort.depositPercent,
      creditDays: credit ? 30 : null,
    };
  });
  // The notes name the deal because it was the quarter's largest: no other customer books as much.
  if (named.length > 0) {
    const cap = Math.min(...named.map((d) => d.units));
    const totals = new Map<string, number>();
    for (const d of draws) totals.set(d.customer, (totals.get(d.customer) ?? 0) + d.units);
    for (const d of [...draws].sort((a, b) => b.units - a.units || (a.key < b.key ? -1 : 1))) {
      if (totals.get(d.customer)! < cap) continue;
      const to = customers
        .filter((c) => c.key !== d.customer && (totals.get(c.key) ?? 0) + d.units < cap)
        .sort((a, b) => (totals.get(a.key) ?? 0) - (totals.get(b.key) ?? 0) || (a.key < b.key ? -1 : 1))[0];
      if (!to) throw invalid('script', `Cohort ${cohort.key} cannot keep every customer below ${cap} units.`);
      totals.set(d.customer, totals.get(d.customer)! - d.units);
      totals.set(to.key, (totals.get(to.key) ?? 0) + d.units);
      d.customer = to.key;
    }
  }
  named.forEach((deal, i) => {
    draws.push({
      key: `${cohort.key}-${deal.customer}-${i + 1}`,
      customer: deal.customer,
      day: deal.day,
      units: deal.units,
      kind: 'futures',
      discount: between(rng, cohort.discount),
      highShare: between(rng, cohort.highShare),
      months: trancheMonths(deal.tranches.first, deal.tranches.last, deal.tranches.count),
      depositPercent: deal.depositPercent,
      creditDays: null,
    });
  });
  return draws;
}

function draftOf(
  draw: Draw,
  cohort: Cohort,
  spot: SpotPrices,
  products: ReadonlyMap<string, ProductFacts>,
  highShare: number,
  spotPremium: number,
): ContractDraft {
  const spotCents = spotOn(spot, draw.day);
  const centsPerTh = draw.kind === 'spot' ? share(spotCents, spotPremium) : share(spotCents, draw.discount);
  const { high, low } = cohort.products;
  const highUnits = high === low ? draw.units : Math.round(draw.units * highShare);
  const lines: LineDraft[] = [];
  for (const [productId, units] of [
    [high, highUnits],
    [low, draw.units - highUnits],
  ] as const) {
    if (units === 0 || lines.some((l) => l.productId === productId)) continue;
    if (!products.has(productId))
      throw invalid('productId', `The demo sells ${productId}, which is not in the catalogue.`);
    const perMonth = splitEvenly(units, draw.months.length);
    lines.push({
      productId,
      units,
      centsPerTh,
      tranches: draw.months.map((month, i) => ({ month, units: perMonth[i]! })).filter((t) => t.units > 0),
    });
  }
  return {
    customerId: 0,
    kind: draw.kind,
    signedOn: draw.day,
    terms: {
      depositPercent: draw.depositPercent,
      balance:
        draw.creditDays === null
          ? { due: 'before-shipment' }
          : { due: 'on-delivery', creditDays: draw.creditDays },
      depositForfeitedOnCancel: true,
    },
    lines,
    reference: `demo ${draw.key}`,
  };
}

// --- events of one contract -------------------------------------------------------------------

const netPaid = (s: ContractState) => s.paid - s.refunded;
/** What must have been paid once `earned` has shipped: the deposit and the balance of what shipped. */
const requiredFor = (s: ContractState, earned: Cents) =>
  s.deposit + earned - depositApplied(s.deposit, earned, s.value);

/**
 * The contract's life as the sales rules allow it: deposit at signing, each month's tranches paid
 * for and shipped (or shipped on credit and paid later), plus any extra prepayment, deferral or
 * cancellation. Every event is decided by the sales model, so a broken rule throws here.
 */
function eventsOf(
  contract: Contract,
  plan: EventPlan,
  rng: Random,
): { events: ContractEvent[]; movements: Rollups[] } {
  let state = openContract(contract);
  const events: ContractEvent[] = [];
  const movements: Rollups[] = [movementOf(null, state, contract.signedOn)];
  const apply = (event: ContractEvent) => {
    const next = applyEvent(state, event).state;
    movements.push(movementOf(state, next, event.day));
    state = next;
    events.push(event);
  };
  const extras = [...plan.extras].sort((a, b) => (a.day < b.day ? -1 : 1));
  let disruption = plan.disruption;
  const catchUp = (until: Day) => {
    while (extras.length > 0 && extras[0]!.day <= until) {
      const extra = extras.shift()!;
      apply({
        type: 'payment-received',
        day: extra.day,
        amountCents: extra.amountCents,
        reference: 'advance',
      });
    }
    if (disruption && disruption.day <= until) {
      const d = disruption;
      disruption = undefined;
      if (d.type === 'cancel') {
        apply({
          type: 'cancellation',
          day: d.day,
          reason: 'customer withdrew after the fall in the BTC price',
        });
      } else {
        const moves = state.lines.flatMap((l) =>
          l.tranches
            .filter((t) => t.units - t.delivered - t.cancelled > 0 && t.month >= d.from && t.month <= d.to)
            .map((t) => ({ lineId: l.line.lineId, tranche: t.tranche, month: addMonths(t.month, d.months) })),
        );
        if (moves.length > 0) apply({ type: 'reschedule', day: d.day, moves, reason: 'customer deferral' });
      }
    }
  };

  if (state.deposit > 0n) {
    apply({
      type: 'payment-received',
      day: contract.signedOn,
      amountCents: state.deposit,
      reference: 'deposit',
    });
  }
  const credit = contract.terms.balance.due === 'on-delivery' ? contract.terms.balance.creditDays : null;
  for (;;) {
    if (state.cancelledOn !== null) break;
    const open = state.lines.flatMap((l) =>
      l.tranches.filter((t) => t.units - t.delivered - t.cancelled > 0).map((t) => ({ l, t })),
    );
    if (open.length === 0) break;
    const month = open.map((o) => o.t.month).sort()[0]!;
    let day =
      contract.kind === 'spot'
        ? addDays(contract.signedOn, rng.int(1, 4))
        : `${month}-${String(rng.int(8, Math.min(26, daysInMonth(month)))).padStart(2, '0')}`;
    if (day > lastDayOfMonth(month)) day = lastDayOfMonth(month);
    if (day < state.lastDay) day = state.lastDay;
    const before = addDays(day, -rng.int(1, 4));
    // Whatever happens to the contract up to the delivery day happens first.
    catchUp(day);
    if (state.cancelledOn !== null) break;
    // A deferral may have moved this month's tranches: look again.
    const stillDue = state.lines.some((l) =>
      l.tranches.some((t) => t.month === month && t.units - t.delivered - t.cancelled > 0),
    );
    if (!stillDue) continue;
    if (day < state.lastDay) day = state.lastDay;
    const payDay = credit !== null || before < state.lastDay ? day : before;
    if (day > DEMO_LAST_DAY) break;
    const lines = state.lines
      .map((l) => ({
        lineId: l.line.lineId,
        units: l.tranches
          .filter((t) => t.month === month)
          .reduce((s, t) => s + t.units - t.delivered - t.cancelled, 0),
      }))
      .filter((l) => l.units > 0);
    const earnedAfter =
      earnedOf(state) +
      lines.reduce((sum, d) => {
        const l = state.lines.find((x) => x.line.lineId === d.lineId)!;
        return sum + lineAmount(l.line, l.delivered + d.units) - lineAmount(l.line, l.delivered);
      }, 0n);
    if (credit === null) {
      const due = requiredFor(state, earnedAfter) - netPaid(state);
      if (due > 0n) {
        apply({ type: 'payment-received', day: payDay, amountCents: due, reference: `balance ${month}` });
      }
    }
    apply({ type: 'delivery', day, lines });
    if (credit !== null) {
      const paidOn = addDays(day, rng.int(10, credit));
      const due = requiredFor(state, earnedOf(state)) - netPaid(state);
      if (paidOn <= DEMO_LAST_DAY && due > 0n)
        apply({ type: 'payment-received', day: paidOn, amountCents: due, reference: 'invoice' });
    }
  }
  catchUp(DEMO_LAST_DAY);
  return { events, movements };
}

// --- the book ---------------------------------------------------------------------------------

interface Built {
  planned: PlannedContract;
  movements: Rollups[];
}

function build(
  key: string,
  cohort: string,
  customer: string,
  draft: ContractDraft,
  products: ReadonlyMap<string, ProductFacts>,
  spot: SpotPrices,
  seed: string,
  plan: EventPlan = { extras: [] },
): Built {
  const machine = draft.lines.some((l) => products.get(l.productId)?.kind === 'machine');
  const contract = signContract(0, draft, products, machine ? spotOn(spot, draft.signedOn) : null);
  const { events, movements } = eventsOf(contract, plan, createRandom(`${seed}:${key}:events`));
  return { planned: { key, cohort, customer, draft, contract, events }, movements };
}

const figuresOf = (built: readonly Built[], quarter: Quarter): PeriodFigures =>
  periodFigures(sumRollups(built.flatMap((b) => b.movements)), quarter, quarter);

/** The smallest x in [lo, hi] with f(x) >= target, f increasing. */
function bisect(f: (x: number) => bigint, target: bigint, lo: number, hi: number, what: string): number {
  if (f(lo) > target || f(hi) < target) {
    const usd = (c: bigint) => `$${(Number(c) / 1e8).toFixed(2)}M`;
    throw invalid(
      'script',
      `The demo script cannot reach ${what} of ${usd(target)}: between ${lo} and ${hi} it gives ${usd(f(lo))} to ${usd(f(hi))}; retune its cohort.`,
    );
  }
  let a = lo;
  let b = hi;
  for (let i = 0; i < 40; i++) {
    const m = (a + b) / 2;
    if (f(m) < target) a = m;
    else b = m;
  }
  return b;
}

/** Moves the price of the largest contract's first line so the total lands on `target` (to a few dollars). */
function trim(
  drafts: ContractDraft[],
  products: ReadonlyMap<string, ProductFacts>,
  value: (d: ContractDraft[]) => bigint,
  target: bigint,
): ContractDraft[] {
  const residual = target - value(drafts);
  const i = drafts.reduce((best, d, k) => (d.lines[0]!.units > drafts[best]!.lines[0]!.units ? k : best), 0);
  const line = drafts[i]!.lines[0]!;
  const th = line.units * products.get(line.productId)!.ths!;
  const step = roundHalfEven(residual * 1000n, BigInt(Math.round(th * 1000)));
  const out = [...drafts];
  out[i] = {
    ...drafts[i]!,
    lines: [{ ...line, centsPerTh: line.centsPerTh! + step }, ...drafts[i]!.lines.slice(1)],
  };
  return out;
}

export function planBook(
  spot: SpotPrices,
  products: ReadonlyMap<string, ProductFacts>,
  seed: string,
): DemoBook {
  const rng = createRandom(seed);
  const built: Built[] = [];
  const solved: Record<string, number | string> = {};
  const chipCustomers = DEMO_CHIP_CUSTOMERS;
  const machineCustomers = DEMO_CUSTOMERS.filter((c) => c.key !== 'blue-energy');

  // AI chips, sold per unit and shipped at once.
  for (const sale of AI_CHIP_SALES) {
    const [first, , third] = quarterMonths(sale.quarter);
    const parts = [Math.round(sale.units * 0.6), sale.units - Math.round(sale.units * 0.6)];
    parts.forEach((units, i) => {
      const day = dayIn(rng, `${first}-05`, `${third}-20`);
      const customer = chipCustomers[i % chipCustomers.length]!;
      const draft: ContractDraft = {
        customerId: 0,
        kind: 'spot',
        signedOn: day,
        terms: { depositPercent: 0, balance: { due: 'before-shipment' }, depositForfeitedOnCancel: false },
        lines: [
          {
            productId: 'K210',
            units,
            centsPerUnit: sale.centsPerUnit,
            tranches: [{ month: monthOf(day), units }],
          },
        ],
        reference: `demo K210 ${sale.quarter}`,
      };
      built.push(
        build(`k210-${sale.quarter}-${i + 1}`, 'ai-chips', customer.key, draft, products, spot, seed),
      );
    });
  }
  for (const [i, pre] of K510_PRE_ORDERS.entries()) {
    const draft: ContractDraft = {
      customerId: 0,
      kind: 'pre-order',
      signedOn: pre.day,
      terms: { depositPercent: 20, balance: { due: 'before-shipment' }, depositForfeitedOnCancel: true },
      lines: [
        {
          productId: 'K510',
          units: pre.units,
          centsPerUnit: pre.centsPerUnit,
          tranches: [{ month: pre.month, units: pre.units }],
        },
      ],
      reference: 'demo K510 pre-order',
    };
    built.push(build(`k510-${i + 1}`, 'ai-chips', pre.customer, draft, products, spot, seed));
  }

  for (const cohort of MACHINE_COHORTS) {
    const draws = drawCohort(cohort, rng, machineCustomers);
    const make = (highShare: number | null, premium: number) =>
      draws.map((d) => draftOf(d, cohort, spot, products, highShare ?? d.highShare, premium));
    const bookedValue = (drafts: ContractDraft[]) =>
      drafts.reduce((sum, d) => sum + contractValue(signContract(0, d, products, null)), 0n);
    let drafts = make(null, cohort.spotPremium ?? 1);
    const target = cohort.target;
    if (target) {
      let goal: bigint;
      if (target.kind === 'open-contracts-at') {
        const before = figuresOf(built, quarterOf(target.day)).atEnd.backlog.valueCents;
        goal = target.valueCents - before;
        solved[`${cohort.key} open contracts before the cohort`] = Number(before) / 100;
      } else {
        goal = target.valueCents;
      }
      if (target.kind === 'delivered-revenue') {
        const premium = bisect(
          (p) => bookedValue(make(null, p)),
          goal,
          1,
          1.3,
          `${cohort.key} ${target.kind}`,
        );
        solved[`${cohort.key} spot premium`] = round4(premium);
        drafts = make(null, premium);
      } else {
        const f = bisect((x) => bookedValue(make(x, 1)), goal, 0, 1, `${cohort.key} ${target.kind}`);
        solved[`${cohort.key} share of ${cohort.products.high}`] = round4(f);
        drafts = make(f, 1);
      }
      drafts = trim(drafts, products, bookedValue, goal);
    }
    draws.forEach((d, i) => {
      built.push(build(d.key, cohort.key, d.customer, drafts[i]!, products, spot, seed));
    });
  }

  // Disruptions: deferrals and cancellations, on contracts drawn from those they can apply to.
  const plans = new Map<string, EventPlan>();
  const disrupted = new Set<string>();
  for (const d of DISRUPTIONS.deferrals) {
    const candidates = built.filter(
      (b) =>
        b.planned.contract.kind === 'futures' &&
        !disrupted.has(b.planned.key) &&
        b.planned.contract.signedOn < d.day &&
        b.planned.contract.lines.some((l) =>
          l.tranches.some((t) => t.month >= d.from && t.month <= d.to && t.month > monthOf(d.day)),
        ),
    );
    for (let i = 0; i < d.contracts && candidates.length > 0; i++) {
      const [chosen] = candidates.splice(rng.int(0, candidates.length - 1), 1);
      disrupted.add(chosen!.planned.key);
      plans.set(chosen!.planned.key, {
        extras: [],
        disruption: { type: 'defer', day: d.day, from: d.from, to: d.to, months: d.months },
      });
    }
  }
  for (const c of DISRUPTIONS.cancellations) {
    const candidates = built.filter(
      (b) =>
        b.planned.contract.kind === 'futures' &&
        !disrupted.has(b.planned.key) &&
        b.planned.contract.signedOn >= c.signedFrom &&
        b.planned.contract.lines.some((l) => l.tranches.some((t) => t.month > monthOf(c.day))),
    );
    for (let i = 0; i < c.contracts && candidates.length > 0; i++) {
      const [chosen] = candidates.splice(rng.int(0, candidates.length - 1), 1);
      disrupted.add(chosen!.planned.key);
      plans.set(chosen!.planned.key, { extras: [], disruption: { type: 'cancel', day: c.day } });
    }
  }
  const rebuild = (i: number, plan: EventPlan) => {
    const p = built[i]!.planned;
    built[i] = build(p.key, p.cohort, p.customer, p.draft, products, spot, seed, plan);
  };
  built.forEach((b, i) => {
    const plan = plans.get(b.planned.key);
    if (plan) rebuild(i, plan);
  });

  // The prepayments at the end of 2020: the payer's advance makes up what deposits leave short.
  const liabilities = figuresOf(built, quarterOf(LIABILITY_TARGET.day)).atEnd.contractLiabilitiesCents;
  const advance = LIABILITY_TARGET.valueCents - liabilities;
  const payer = built.findIndex(
    (b) =>
      b.planned.customer === LIABILITY_TARGET.payer && b.planned.contract.signedOn <= LIABILITY_TARGET.day,
  );
  if (advance < 0n || payer < 0) {
    throw invalid(
      'script',
      `The demo's deposits already come to more than the prepayments the notes give for ${LIABILITY_TARGET.day}.`,
    );
  }
  if (advance > 0n) {
    const p = built[payer]!.planned;
    const day = addDays(LIABILITY_TARGET.day, -1);
    const owed = contractFigures(contractOn(p.contract, p.events, day)).owedCents;
    if (advance > owed) {
      throw invalid('script', `${p.customer} owes ${owed} cents on ${p.key}; it cannot prepay ${advance}.`);
    }
    rebuild(payer, { ...(plans.get(p.key) ?? { extras: [] }), extras: [{ day, amountCents: advance }] });
    solved[`advance payment by ${p.customer} on ${day}`] = Number(advance) / 100;
  }

  const ordered = [...built].sort((a, b) =>
    a.planned.contract.signedOn !== b.planned.contract.signedOn
      ? a.planned.contract.signedOn < b.planned.contract.signedOn
        ? -1
        : 1
      : a.planned.key < b.planned.key
        ? -1
        : 1,
  );
  const customers = [...DEMO_CUSTOMERS, ...DEMO_CHIP_CUSTOMERS];
  return {
    customers,
    contracts: ordered.map((b) => b.planned),
    rollups: sumRollups(ordered.flatMap((b) => b.movements)),
    solved,
  };
}
