/**
 * Planning's use cases: save a scenario (its inputs and seed, checked), list and read them, and run
 * one — the distribution of the company's figures month by month, the deterministic cases side by
 * side, and, for a past as-of date, the back-test against what happened.
 */
import type { Actor, AppContext } from '../app/context.js';
import { todayUtc } from '../kernel/calendar.js';
import { notFound, ruleBroken } from '../kernel/errors.js';
import { eventsSince, readSnapshot } from '../ledger/latest.js';
import { nextNumber } from '../ledger/ledger.js';
import { backtest, backtestGrowsOn } from './backtest.js';
import { recordPlanning } from './projections.js';
import { bandsView, caseView, DETERMINISTIC, riskView } from './results.js';
import { draw, type Prepared, type Progress, prepare } from './run.js';
import { checkScenario, describeCalibration, priceModelOf } from './scenario.js';
import type { ScenarioInput } from './schemas.js';
import { findResults, findScenario, type SavedScenario, saveResults, selectScenarios } from './store.js';

export async function saveScenario(
  ctx: AppContext,
  actor: Actor,
  inputs: ScenarioInput,
  idempotencyKey?: string,
): Promise<SavedScenario> {
  checkScenario(inputs);
  // Refused here, before anything is saved, if the market or the books cannot carry the scenario.
  await prepare(ctx, inputs);
  return recordPlanning(
    ctx,
    { actor, kind: 'planning.scenario-saved', stream: 'planning-scenarios', idempotencyKey, request: inputs },
    async (tx) => ({ scenarioId: await nextNumber(tx, 'planning-scenario'), inputs }),
    async (tx, e) => (await findScenario(tx, e.payload.scenarioId))!,
  );
}

export const listScenarios = (ctx: AppContext) => selectScenarios(ctx.db);

export async function getScenario(ctx: AppContext, id: number): Promise<SavedScenario> {
  const s = await findScenario(ctx.db, id);
  if (!s) throw notFound('scenario', id, 'id');
  return s;
}

/**
 * The modules whose events change what a run reads: the books and the market as of its day, and
 * the actuals its back-test compares with (planning reads no other module's tables; the fleet's
 * measured telemetry, which has no events, is not among what a run reads).
 */
export const RUN_READS = ['catalog', 'market', 'mining', 'reporting', 'sales', 'supply', 'treasury'] as const;

type Figures = Awaited<ReturnType<typeof runInputs>>;
export type ScenarioRun = Figures & { scenario: SavedScenario };

/**
 * Runs a saved scenario and stores its results for the GET to read: the same inputs and seed give
 * the same figures every time. The snapshot it reads from is taken before reading, so an event
 * recorded while it runs makes what it stores stale rather than wrongly fresh.
 */
export async function runScenario(
  ctx: AppContext,
  actor: Actor,
  id: number,
  progress?: Progress,
): Promise<ScenarioRun> {
  const scenario = await getScenario(ctx, id);
  const throughSnapshot = await readSnapshot(ctx.db);
  const today = todayUtc(ctx.clock.now());
  const figures = await runInputs(ctx, scenario.inputs, progress);
  await saveResults(ctx.db, {
    scenarioId: id,
    throughSnapshot,
    staleOn: backtestGrowsOn(figures.months, today),
    result: figures,
    computedAt: ctx.clock.now(),
    computedBy: actor.id,
  });
  return { scenario, ...figures };
}

/**
 * A scenario's results as its last run stored them. Refused (409) when it has not been run, or
 * when the books or the market it read have changed since (an event of `RUN_READS` its run did not see)
 * or the back-test would now cover another quarter: it must be run again, never shown stale.
 */
export async function scenarioResults(ctx: AppContext, id: number): Promise<ScenarioRun> {
  const scenario = await getScenario(ctx, id);
  const stored = await findResults<Figures>(ctx.db, id);
  const run = `run it (POST /api/planning/scenarios/${id}/run, or hashforge plan scenario run ${id})`;
  if (!stored) throw ruleBroken('planning.not-run', `Scenario ${id} has not been run yet: ${run}.`, 'id');
  const today = todayUtc(ctx.clock.now());
  const backtestGrew = stored.staleOn !== null && today >= stored.staleOn;
  if (backtestGrew || (await eventsSince(ctx.db, RUN_READS, stored.throughSnapshot))) {
    throw ruleBroken(
      'planning.results-stale',
      `Scenario ${id}'s results are out of date: the books, the market or the back-test's quarters changed after its last run (${stored.computedAt.toISOString()}); ${run} again.`,
      'id',
      { computedAt: stored.computedAt.toISOString() },
    );
  }
  return { scenario, ...stored.result };
}

export async function runInputs(ctx: AppContext, inputs: ScenarioInput, progress?: Progress) {
  checkScenario(inputs);
  const prepared = await prepare(ctx, inputs);
  const drawn = await draw(prepared, { progress });
  return {
    months: prepared.months,
    calibration: describeCalibration(prepared.calibration),
    start: startView(prepared),
    bands: bandsView(drawn, prepared.months),
    risk: riskView(drawn, inputs.cashFloorUsd ?? 0n),
    deterministic: await deterministicCases(prepared),
    backtest: await backtest(ctx, drawn, prepared.months),
  };
}

async function deterministicCases(p: Prepared) {
  const model = priceModelOf({ ...p.input, price: { model: 'gbm', volatilityPctYear: 0 } }, p.calibration);
  const cases = [];
  for (const c of DETERMINISTIC)
    cases.push(caseView(c.name, await draw(p, { model, shocks: c.shocks, paths: 1 })));
  return cases;
}

function startView(p: Prepared) {
  const s = p.start;
  return {
    booksQuarter: p.basis.quarter,
    backlogCents: p.basis.backlogCents,
    contractLiabilitiesCents: BigInt(s.liabilitiesCents),
    bookingsPerMonthCents: BigInt(s.bookingsCentsPerMonth),
    bookingsElasticity: s.elasticity,
    elasticityFitted: p.basis.elasticityFitted,
    bookingsLagMonths: s.bookingsLagMonths,
    bookingsSigma: s.bookingsSigma,
    bookingsFitQuarters: p.basis.bookings.points,
    leadMonths: p.basis.leadMonths,
    leadFrom: p.basis.leadFrom,
    futuresDiscount: s.futuresDiscount,
    spotShare: s.spotShare,
    aiChipsPerMonthCents: BigInt(s.aiChipsCentsPerMonth),
    fixedCostsPerMonthCents: BigInt(s.fixedCostsCentsPerMonth),
    fixedCostsFrom: p.basis.fixedCostsFrom,
    depositShare: s.depositShare,
    prepaidShare: s.prepaidShare,
    lockedUsdPerTh: s.lockedUsdPerTh,
    costPerThUsd: s.costPerThUsd,
    costFrom: p.basis.costFrom,
    supplyModel: p.basis.modelId ?? null,
    plannedTh: s.supply.plannedTh.reduce((a, b) => a + b, 0),
    stockTh: s.supply.stockTh,
    waferLeadMonths: s.supply.waferLeadMonths,
    selfMiningSharePct: s.supply.selfMiningBp / 100,
    selfMiningTh: s.selfMining.installedTh,
    energyUsdPerThDay: s.selfMining.energyUsdPerThDay,
    btcHeldSats: BigInt(s.treasury.btcSats),
    usdCashCents: BigInt(s.treasury.usdCents),
  };
}
