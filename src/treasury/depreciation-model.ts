/**
 * Depreciation of the self-mining machines: each machine installed is written off straight-line,
 * day by day, over the life the policy states, from the day it was installed (a machine installed on
 * a day counts in the fleet's hashrate and energy of that day, so it depreciates that day too). Its
 * cost is what supply recorded its model's builds cost to make. Pure; no IO.
 */

import type { Sats } from '../kernel/bitcoin.js';
import { addDays, type Day, daysBetween, type Month, monthOf } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { type Cents, roundHalfEven } from '../kernel/money.js';
import { costPerBtcCents } from '../mining/model.js';

/** The company's stated policy when none is configured: ASIC miners are written off over three years. */
export const DEFAULT_MACHINE_LIFE_MONTHS = 36;

/**
 * A month of the life is 365.25 / 12 days, so a life is one whole number of days whatever month a
 * machine was installed in: 36 months = 1,096 days.
 */
export function lifeDays(lifeMonths: number): number {
  if (!Number.isInteger(lifeMonths) || lifeMonths < 1)
    throw invalid(
      'lifeMonths',
      `A machine's life must be a whole number of months, 1 or more, got ${lifeMonths}.`,
    );
  return Math.round((lifeMonths * 36_525) / 1_200);
}

/** Machines of one model installed on one day. */
export interface InstalledCohort {
  productId: string;
  day: Day;
  machines: number;
}

/** A month's build of a model with the unit cost supply recorded for it. */
export interface CostedBuild {
  productId: string;
  month: Month;
  units: number;
  unitCostCents: Cents;
}

/**
 * What one machine of a model installed in `month` cost: the unit cost of its model's costed builds
 * up to that month, averaged over their units (a machine is installed from what was built by then).
 * Undefined when no build of the model up to then has a cost.
 */
export function unitCostAt(
  builds: readonly CostedBuild[],
  productId: string,
  month: Month,
): Cents | undefined {
  let units = 0n;
  let cents = 0n;
  for (const b of builds) {
    if (b.productId !== productId || b.month > month) continue;
    units += BigInt(b.units);
    cents += BigInt(b.units) * b.unitCostCents;
  }
  return units > 0n ? roundHalfEven(cents, units) : undefined;
}

/**
 * Depreciation charged on `cost` by the end of `day` for machines installed on `installedOn`:
 * cost × days in service ÷ life, rounded once. Charges over a period are differences of this, so
 * the periods add up to the cost exactly.
 */
export function accumulatedOn(cost: Cents, installedOn: Day, day: Day, life: number): Cents {
  return accumulatedUnder(cost, installedOn, day, [{ from: null, lifeMonths: 0, lifeDays: life }]);
}

/** A life in force from a day on (null: from the start, the default before any setting). */
export interface LifeFrom {
  from: Day | null;
  lifeMonths: number;
  lifeDays: number;
}

/** The policy's lives in effective order, the default first, each with its days. */
export function lifeSchedule(
  defaultMonths: number,
  settings: readonly { effectiveFrom: Day; lifeMonths: number }[],
) {
  const life = (from: Day | null, lifeMonths: number): LifeFrom => ({
    from,
    lifeMonths,
    lifeDays: lifeDays(lifeMonths),
  });
  return [life(null, defaultMonths), ...settings.map((s) => life(s.effectiveFrom, s.lifeMonths))];
}

/** The life in force at the end of `day`. */
export const lifeInForce = (lives: readonly LifeFrom[], day: Day): LifeFrom =>
  lives.filter((l) => l.from === null || l.from <= day).at(-1) ?? lives[0]!;

/**
 * Depreciation charged on `cost` by the end of `day` for machines installed on `installedOn`, each
 * day at the life in force that day (`lives` in effective order). A new life is a change in
 * estimate, so it is prospective: nothing charged before it changes; from its day on, what is not
 * yet written off is spread evenly over the days the new life (counted from installation) leaves,
 * and written off that day if it leaves none. Under one life: cost × days in service ÷ life, rounded
 * once. Charges over a period are differences of this, so the periods add up to the cost exactly.
 */
export function accumulatedUnder(cost: Cents, installedOn: Day, day: Day, lives: readonly LifeFrom[]): Cents {
  if (day < installedOn) return 0n;
  const changes = lives.filter((l) => l.from !== null && l.from > installedOn && l.from <= day);
  let start = installedOn;
  let life = lifeInForce(lives, installedOn).lifeDays;
  let charged = 0n;
  for (const change of changes) {
    const from = change.from!;
    charged = chargedBy(cost, charged, daysBetween(installedOn, start), life, daysBetween(start, from));
    start = from;
    life = change.lifeDays;
  }
  return chargedBy(cost, charged, daysBetween(installedOn, start), life, daysBetween(start, day) + 1);
}

/**
 * What is charged after `days` more days at one life, `charged` already charged over the `served`
 * days before them: the rest spread over the days the life leaves (all of it when it leaves none).
 */
function chargedBy(cost: Cents, charged: Cents, served: number, life: number, days: number): Cents {
  const left = life - served;
  if (left <= 0) return cost;
  return charged + roundHalfEven((cost - charged) * BigInt(Math.min(days, left)), BigInt(left));
}

export interface ModelDepreciation {
  productId: string;
  /** Installed by the end of `on`. */
  machines: number;
  /** Of them, machines whose model had no costed build by their install month (not depreciated). */
  uncostedMachines: number;
  grossCostCents: Cents;
  /** Charged from `from` to `on`, both included. */
  periodCents: Cents;
  /** Charged from installation to the end of `on`. */
  accumulatedCents: Cents;
}

export interface Depreciation {
  from: Day;
  on: Day;
  /** The life in force at the end of `on`; earlier days were charged at the life in force then. */
  lifeMonths: number;
  lifeDays: number;
  machines: number;
  uncostedMachines: number;
  grossCostCents: Cents;
  periodCents: Cents;
  accumulatedCents: Cents;
  netBookValueCents: Cents;
  byModel: ModelDepreciation[];
}

/**
 * The fleet's depreciation: for the period `from`..`on` and accumulated by the end of `on`, per model
 * and in total, each day at the life in force that day (`lives`, lifeSchedule's). Work grows with
 * the install days, builds and changes of life, not with the days of the period.
 */
export function depreciate(args: {
  cohorts: readonly InstalledCohort[];
  builds: readonly CostedBuild[];
  lives: readonly LifeFrom[];
  from: Day;
  on: Day;
}): Depreciation {
  const { from, on, lives } = args;
  if (from > on) throw invalid('from', `from (${from}) must not be after on (${on}).`);
  const life = lifeInForce(lives, on);
  const models = new Map<string, ModelDepreciation>();
  for (const c of args.cohorts) {
    if (c.day > on || c.machines <= 0) continue;
    const m = models.get(c.productId) ?? {
      productId: c.productId,
      machines: 0,
      uncostedMachines: 0,
      grossCostCents: 0n,
      periodCents: 0n,
      accumulatedCents: 0n,
    };
    models.set(c.productId, m);
    m.machines += c.machines;
    const unit = unitCostAt(args.builds, c.productId, monthOf(c.day));
    if (unit === undefined) {
      m.uncostedMachines += c.machines;
      continue;
    }
    const cost = unit * BigInt(c.machines);
    const accumulated = accumulatedUnder(cost, c.day, on, lives);
    m.grossCostCents += cost;
    m.accumulatedCents += accumulated;
    m.periodCents += accumulated - accumulatedUnder(cost, c.day, addDays(from, -1), lives);
  }
  const byModel = [...models.values()].sort((a, b) => (a.productId < b.productId ? -1 : 1));
  const total = (f: (m: ModelDepreciation) => bigint) => byModel.reduce((s, m) => s + f(m), 0n);
  const grossCostCents = total((m) => m.grossCostCents);
  const accumulatedCents = total((m) => m.accumulatedCents);
  return {
    from,
    on,
    lifeMonths: life.lifeMonths,
    lifeDays: life.lifeDays,
    machines: byModel.reduce((s, m) => s + m.machines, 0),
    uncostedMachines: byModel.reduce((s, m) => s + m.uncostedMachines, 0),
    grossCostCents,
    periodCents: total((m) => m.periodCents),
    accumulatedCents,
    netBookValueCents: grossCostCents - accumulatedCents,
    byModel,
  };
}

export interface CostPerBtc {
  minedSats: Sats;
  energyCents: Cents;
  depreciationCents: Cents;
  /** Energy alone per BTC mined; null when nothing was mined. */
  energyPerBtcCents: Cents | null;
  /** Energy and the machines' depreciation per BTC mined; null when nothing was mined. */
  withDepreciationPerBtcCents: Cents | null;
}

/** What a BTC mined cost over a period: its energy, and its energy with the machines' depreciation. */
export function costPerBtc(energyCents: Cents, depreciationCents: Cents, minedSats: Sats): CostPerBtc {
  return {
    minedSats,
    energyCents,
    depreciationCents,
    energyPerBtcCents: costPerBtcCents(energyCents, minedSats) ?? null,
    withDepreciationPerBtcCents: costPerBtcCents(energyCents + depreciationCents, minedSats) ?? null,
  };
}
