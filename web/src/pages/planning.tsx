/**
 * Planning: the company's next months under many Bitcoin prices. Finance saves a scenario; anyone
 * chooses a saved one and reads its last run's results (or runs it, streamed, with the paths drawn
 * so far on a bar, when it has none or the books changed since), then reads the
 * cash risk and the chip order first, the fan charts, the deterministic cases side by side and,
 * for a past as-of day, where what happened fell among the paths.
 */
import { useEffect, useState } from 'react';
import { PLANNING_ACCESS } from '../../../src/planning/access.js';
import { Allowed } from '../access.js';
import { ApiError, api, apiLines } from '../api.js';
import { btc, count, fixed, percent, usd } from '../format.js';
import type { Scenario, ScenarioInputs, ScenarioRun, ScenarioRunLine } from '../replies.js';
import { Link, navigate } from '../router.js';
import { DataTable, ErrorText, Figure, Section, useApi } from '../ui.js';
import { PlanningCharts } from './planning-charts.js';
import { ScenarioForm } from './scenario-form.js';

export function PlanningPage({ rest }: { rest: string }) {
  const scenarios = useApi<Scenario[]>('/api/planning/scenarios');
  const chosen = /^\d+$/.test(rest) ? Number(rest) : null;
  return (
    <>
      <div className="page-head">
        <h1>Planning</h1>
      </div>
      <Allowed need={PLANNING_ACCESS.save} doing="save a scenario">
        <ScenarioForm
          onSaved={(s) => {
            scenarios.reload();
            navigate(`/planning/${s.id}`);
          }}
        />
      </Allowed>
      <Section title="Saved scenarios" loaded={scenarios} primary>
        {(list) => <ScenarioList scenarios={list} chosen={chosen} />}
      </Section>
      {chosen === null ? null : <ScenarioRunSections key={chosen} id={chosen} />}
    </>
  );
}

function ScenarioList({ scenarios, chosen }: { scenarios: Scenario[]; chosen: number | null }) {
  // The reply types inputs loosely; they are the scenario's checked body as saved.
  const inputs = (s: Scenario) => s.inputs as ScenarioInputs;
  return (
    <DataTable
      rows={scenarios}
      keyOf={(s) => s.id}
      empty="No scenario saved yet."
      caption="Choose one to run it."
      columns={[
        {
          label: 'Scenario',
          render: (s) => (
            <Link to={`/planning/${s.id}`} aria-current={s.id === chosen ? 'true' : undefined}>
              {s.name}
            </Link>
          ),
        },
        { label: 'As of', render: (s) => s.asOf },
        { label: 'Months', num: true, render: (s) => inputs(s).horizonMonths },
        { label: 'Paths', num: true, render: (s) => count(inputs(s).paths) },
        { label: 'Seed', num: true, render: (s) => inputs(s).seed },
        { label: 'Price model', render: (s) => inputs(s).price.model },
        {
          label: 'Shocks',
          wrap: true,
          render: (s) =>
            inputs(s)
              .shocks.map((k) => `${k.month} ${Number(k.changePct) > 0 ? '+' : ''}${k.changePct}%`)
              .join(', ') || '—',
        },
        { label: 'By', render: (s) => s.createdBy },
      ]}
    />
  );
}

interface RunState {
  progress?: { done: number; total: number };
  result?: ScenarioRun;
  error?: ApiError | { message: string };
  seconds?: number;
}

/** What the GET refuses when there are no results to show: none stored yet, or stale ones. */
const NEEDS_RUN = new Set(['planning.not-run', 'planning.results-stale']);

/**
 * A scenario's results: the stored ones when they still hold, else (and on each new `attempt`) a
 * run through the streamed endpoint, which stores what it draws.
 */
function useScenarioRun(id: number, attempt: number): RunState {
  const [state, setState] = useState<RunState>({});
  useEffect(() => {
    const abort = new AbortController();
    const started = performance.now();
    setState({});
    const failed = (error: unknown) => {
      if ((error as Error).name !== 'AbortError') setState((s) => ({ ...s, error: error as ApiError }));
    };
    const onLine = (line: unknown) => {
      const l = line as ScenarioRunLine;
      if ('progress' in l) setState((s) => ({ ...s, progress: l.progress }));
      else if ('result' in l)
        setState((s) => ({ ...s, result: l.result, seconds: (performance.now() - started) / 1000 }));
      else setState((s) => ({ ...s, error: l.error }));
    };
    const run = () =>
      apiLines(`/api/planning/scenarios/${id}/run?stream=true`, onLine, {
        method: 'POST',
        signal: abort.signal,
      }).catch(failed);
    if (attempt > 0) void run();
    else
      api<ScenarioRun>(`/api/planning/scenarios/${id}/results`, { signal: abort.signal }).then(
        (result) => setState({ result }),
        (error: unknown) => (error instanceof ApiError && NEEDS_RUN.has(error.code) ? run() : failed(error)),
      );
    return () => abort.abort();
  }, [id, attempt]);
  return state;
}

function ScenarioRunSections({ id }: { id: number }) {
  const [attempt, setAttempt] = useState(0);
  const run = useScenarioRun(id, attempt);
  const running = !run.result && !run.error;
  const r = run.result;
  return (
    <>
      <Section
        primary
        title={r ? `${r.scenario.name}, as of ${r.scenario.asOf}` : 'Running the scenario'}
        actions={
          <button
            type="button"
            className="secondary"
            disabled={running}
            onClick={() => setAttempt((n) => n + 1)}
          >
            Run again
          </button>
        }
      >
        {() => (
          <>
            {running ? <RunProgress progress={run.progress} /> : null}
            <ErrorText error={run.error?.message} />
            {r ? <KeyFigures run={r} seconds={run.seconds} /> : null}
          </>
        )}
      </Section>
      {r ? (
        <>
          <PlanningCharts run={r} />
          <Section title="Deterministic cases, one path each" primary>
            {() => <CasesTable run={r} />}
          </Section>
          {r.backtest.length > 0 ? (
            <Section title="Back-test: where what happened fell among the paths" primary>
              {() => <BacktestTable run={r} />}
            </Section>
          ) : null}
        </>
      ) : null}
    </>
  );
}

function RunProgress({ progress }: { progress: RunState['progress'] }) {
  return (
    <div data-testid="run-progress">
      <progress
        aria-label="Paths drawn"
        style={{ width: '100%' }}
        {...(progress ? { value: progress.done, max: progress.total } : {})}
      />
      <p className="muted" role="status">
        {progress
          ? `${count(progress.done)} of ${count(progress.total)} paths drawn…`
          : 'Reading the books and the market history…'}
      </p>
    </div>
  );
}

function KeyFigures({ run, seconds }: { run: ScenarioRun; seconds: number | undefined }) {
  const cash = run.bands.cash?.months.at(-1);
  const paths = (run.scenario.inputs as ScenarioInputs).paths;
  return (
    <>
      <div className="figures">
        <Figure
          testId="cash-below-floor"
          label="Chance cash falls below the floor"
          value={percent(run.risk.cashBelowFloorProbability)}
          sub={`floor ${usd(run.risk.cashFloorCents)}, in any month`}
        />
        <Figure
          testId="chip-order-p50"
          label="Largest chip order paid now, cash above the floor at P50"
          value={usd(run.risk.chipOrderAtP50Cents)}
        />
        <Figure
          testId="chip-order-p10"
          label="…and on nine paths in ten (P10)"
          value={usd(run.risk.chipOrderAtP10Cents)}
        />
        <Figure
          testId="chip-order-rule"
          label="Wafers the chip-order rule orders in the first month, P50"
          value={count(run.risk.chipOrderRuleWafersP50)}
        />
        {cash ? (
          <Figure
            testId="end-cash-p50"
            label={`Cash at the end of ${cash.month}, P50`}
            value={usd(cash.p50)}
            sub={`P5–P95 ${usd(cash.p5)} to ${usd(cash.p95)}`}
          />
        ) : null}
      </div>
      <p className="muted" role="status">
        {count(paths)} paths over {run.months.length} months
        {seconds === undefined ? '' : `, run in ${fixed(seconds, 1)} s`}; books as of {run.start.booksQuarter}
        ; price calibrated on {run.calibration.from} to {run.calibration.to} (volatility{' '}
        {fixed(run.calibration.volatilityPctYear, 0)}% a year, drift {fixed(run.calibration.driftPctYear, 0)}%
        a year).
      </p>
    </>
  );
}

type Case = ScenarioRun['deterministic'][number];

const CASE_FIGURES: { label: string; render: (c: Case) => string }[] = [
  { label: 'Revenue', render: (c) => usd(c.revenueCents) },
  { label: 'Gross margin', render: (c) => usd(c.grossMarginCents) },
  { label: 'Futures cancelled', render: (c) => usd(c.cancelledCents) },
  { label: 'BTC mined', render: (c) => btc(c.btcMinedSats) },
  { label: 'Cash at the end', render: (c) => usd(c.endCashCents) },
  { label: 'Backlog at the end', render: (c) => usd(c.endBacklogCents) },
  { label: 'BTC held at the end', render: (c) => btc(c.endBtcHeldSats) },
  { label: 'BTC price at the end', render: (c) => `$${fixed(Number(c.endBtcPriceUsd), 0)}` },
];

/** The cases side by side: one column each, a figure per row (so a phone shows three numbers a row). */
function CasesTable({ run }: { run: ScenarioRun }) {
  return (
    <div data-testid="deterministic">
      <DataTable
        rows={CASE_FIGURES}
        keyOf={(f) => f.label}
        caption={`Over ${run.months[0]} to ${run.months.at(-1)}, no volatility; the shocks hit in the first month.`}
        columns={[
          { label: 'Figure', render: (f) => f.label },
          ...run.deterministic.map((c) => ({
            label: c.name,
            num: true,
            render: (f: (typeof CASE_FIGURES)[number]) => f.render(c),
          })),
        ]}
      />
    </div>
  );
}

const FIGURE_NAMES: Record<string, string> = {
  btcPriceUsd: 'BTC price',
  revenue: 'Revenue',
  backlog: 'Backlog',
  liabilities: 'Contract liabilities',
  btcMined: 'BTC mined',
  btcHeld: 'BTC held',
  selfMiningEh: 'Self-mining',
};

/** An actual figure in its unit as the bands name it. */
function actualIn(unit: string | undefined, value: string): string {
  if (unit === 'cents') return usd(BigInt(Math.round(Number(value))));
  if (unit === 'sats') return btc(BigInt(Math.round(Number(value))));
  if (unit === 'ehs') return `${fixed(Number(value), 2)} EH/s`;
  return `$${fixed(Number(value), 0)}`;
}

function BacktestTable({ run }: { run: ScenarioRun }) {
  return (
    <DataTable
      rows={run.backtest}
      keyOf={(b) => `${b.quarter}-${b.figure}`}
      caption="Rank: the share of paths below what happened (0: below every path, 100: above every path)."
      columns={[
        { label: 'Quarter', render: (b) => b.quarter },
        { label: 'Figure', render: (b) => FIGURE_NAMES[b.figure] ?? b.figure },
        { label: 'Actual', num: true, render: (b) => actualIn(run.bands[b.figure]?.unit, b.actual) },
        { label: 'Rank (0–100)', num: true, render: (b) => fixed(b.rank, 0) },
      ]}
    />
  );
}
