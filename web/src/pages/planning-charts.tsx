/**
 * A run's fan charts: revenue and cash (each in one money scale, the cash floor drawn), the BTC
 * price and the BTC held. The API's exact cents and sats become plain numbers here, for drawing.
 */
import { FanChart, type FanMonth } from '../fan-chart.js';
import { axisFormatter, btcNumber, usd, usdAxis, usdNumber } from '../format.js';
import type { ScenarioRun } from '../replies.js';
import { Section } from '../ui.js';

type Bands = ScenarioRun['bands'][string];

/** The five percentiles of one month, each passed through `f`. */
function each<A, B>(
  m: { month: string; p5: A; p25: A; p50: A; p75: A; p95: A },
  f: (x: A) => B,
): { month: string; p5: B; p25: B; p50: B; p75: B; p95: B } {
  return { month: m.month, p5: f(m.p5), p25: f(m.p25), p50: f(m.p50), p75: f(m.p75), p95: f(m.p95) };
}

const fan = (bands: Bands, value: (x: string) => number): FanMonth[] =>
  bands.months.map((m) => each(m, value));

/** A money figure in dollars, its axis in one scale ($k, $M or $B) from its largest value (and the floor, when drawn). */
function moneyFan(bands: Bands, alsoShown = 0) {
  const months = fan(bands, usdNumber);
  const largest = Math.max(Math.abs(alsoShown), ...months.flatMap((m) => [Math.abs(m.p5), Math.abs(m.p95)]));
  return { months, format: axisFormatter(usdAxis, largest) };
}

const btcAmount = (v: number) =>
  `${v.toLocaleString('en-US', { maximumFractionDigits: Math.abs(v) < 10 ? 2 : 0 })} BTC`;

export function PlanningCharts({ run }: { run: ScenarioRun }) {
  const { revenue, cash, btcPriceUsd, btcHeld } = run.bands;
  const floorDollars = usdNumber(run.risk.cashFloorCents);
  const charts = [];
  if (revenue) {
    const r = moneyFan(revenue);
    charts.push(
      <Section primary key="revenue" title="Revenue per month">
        {() => <FanChart title="Revenue per month, P5 to P95" months={r.months} format={r.format} />}
      </Section>,
    );
  }
  if (cash) {
    const c = moneyFan(cash, floorDollars);
    charts.push(
      <Section primary key="cash" title="Cash at each month's end">
        {() => (
          <FanChart
            title="Cash at each month's end, P5 to P95, with the cash floor"
            months={c.months}
            format={c.format}
            color="#1e7b34"
            floor={{ y: floorDollars, label: `cash floor ${usd(run.risk.cashFloorCents)}` }}
          />
        )}
      </Section>,
    );
  }
  if (btcPriceUsd) {
    const p = fan(btcPriceUsd, Number);
    charts.push(
      <Section primary key="price" title="BTC price">
        {() => (
          <FanChart
            title="BTC price, P5 to P95"
            months={p}
            format={axisFormatter(usdAxis, Math.max(...p.map((m) => m.p95)))}
            color="#e07b00"
          />
        )}
      </Section>,
    );
  }
  if (btcHeld) {
    const h = fan(btcHeld, btcNumber);
    charts.push(
      <Section primary key="held" title="BTC held">
        {() => <FanChart title="BTC held, P5 to P95" months={h} format={btcAmount} color="#8e44ad" />}
      </Section>,
    );
  }
  return <div data-testid="fan-charts">{charts}</div>;
}
