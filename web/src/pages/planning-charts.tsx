/**
 * A run's fan charts: every figure the issue asks of a run — revenue, gross margin, cash (the floor
 * drawn), contract liabilities, backlog, BTC held and self-mining's hashrate — and the BTC price the
 * paths were drawn on. Each chart has one scale from its largest value, the dashboard's shared axis
 * scale of its kind (format.ts: $k, $M or $B; TH, PH or EH), which writes its ticks and its unit.
 * The API's exact cents and sats become plain numbers here, for drawing.
 */

import { TH_PER_EH } from '../../../src/kernel/hashrate.js';
import { FanChart, type FanMonth } from '../fan-chart.js';
import {
  type AxisScale,
  btcAxis,
  btcNumber,
  type ScaledAxis,
  thsAxis,
  usd,
  usdAxis,
  usdNumber,
} from '../format.js';
import type { ScenarioRun } from '../replies.js';
import { Section } from '../ui.js';

type Bands = ScenarioRun['bands'][string];
type Chart = { months: FanMonth[]; scale: AxisScale };

/** The five percentiles of one month, each passed through `f`. */
function each<A, B>(
  m: { month: string; p5: A; p25: A; p50: A; p75: A; p95: A },
  f: (x: A) => B,
): { month: string; p5: B; p25: B; p50: B; p75: B; p95: B } {
  return { month: m.month, p5: f(m.p5), p25: f(m.p25), p50: f(m.p50), p75: f(m.p75), p95: f(m.p95) };
}

const largestOf = (months: FanMonth[], alsoShown = 0) =>
  Math.max(Math.abs(alsoShown), ...months.flatMap((m) => [Math.abs(m.p5), Math.abs(m.p95)]));

/** A chart's figures and its one scale, chosen from its largest value (and the floor, when drawn). */
function fan(bands: Bands, value: (x: string) => number, axis: ScaledAxis, alsoShown = 0): Chart {
  const months = bands.months.map((m) => each(m, value));
  return { months, scale: axis.scale(largestOf(months, alsoShown)) };
}

/** A figure in dollars (cents or USD on the wire). */
const moneyFan = (bands: Bands, alsoShown = 0): Chart =>
  fan(bands, bands.unit === 'usd' ? Number : usdNumber, usdAxis, alsoShown);
const btcFan = (bands: Bands): Chart => fan(bands, btcNumber, btcAxis);
/** EH/s on the wire, drawn in TH/s on the shared hashrate axis (PH/s while the fleet is under an exahash). */
const hashrateFan = (bands: Bands): Chart => fan(bands, (x) => Number(x) * TH_PER_EH, thsAxis);

/** The charts in the order drawn: what the figure is, its colour, and how its axis reads. */
const CHARTS: {
  figure: string;
  title: string;
  color: string;
  chart: (b: Bands, floorDollars: number) => Chart;
}[] = [
  { figure: 'revenue', title: 'Revenue per month', color: '#0b5cad', chart: (b) => moneyFan(b) },
  { figure: 'grossMargin', title: 'Gross margin per month', color: '#0f7c8c', chart: (b) => moneyFan(b) },
  { figure: 'cash', title: "Cash at each month's end", color: '#1e7b34', chart: moneyFan },
  {
    figure: 'liabilities',
    title: "Contract liabilities at each month's end",
    color: '#a0522d',
    chart: (b) => moneyFan(b),
  },
  { figure: 'backlog', title: "Backlog at each month's end", color: '#5b4bb7', chart: (b) => moneyFan(b) },
  { figure: 'btcHeld', title: 'BTC held', color: '#8e44ad', chart: (b) => btcFan(b) },
  { figure: 'selfMiningEh', title: 'Self-mining hashrate', color: '#b8860b', chart: (b) => hashrateFan(b) },
  { figure: 'btcPriceUsd', title: 'BTC price', color: '#e07b00', chart: (b) => moneyFan(b) },
];

export function PlanningCharts({ run }: { run: ScenarioRun }) {
  const floorDollars = usdNumber(run.risk.cashFloorCents);
  const charts = CHARTS.flatMap(({ figure, title, color, chart }) => {
    const bands = run.bands[figure];
    if (!bands) return [];
    const isCash = figure === 'cash';
    const c = chart(bands, floorDollars);
    return [
      <Section primary key={figure} title={`${title} (${c.scale.unit})`}>
        {() => (
          <FanChart
            title={`${title}, P5 to P95, in ${c.scale.unit}${isCash ? ', with the cash floor' : ''}`}
            months={c.months}
            scale={c.scale}
            color={color}
            {...(isCash
              ? { floor: { y: floorDollars, label: `cash floor ${usd(run.risk.cashFloorCents)}` } }
              : {})}
          />
        )}
      </Section>,
    ];
  });
  return (
    <div className="grid" data-testid="fan-charts">
      {charts}
    </div>
  );
}
