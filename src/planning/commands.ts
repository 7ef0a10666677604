import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { progress } from '../cli/progress.js';
import { table } from '../cli/table.js';
import { formatBtc } from '../kernel/bitcoin.js';
import { formatUsd } from '../kernel/money.js';
import { PLANNING_ACCESS } from './access.js';
import { ScenarioBody, ScenarioParams } from './schemas.js';
import { getScenario, listScenarios, runScenario, saveScenario } from './service.js';
import type { SavedScenario } from './store.js';

const said = (s: SavedScenario) =>
  `scenario ${s.id}: ${s.name}, as of ${s.asOf}, ${s.inputs.horizonMonths} months, ${s.inputs.paths} paths, seed ${s.inputs.seed}`;

/** `--shock 2021-06:-50` (BTC −50% in June 2021), repeatable. */
function shocks(values: string[] | undefined) {
  return (values ?? []).map((v) => {
    const [month, changePct] = v.split(':');
    return { month, changePct };
  });
}

function priceModel(opts: Record<string, unknown>) {
  if (opts.model === 'bootstrap') return { model: 'bootstrap', blockMonths: opts.blockMonths };
  return { model: opts.model ?? 'gbm', driftPctYear: opts.drift, volatilityPctYear: opts.volatility };
}

const usd = (cents: string | bigint) => formatUsd(BigInt(cents), { compact: true });

export function registerPlanningCommands(program: Command): void {
  const plan = program
    .command('plan')
    .description('Scenarios of the next quarters under many Bitcoin prices');
  const scenario = plan.command('scenario').description('Save, list and run scenarios');
  defineAction(
    scenario
      .command('create')
      .description('Save a scenario (finance): the books and market as of a day, and what may happen after')
      .requiredOption('--name <text>')
      .requiredOption('--as-of <day>', 'the books and market as of this day')
      .requiredOption('--horizon <months>', '1-60 months')
      .option('--paths <n>', '1-100000', '1000')
      .option('--seed <n>', 'the same seed gives the same figures', '1')
      .option('--model <model>', 'gbm | bootstrap', 'gbm')
      .option('--drift <pct>', 'gbm: expected yearly change of BTC/USD (default: calibrated)')
      .option('--volatility <pct>', 'gbm: yearly volatility, 0-500 (default: calibrated)')
      .option('--block-months <n>', 'bootstrap: months drawn together')
      .option('--shock <month:pct>', 'BTC/USD changes by pct that month (repeatable): 2021-06:-50', collect)
      .option('--cash-floor <usd>', 'cash must stay at or above this')
      .option('--cost-per-th <usd>', "a machine's cost per TH/s")
      .option('--fixed-costs <usd>', 'operating costs paid each month'),
    {
      role: PLANNING_ACCESS.save,
      options: {
        asOf: '--as-of',
        horizonMonths: '--horizon',
        'price.driftPctYear': '--drift',
        'price.volatilityPctYear': '--volatility',
        'price.blockMonths': '--block-months',
        cashFloorUsd: '--cash-floor',
        costPerThUsd: '--cost-per-th',
        fixedCostsUsdPerMonth: '--fixed-costs',
      },
    },
    async (app, opts) => {
      const input = parseInput(ScenarioBody, {
        name: opts.name,
        asOf: opts.asOf,
        horizonMonths: opts.horizon,
        paths: opts.paths,
        seed: opts.seed,
        price: priceModel(opts),
        shocks: shocks(opts.shock as string[] | undefined),
        cashFloorUsd: opts.cashFloor,
        costPerThUsd: opts.costPerTh,
        fixedCostsUsdPerMonth: opts.fixedCosts,
      });
      const saved = await saveScenario(app, app.actor, input, app.idempotencyKey);
      return { json: saved, text: said(saved) };
    },
  );
  defineAction(
    scenario.command('list').description('Saved scenarios, newest first'),
    { role: PLANNING_ACCESS.read, lists: true },
    async (app) => {
      const all = await listScenarios(app);
      return { json: all, text: all.map(said).join('\n') || '(none)' };
    },
  );
  defineAction(
    scenario
      .command('run')
      .argument('<id>')
      .description(
        'Run a saved scenario and store its results: percentiles, cash risk, deterministic cases, back-test',
      ),
    { role: PLANNING_ACCESS.run },
    async (app, _opts, [id]) => {
      const { id: scenarioId } = parseInput(ScenarioParams, { id });
      const saved = await getScenario(app, scenarioId);
      const bar = progress(saved.inputs.paths, 'paths');
      let shown = 0;
      const r = await runScenario(app, app.actor, scenarioId, (done) => {
        bar.tick(done - shown);
        shown = done;
      }).finally(() => bar.stop());
      return { json: r, text: runText(r) };
    },
  );
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function runText(r: Awaited<ReturnType<typeof runScenario>>): string {
  const rows = r.months.map((month, i) => {
    const band = (f: keyof typeof r.bands) => r.bands[f].months[i]!;
    return {
      month,
      'BTC P50': `$${Math.round(Number(band('btcPriceUsd').p50)).toLocaleString('en-US')}`,
      'revenue P5': usd(band('revenue').p5),
      'revenue P50': usd(band('revenue').p50),
      'revenue P95': usd(band('revenue').p95),
      'cash P5': usd(band('cash').p5),
      'cash P50': usd(band('cash').p50),
      'cash P95': usd(band('cash').p95),
      'BTC held P50': formatBtc(BigInt(band('btcHeld').p50)),
    };
  });
  const cases = r.deterministic.map((c) => ({
    case: c.name,
    revenue: usd(c.revenueCents),
    'gross margin': usd(c.grossMarginCents),
    cancelled: usd(c.cancelledCents),
    'end cash': usd(c.endCashCents),
    'end backlog': usd(c.endBacklogCents),
    'end BTC/USD': `$${Math.round(Number(c.endBtcPriceUsd)).toLocaleString('en-US')}`,
  }));
  const risk = `cash below ${usd(r.risk.cashFloorCents)} in some month on ${(r.risk.cashBelowFloorProbability * 100).toFixed(1)}% of paths; largest chip order paid now that keeps cash above the floor: ${usd(r.risk.chipOrderAtP50Cents)} at P50, ${usd(r.risk.chipOrderAtP10Cents)} at P10; the chip-order rule orders ${r.risk.chipOrderRuleWafersP50.toLocaleString('en-US')} wafers in the first month (P50)`;
  const back = r.backtest.length
    ? `\n\nback-test (where what happened fell among the paths, 0-100):\n${table(
        r.backtest.map((b) => ({
          quarter: b.quarter,
          figure: b.figure,
          actual: b.actual,
          rank: b.rank.toFixed(1),
        })),
        ['quarter', 'figure', 'actual', 'rank'],
      )}`
    : '';
  return `${said(r.scenario)}\ncalibrated on ${r.calibration.from}..${r.calibration.to}: volatility ${r.calibration.volatilityPctYear.toFixed(0)}%/year, drift ${r.calibration.driftPctYear.toFixed(0)}%/year; books as of ${r.start.booksQuarter}\n\n${table(
    rows,
    [
      'month',
      'BTC P50',
      'revenue P5',
      'revenue P50',
      'revenue P95',
      'cash P5',
      'cash P50',
      'cash P95',
      'BTC held P50',
    ],
  )}\n\n${risk}\n\n${table(cases, ['case', 'revenue', 'gross margin', 'cancelled', 'end cash', 'end backlog', 'end BTC/USD'])}${back}`;
}
