import { firstDayOfQuarter, lastDayOfQuarter } from '../../../src/kernel/calendar.js';
import { reportedShareOfProduction, targetEnded, targetOutcome } from '../../../src/mining/model.js';
import { query } from '../api.js';
import { Chart } from '../charts.js';
import {
  btc,
  count,
  fixed,
  hashrate,
  hashrateRange,
  percent,
  usd,
  usdAxis,
  usdExact,
  usdNumber,
  usdPerThDay,
} from '../format.js';
import { QuarterPicker, type QuarterProps, quarterPage } from '../quarter.js';
import type { GuidanceLine, MarketView, QuarterlyReport as Report, SalesQuarter } from '../replies.js';
import { Link } from '../router.js';
import { DataTable, Figure, type Loaded, Section, useApi } from '../ui.js';
import { ScheduleChart } from './orders.js';

const PH = 1000;
const guidanceFigure = (x: number) =>
  Math.abs(x) >= 100 ? count(Math.round(x)) : fixed(x, x % 1 === 0 ? 0 : 2);
const guidanceRange = (g: GuidanceLine) =>
  g.low !== null && g.high !== null
    ? `${guidanceFigure(g.low)} – ${guidanceFigure(g.high)}`
    : g.low !== null
      ? `≥ ${guidanceFigure(g.low)}`
      : g.high !== null
        ? `≤ ${guidanceFigure(g.high)}`
        : '—';
const unavailable = (p: { available: false; reason: string }) => <p className="muted">{p.reason}</p>;

/** The rest of the quarter, as the quarterly report tells it: AI chips, supply, self-mining, treasury, guidance. */
function FromTheReport({ quarter, report }: { quarter: string; report: Loaded<Report> }) {
  return (
    <>
      <div className="grid">
        <Section title="AI chips" loaded={report}>
          {(r) => (
            <div className="figures">
              <Figure
                label={`Revenue in ${quarter}`}
                value={usd(r.aiChips.quarter.revenueCents)}
                sub={`${count(r.aiChips.quarter.units)} chips`}
              />
              <Figure
                label={`${r.aiChips.yearToDate.year} so far vs the year before`}
                value={
                  r.aiChips.yearToDate.multiple === null ? '—' : `${fixed(r.aiChips.yearToDate.multiple, 1)}×`
                }
                sub={`${usd(r.aiChips.yearToDate.thisYearCents)} vs ${usd(r.aiChips.yearToDate.lastYearSamePeriodCents)}`}
              />
              <Figure
                label="Pre-orders open"
                value={`${count(r.aiChips.preOrders.openUnits)} units`}
                sub={`${count(r.aiChips.preOrders.bookedUnits)} booked`}
              />
              <p className="hint" style={{ gridColumn: '1 / -1' }}>
                {r.aiChips.chips.map((c) => `${c.id} (${c.tier}, ${c.stage})`).join(' · ')}
              </p>
            </div>
          )}
        </Section>
        <Section title="Supply" loaded={report}>
          {(r) =>
            !r.supply.available ? (
              unavailable(r.supply)
            ) : (
              <div className="figures">
                <Figure
                  label="Wafers out"
                  value={count(r.supply.wafers.out)}
                  sub={r.supply.wafers.byFoundry.map((f) => `${f.foundry} ${count(f.wafers)}`).join(', ')}
                />
                <Figure
                  label="Machines built"
                  value={count(r.supply.output.units)}
                  sub={hashrate(r.supply.output.th)}
                />
                <Figure
                  label="To self-mining"
                  value={count(r.supply.allocation.selfMiningUnits)}
                  sub={reportedShareOfProduction(r.supply).text}
                />
                {r.supply.yields.map((y) => (
                  <Figure
                    key={`${y.foundry}-${y.design}`}
                    label={`Yield ${y.design} at ${y.foundry}`}
                    value={`${fixed(y.yieldPct, 1)} %`}
                    sub={y.ramping ? `ramping to ${fixed(y.maturePct, 0)} %` : 'mature'}
                  />
                ))}
              </div>
            )
          }
        </Section>
        <Section title="Self-mining" loaded={report}>
          {(r) =>
            !r.selfMining.available ? (
              unavailable(r.selfMining)
            ) : (
              <div className="figures">
                <Figure
                  label={`Installed at ${r.selfMining.day}`}
                  value={hashrate(r.selfMining.installedPh * PH)}
                  testId="self-installed"
                />
                <Figure
                  label="Measured"
                  value={hashrate(r.selfMining.measuredPh === null ? null : r.selfMining.measuredPh * PH)}
                />
                <Figure
                  label="Target"
                  value={
                    r.selfMining.target
                      ? hashrateRange(r.selfMining.target.lowPh * PH, r.selfMining.target.highPh * PH, 0)
                      : '—'
                  }
                  sub={
                    r.selfMining.target
                      ? targetEnded(r.selfMining.target, lastDayOfQuarter(quarter))
                        ? `ended ${r.selfMining.target.byDay}: ${targetOutcome(r.selfMining.target.standing)}`
                        : `by ${r.selfMining.target.byDay}: ${r.selfMining.target.standing}`
                      : 'none set'
                  }
                />
                <Figure
                  label="BTC mined"
                  value={btc(r.selfMining.btcMinedSats)}
                  sub={`luck ${percent(r.selfMining.luck)}`}
                />
                <Figure label="Cost per BTC" value={usd(r.selfMining.costPerBtcCents)} sub="energy" />
                <ShareOfProduction report={r} />
              </div>
            )
          }
        </Section>
        <Section title="Treasury" loaded={report}>
          {(r) =>
            !r.treasury.available ? (
              unavailable(r.treasury)
            ) : (
              <div className="figures">
                <Figure label={`BTC held at ${r.treasury.day}`} value={btc(r.treasury.btcHeldSats)} />
                <Figure
                  label="Value"
                  value={usd(r.treasury.valueCents)}
                  sub={r.treasury.btcUsd ? `at ${usdExact(r.treasury.btcUsd)}/BTC` : undefined}
                />
                <Figure
                  label="Unrealised gain"
                  value={usd(r.treasury.unrealisedGainCents)}
                  sub="over the cost of mining"
                />
              </div>
            )
          }
        </Section>
      </div>
      <Section title="Guidance" loaded={report}>
        {(r) => {
          const lines = [
            ...r.guidance.aboutThisQuarter,
            ...r.guidance.givenWithThisQuarter.filter(
              (g) => !r.guidance.aboutThisQuarter.some((a) => a.id === g.id),
            ),
          ];
          return lines.length === 0 ? (
            <p className="muted">No guidance was given for or with {quarter}.</p>
          ) : (
            <DataTable
              rows={lines}
              keyOf={(g) => g.id}
              columns={[
                { label: 'Guidance', wrap: true, render: (g) => g.statement },
                { label: 'Period', render: (g) => g.period },
                { label: 'Measure', wrap: true, render: (g) => g.metricName },
                { label: 'Range', num: true, render: guidanceRange },
                {
                  label: 'Actual',
                  num: true,
                  render: (g) => (g.actual === null ? '—' : guidanceFigure(g.actual)),
                },
                {
                  label: 'Status',
                  render: (g) => (
                    <span
                      className={`badge ${g.status === 'met' ? 'ok' : g.status === 'missed' ? 'offline' : 'pending'}`}
                    >
                      {g.status}
                    </span>
                  ),
                },
              ]}
            />
          );
        }}
      </Section>
    </>
  );
}

function QuarterFigures({ f }: { f: SalesQuarter }) {
  const q = f.quarter;
  return (
    <div className="figures">
      <Figure
        label="Machines booked"
        value={`${count(f.bookings.machines.units)} units`}
        sub={`${usd(f.bookings.machines.valueCents)}, ${hashrate(f.bookings.machines.th)}`}
        testId="booked-units"
      />
      <Figure
        label="Bookings, all products"
        value={usd(f.bookings.valueCents)}
        sub={`${count(f.bookings.contracts)} contracts`}
        testId="booked-value"
      />
      <Figure
        label="Machines delivered"
        value={`${count(f.deliveries.machines.units)} units`}
        sub={hashrate(f.deliveries.machines.th)}
      />
      <Figure
        label="Revenue recognised"
        value={usd(f.deliveries.valueCents)}
        sub={`AI chips ${usd(f.deliveries.aiChips.valueCents)}`}
        testId="revenue"
      />
      <Figure
        label={`Contract liabilities at ${f.atEnd.day}`}
        value={usd(f.atEnd.contractLiabilities.valueCents)}
        sub="prepaid, not yet delivered"
        testId="liabilities"
      />
      <Figure
        label={`Backlog at ${f.atEnd.day}`}
        value={usd(f.atEnd.backlog.valueCents)}
        sub={`${count(f.atEnd.backlog.units)} units, ${hashrate(f.atEnd.backlog.th)}`}
        testId="backlog"
      />
      <Figure
        label="Booked price per TH"
        value={f.bookings.avgCentsPerTh ? `${usdExact(f.bookings.avgCentsPerTh)}/TH` : '—'}
        sub={`delivered at ${f.deliveries.avgCentsPerTh ? `${usdExact(f.deliveries.avgCentsPerTh)}/TH` : '—'}`}
      />
      <Figure
        label="Futures locked vs spot"
        value={percent(f.futuresDiscount.ratio)}
        sub={`of spot USD/TH, over ${hashrate(f.futuresDiscount.th)} booked`}
      />
      <Figure
        label="Deposits forfeited"
        value={usd(f.forfeitedDeposits.valueCents)}
        sub={`cancelled ${usd(f.cancellations.valueCents)}`}
      />
      <p className="hint" style={{ gridColumn: '1 / -1' }}>
        Every figure is computed from the recorded events;{' '}
        <Link to={`/orders?signedIn=${q}`}>the contracts signed in {q}</Link>.
      </p>
    </div>
  );
}

/** Bookings and deliveries of the quarters around this one, as the quarterly report gathers them. */
function Trend({ quarter, report }: { quarter: string; report: Loaded<Report> }) {
  return (
    <Section title="Bookings vs deliveries by quarter" loaded={report}>
      {(r) => (
        <Chart
          title={`Machine bookings and deliveries in USD, ${r.series[0]?.quarter} to ${r.series.at(-1)?.quarter}`}
          data={r.series.map((p) => ({
            quarter: p.quarter === quarter ? `${p.quarter} ◆` : p.quarter,
            booked: usdNumber(p.bookedCents),
            delivered: usdNumber(p.revenueCents),
            units: p.bookedUnits,
          }))}
          x="quarter"
          series={[
            { key: 'booked', label: 'Booked (value signed)', kind: 'bar' },
            { key: 'delivered', label: 'Delivered (revenue)', kind: 'bar' },
            { key: 'units', label: 'Units booked', kind: 'line', axis: 'right' },
          ]}
          format={usdAxis}
          formatRight={(v) => `${(v / 1000).toFixed(0)}k`}
          note={`◆ ${quarter}. Futures are booked when signed and earn revenue only when delivered, months later.`}
        />
      )}
    </Section>
  );
}

/** Self-mining's share of the quarter's production, as the report says it (counts from its supply). */
function ShareOfProduction({ report: r }: { report: Report }) {
  const share = reportedShareOfProduction(r.supply);
  return (
    <Figure
      label="Share of production"
      value={share.figure}
      sub={share.detail}
      testId="share-of-production"
    />
  );
}

/**
 * Of the report's optional sections, those this page shows: the service network and the Outlook
 * (the slowest two to compute) are on the reports page, not here.
 */
const REPORT_SECTIONS = 'supply,selfMining,treasury';

export const OverviewPage = quarterPage(Overview);

function Overview({ quarter, setQuarter }: QuarterProps) {
  const sales = useApi<SalesQuarter>(`/api/sales/quarters/${quarter}`);
  const report = useApi<Report>(`/api/reports/quarterly/${quarter}${query({ sections: REPORT_SECTIONS })}`);
  const market = useApi<MarketView[]>(
    `/api/market/days${query({ from: firstDayOfQuarter(quarter), to: lastDayOfQuarter(quarter) })}`,
  );
  return (
    <>
      <div className="page-head">
        <h1>{quarter} overview</h1>
        <div className="toolbar">
          <QuarterPicker quarter={quarter} onChange={setQuarter} />
        </div>
      </div>
      <Section title="Machines and the order book" loaded={sales}>
        {(f) => <QuarterFigures f={f} />}
      </Section>
      <div className="grid">
        <Trend quarter={quarter} report={report} />
        <Section title={`Deliveries still scheduled at the end of ${quarter}`} loaded={sales}>
          {(f) =>
            f.atEnd.scheduled.length ? (
              <ScheduleChart scheduled={f.atEnd.scheduled} asOf={quarter} />
            ) : (
              <p className="muted">Nothing left to deliver.</p>
            )
          }
        </Section>
      </div>
      <FromTheReport quarter={quarter} report={report} />
      <Section title="Market in the quarter" loaded={market}>
        {(days) => {
          const last = days.at(-1);
          return (
            <>
              <div className="figures">
                <Figure label="BTC price at quarter end" value={usd(last?.btcUsd)} />
                <Figure label="Hashprice at quarter end" value={usdPerThDay(last?.hashpriceUsdPerThDay)} />
                <Figure label="Network hashrate" value={hashrate(last?.networkHashrateThs)} />
              </div>
              <Chart
                title={`BTC price and hashprice by day in ${quarter}`}
                data={days.map((d) => ({
                  day: d.day,
                  btc: usdNumber(d.btcUsd),
                  hashprice: d.hashpriceUsdPerThDay,
                }))}
                x="day"
                series={[
                  { key: 'btc', label: 'BTC price', kind: 'line' },
                  { key: 'hashprice', label: 'Hashprice (USD/TH/day)', kind: 'line', axis: 'right' },
                ]}
                format={usdAxis}
                formatRight={(v) => `$${v.toFixed(2)}`}
                height={220}
              />
            </>
          );
        }}
      </Section>
    </>
  );
}
