import { useState } from 'react';
import { FLEET_ACCESS } from '../../../src/fleet/access.js';
import {
  addQuarters,
  dayOf,
  firstDayOfQuarter,
  lastDayOfQuarter,
  quarterMonths,
} from '../../../src/kernel/calendar.js';
import { Allowed } from '../access.js';
import { api, query } from '../api.js';
import { Chart, type RefLine, type SeriesSpec } from '../charts.js';
import {
  btc,
  btcNumber,
  count,
  fixed,
  hashrate,
  hashrateRange,
  percent,
  thsAxis,
  usd,
  usdAxis,
  usdExact,
  usdNumber,
  usdPerThDay,
} from '../format.js';
import { QuarterPicker, type QuarterProps, quarterPage, useKnown } from '../quarter.js';
import type {
  Advice,
  AdviceApplied,
  HashrateDay,
  HashrateSeries,
  MarketView,
  MiningStatus,
  MonthEarnings,
  SiteView,
  TreasuryQuarter,
} from '../replies.js';
import { hashrateColumn } from '../table/columns.js';
import { type RangeName, type TimeRange, TimeRangePicker, tickLabel, useTimeRange } from '../time-range.js';
import { DataTable, ErrorText, Figure, Section, useApi, useApiAll, useSubmit } from '../ui.js';
import { SiteActions } from './site-actions.js';

const TREND = 8;
const MINUTE = 60_000;
/**
 * The ranges drawn from the fleet's telemetry (the books give a day a point: one dot for these).
 * Days chosen by hand keep the daily chart however few: finer telemetry covers the polled sites
 * only, so a custom fortnight of books read "No hashrate recorded".
 */
const TELEMETRY_RANGES: readonly RangeName[] = ['hour', 'day', 'week'];

function Treasury({ quarter }: { quarter: string }) {
  const quarters = Array.from({ length: TREND }, (_, i) => addQuarters(quarter, i - TREND + 1));
  const all = useApiAll<TreasuryQuarter>(quarters.map((q) => `/api/treasury/quarters/${q}`));
  return (
    <Section title="Treasury: BTC held and its value" loaded={all}>
      {(rows) => {
        const t = rows.at(-1)!;
        return (
          <>
            <div className="figures">
              <Figure label={`BTC held at ${t.end}`} value={btc(t.btcHeldSats.value)} testId="btc-held" />
              <Figure
                label="Value at the day's price"
                value={usd(t.valueCents.value)}
                sub={t.valueCents.btcUsd ? `at ${usdExact(t.valueCents.btcUsd)}/BTC` : 'no market price'}
              />
              <Figure
                label="Unrealised gain"
                value={usd(t.unrealisedGainCents.value)}
                sub={`cost of mining ${usd(t.unrealisedGainCents.costBasisCents)}`}
              />
              <Figure label={`Mined in ${quarter}`} value={btc(t.minedInQuarterSats.value)} />
              <Figure label="USD held" value={usd(t.usdCents.value)} />
              <Figure
                label="BTC sold (hold policy overridden)"
                value={count(t.flaggedSales.value.length)}
                sub={
                  t.flaggedSales.value.map((s) => `${s.day}: ${btc(s.soldSats)}, ${s.reason}`).join('; ') ||
                  'none: mined BTC is held'
                }
              />
            </div>
            <Chart
              title={`BTC held and its value at each quarter end, ${quarters[0]} to ${quarter}`}
              data={rows.map((r) => ({
                quarter: r.quarter,
                value: usdNumber(r.valueCents.value),
                held: btcNumber(r.btcHeldSats.value),
              }))}
              x="quarter"
              series={[
                { key: 'value', label: 'Value (USD)', kind: 'bar' },
                { key: 'held', label: 'BTC held', kind: 'line', axis: 'right' },
              ]}
              format={usdAxis}
              formatRight={(v) => `${fixed(v, 1)} BTC`}
            />
          </>
        );
      }}
    </Section>
  );
}

function ApplyAdvice({ day, onDone }: { day: string; onDone: () => void }) {
  const form = useSubmit(
    (key) =>
      api<AdviceApplied>('/api/mining/advice/apply', {
        method: 'POST',
        body: { on: day },
        idempotencyKey: key,
      }),
    onDone,
  );
  return (
    <div>
      <button type="button" className="danger" disabled={form.busy} onClick={() => form.submit()}>
        {form.busy ? 'Switching off…' : `Apply the advice of ${day}`}
      </button>
      <ErrorText error={form.error} />
      {form.done ? (
        <p className="ok" role="status">
          Soft off sent to {count(form.done.machines)} machines: {count(form.done.control.succeeded)}{' '}
          confirmed, {count(form.done.control.failed)} failed; saves {usdExact(form.done.savedCentsPerDay)} a
          day.
        </p>
      ) : null}
    </div>
  );
}

/**
 * The measured total says how many of the sites present it adds up: a sum of the measured sites
 * alone, read beside an installed total of every site, would look like a shortfall it is not.
 */
const measuredTotal = (s: MiningStatus | undefined) => {
  if (!s) return { ths: undefined };
  const measured = s.sites.filter((x) => x.measuredThs !== null).length;
  return {
    ths: s.measuredThs,
    note: measured < s.sites.length ? `${measured} of ${s.sites.length} sites measured` : undefined,
    missing: 'not measured',
  };
};

/** How far the target is, and the days left; once its by-day is behind, how it ended that day. */
const progressNote = (t: NonNullable<MiningStatus['target']>) => {
  const on = t.progressOn === 'mixed' ? 'measured where polled, installed elsewhere' : t.progressOn;
  const p = t.progress;
  if (p.outcome)
    return `ended ${t.byDay}: ${p.outcome === 'met' ? 'reached the low end' : `${hashrate(p.missingToLowThs)} short of the low end`} (${on})`;
  return `${hashrate(p.missingToLowThs)} to go, ${count(p.daysLeft)} days left (${on})`;
};

// Opens on the latest quarter with anything to show: while the fleet polls, today's.
export const MiningPage = quarterPage(Mining, 'latest');

/** Below this share of the fleet's installed, the measured sites are drawn on an axis of their own. */
const SMALL_MEASURED_SHARE = 0.1;

/** A day's installed hashrate, of every site and of the sites the fleet measured (null: none). */
function installedOn(d: HashrateDay) {
  const measured = d.sites.filter((x) => x.measuredThs !== null);
  return {
    installed: d.installedThs,
    installedWhereMeasured: measured.length ? measured.reduce((n, x) => n + x.installedThs, 0) : null,
  };
}

/**
 * Installed and measured hashrate by day. Measured covers only the sites the fleet polls: where they
 * are a sliver of the installed (the demo's 540 TH/s rack beside 4.7 EH/s of books), their line lay
 * flat on the floor of an EH/s axis. Then they get the right axis, beside their own installed.
 */
function HashrateChart({
  days,
  title,
  refLines,
}: {
  days: HashrateDay[];
  title: string;
  refLines: RefLine[];
}) {
  const data = days.map((d) => ({ day: d.day, measured: d.measuredThs, ...installedOn(d) }));
  const peak = (k: 'installed' | 'installedWhereMeasured') => Math.max(0, ...data.map((r) => r[k] ?? 0));
  const apart =
    peak('installedWhereMeasured') > 0 &&
    peak('installedWhereMeasured') < SMALL_MEASURED_SHARE * peak('installed');
  const series: SeriesSpec[] = apart
    ? [
        { key: 'installed', label: 'Installed, every site (left)', kind: 'step' },
        {
          key: 'installedWhereMeasured',
          label: 'Installed where measured (right)',
          kind: 'step',
          axis: 'right',
          dashed: true,
        },
        { key: 'measured', label: 'Measured (right)', kind: 'line', axis: 'right' },
      ]
    : [
        { key: 'installed', label: 'Installed (nameplate)', kind: 'step' },
        { key: 'measured', label: 'Measured', kind: 'line' },
      ];
  return (
    <Chart
      title={title}
      data={data}
      x="day"
      series={series}
      format={thsAxis}
      {...(apart ? { formatRight: thsAxis } : {})}
      refLines={refLines}
    />
  );
}

/**
 * A range finer than a day (the last hour, day or week): the books' days gave it one dot, the
 * installed of the range's last day, and no measured line. It is drawn from the fleet's telemetry
 * over the whole range instead, the installed of that day flat across it for reference (where the
 * fleet's sites are a sliver of every site's, that one is told above the scale, as the target is).
 */
function TelemetryChart({
  range,
  day,
  title,
  refLines,
}: {
  range: TimeRange;
  day: HashrateDay | undefined;
  title: string;
  refLines: RefLine[];
}) {
  const series = useApi<HashrateSeries>(
    `/api/fleet/hashrate${query({ from: range.from.toISOString(), to: range.to.toISOString(), every: range.every })}`,
    { keep: true },
  );
  if (series.error) return <ErrorText error={series.error} />;
  const points = series.data?.points ?? [];
  const installed = day ? installedOn(day) : undefined;
  const grey = '#5b6470';
  const installedLines: RefLine[] = !installed
    ? []
    : installed.installedWhereMeasured === null || installed.installedWhereMeasured === installed.installed
      ? [{ y: installed.installed, label: `installed ${hashrate(installed.installed)}`, color: grey }]
      : [
          {
            y: installed.installedWhereMeasured,
            label: `installed where measured ${hashrate(installed.installedWhereMeasured)}`,
            color: grey,
          },
          {
            y: installed.installed,
            label: `installed, every site ${hashrate(installed.installed)}`,
            color: grey,
          },
        ];
  return (
    <Chart
      title={title}
      data={points.map((p) => ({ t: Date.parse(p.at), measured: p.hashrateThs }))}
      x="t"
      time={{ from: range.from.getTime(), to: range.to.getTime(), label: tickLabel(range.every) }}
      // A line, not the fleet page's area: a few minutes of polls show as their dots (see Chart).
      series={[{ key: 'measured', label: 'Measured, the fleet', kind: 'line' }]}
      format={thsAxis}
      refLines={[...installedLines, ...refLines]}
      note={
        points.length === 0
          ? `No hashrate recorded in the ${range.label}: the fleet polled nothing then.`
          : 'Times in UTC.'
      }
    />
  );
}

/** Months with days expected on an earlier day's market (past the market history): it is that old. */
function CarriedMarket({ months }: { months: MonthEarnings[] }) {
  const carried = months.filter((m) => m.days.carriedMarket > 0);
  if (carried.length === 0) return null;
  return (
    <p className="chart-note" role="note">
      Expected on an earlier day's market where a day has none of its own:{' '}
      {carried
        .map(
          (m) =>
            `${m.month}, ${m.days.carriedMarket} day${m.days.carriedMarket === 1 ? '' : 's'} on the market of ${m.marketDay}`,
        )
        .join('; ')}
      .
    </p>
  );
}

function Mining({ quarter, setQuarter }: QuarterProps) {
  const from = firstDayOfQuarter(quarter);
  const to = lastDayOfQuarter(quarter);
  // Today's quarter (by the server's clock) is shown as it stands today: the fleet's latest polls.
  // Any other at its last day: a past one as it ended, a later one with nothing measured yet.
  const current = quarter === useKnown()?.current;
  const status = useApi<MiningStatus>(`/api/mining/status${query({ on: current ? undefined : to })}`);
  const at = status.data?.on;
  const bySite = new Map((status.data?.sites ?? []).map((x) => [x.site, x]));
  // The hashrate chart's own range ends with the quarter chosen, or now if that is earlier (the
  // page's opening minute: a range ending at today's quarter's end drew days not yet come): its last
  // quarter unless asked.
  const [opened] = useState(() => Math.ceil(Date.now() / MINUTE) * MINUTE);
  const [range, setRange] = useTimeRange(
    new Date(Math.min(Date.parse(`${to}T00:00:00Z`) + 86_400_000, opened)),
    'quarter',
  );
  const series = useApi<HashrateDay[]>(
    `/api/mining/hashrate${query({ from: dayOf(range.from), to: dayOf(new Date(range.to.getTime() - 1)) })}`,
    { keep: true },
  );
  const advice = useApi<Advice>(`/api/mining/advice${query({ on: to })}`);
  const market = useApi<MarketView[]>(`/api/market/days${query({ from, to })}`);
  const months = quarterMonths(quarter);
  const earnings = useApi<MonthEarnings[]>(
    `/api/mining/earnings${query({ from: months[0], to: months[2] })}`,
  );
  const sites = useApi<SiteView[]>('/api/mining/sites');
  const target = status.data?.target;
  const targetLine: RefLine[] = target
    ? [
        {
          y: target.lowThs,
          label: `target ${hashrate(target.lowThs, 1)} by ${target.byDay}`,
          color: '#1e7b34',
        },
      ]
    : [];
  return (
    <>
      <div className="page-head">
        <h1>Self-mining and treasury</h1>
        <div className="toolbar">
          <QuarterPicker quarter={quarter} onChange={setQuarter} />
        </div>
      </div>
      <Section title={`Hashrate at ${at ?? to}`} loaded={status}>
        {(s) => (
          <>
            <div className="figures">
              <Figure
                label="Installed"
                value={hashrate(s.installedThs)}
                sub={`${hashrate(s.inTransitThs)} in transit`}
                testId="installed"
              />
              <Figure
                label="Measured"
                value={hashrate(s.measuredThs)}
                sub={s.measuredBasis ?? 'not measured'}
              />
              <Figure
                label="Target"
                value={s.target ? hashrateRange(s.target.lowThs, s.target.highThs) : '—'}
                sub={
                  s.target
                    ? `by ${s.target.byDay}, ${s.target.shareBp / 100} % of production`
                    : 'no target set'
                }
              />
              <Figure
                label={
                  s.target?.progress.outcome
                    ? `Target ${s.target.progress.outcome}`
                    : 'Progress to the low end'
                }
                value={s.target ? percent(s.target.progress.ofLow) : '—'}
                sub={s.target ? progressNote(s.target) : undefined}
                testId="target-progress"
              />
            </div>
            <TimeRangePicker range={range} onChange={setRange} />
            {series.error ? (
              <ErrorText error={series.error} />
            ) : !TELEMETRY_RANGES.includes(range.name) ? (
              <HashrateChart
                days={series.data ?? []}
                title={`Installed and measured hashrate by day, ${range.name === 'custom' ? range.label : `${range.label} to ${dayOf(new Date(range.to.getTime() - 1))}`}`}
                refLines={targetLine}
              />
            ) : (
              <TelemetryChart
                range={range}
                day={series.data?.at(-1)}
                title={`Measured hashrate ${range.every === 'minute' ? 'per minute' : 'by hour'} of the fleet, ${range.label} to ${range.to.toISOString().slice(0, 16).replace('T', ' ')} UTC, beside the installed`}
                refLines={targetLine}
              />
            )}
          </>
        )}
      </Section>
      <Section title="Hashprice against the curtailment line" loaded={advice}>
        {(a) => {
          const lines = [...new Map(a.groups.map((g) => [`${g.site} ${g.productId}`, g])).values()];
          return (
            <>
              <Chart
                title={`Hashprice by day in ${quarter} against the hashprice below which machines lose money`}
                data={(market.data ?? []).map((d) => ({ day: d.day, hashprice: d.hashpriceUsdPerThDay }))}
                x="day"
                series={[{ key: 'hashprice', label: 'Hashprice (USD/TH/day)', kind: 'line' }]}
                format={(v) => `$${v.toFixed(3)}`}
                {...(market.data
                  ? {
                      empty: `No market data in ${quarter}, so there is no hashprice to draw. The advice below uses the market of ${a.marketDay}, the latest day on or before ${a.day} with a Bitcoin price and difficulty.`,
                    }
                  : {})}
                refLines={lines.slice(0, 4).map((g) => ({
                  y: g.thresholdUsdPerThDay,
                  label: `curtail ${g.productId} at ${g.site}: ${usdPerThDay(g.thresholdUsdPerThDay)}`,
                }))}
                note={`Thresholds at each site's electricity price on ${a.day}. Hashprice ${usdPerThDay(a.hashpriceUsdPerThDay)}, BTC ${usdExact(a.btcUsd)} (market of ${a.marketDay}).`}
              />
              <h3>Advice for {a.day}</h3>
              <DataTable
                rows={a.groups}
                keyOf={(g) => `${g.site}-${g.productId}`}
                empty="No installed machines to advise on."
                columns={[
                  { label: 'Site', render: (g) => g.site },
                  { label: 'Model', render: (g) => g.productId },
                  { label: 'Machines', num: true, render: (g) => count(g.machines) },
                  { label: 'Power price', num: true, render: (g) => `$${g.usdPerKwh.toFixed(4)}/kWh` },
                  { label: 'Curtail below', num: true, render: (g) => usdPerThDay(g.thresholdUsdPerThDay) },
                  { label: 'Breakeven BTC', num: true, render: (g) => usdExact(g.breakevenBtcUsd) },
                  {
                    label: 'Advice',
                    render: (g) => (
                      <span className={`badge ${g.advice === 'switch-off' ? 'offline' : 'ok'}`}>
                        {g.advice}
                      </span>
                    ),
                  },
                  { label: 'Why', wrap: true, render: (g) => g.reason },
                ]}
              />
              {a.machinesToSwitchOff > 0 ? (
                <>
                  <p>
                    Switching off {count(a.machinesToSwitchOff)} machines saves {usdExact(a.savedCentsPerDay)}{' '}
                    a day.
                  </p>
                  <Allowed need={FLEET_ACCESS.operate} doing="switch machines off">
                    <ApplyAdvice day={a.day} onDone={advice.reload} />
                  </Allowed>
                </>
              ) : null}
            </>
          );
        }}
      </Section>
      <Section title={`BTC mined by month in ${quarter}`} loaded={earnings}>
        {(e) => (
          <>
            <DataTable
              rows={e}
              keyOf={(m) => m.month}
              columns={[
                { label: 'Month', render: (m) => m.month },
                { label: 'Expected', num: true, render: (m) => btc(m.expectedSats) },
                { label: 'Paid by pools', num: true, render: (m) => btc(m.actualSats) },
                { label: 'Luck', num: true, render: (m) => percent(m.luck) },
                { label: 'Energy', num: true, render: (m) => usdExact(m.energyCents) },
                { label: 'Cost per BTC', num: true, render: (m) => usdExact(m.costPerBtcCents) },
              ]}
            />
            <CarriedMarket months={e} />
          </>
        )}
      </Section>
      <Treasury quarter={quarter} />
      <Section title={`Sites, hashrate at ${at ?? to}`} loaded={sites}>
        {(list) => (
          <DataTable
            rows={list}
            keyOf={(s) => s.code}
            empty="No self-mining site yet."
            columns={[
              {
                label: 'Site',
                // A site's name wraps: at one line ("LAB: Demo lab (simulated miners on loopback)") it
                // pushed the table past its card at laptop width.
                wrap: true,
                render: (s) => `${s.code}: ${s.name}`,
                total: `Total at ${at ?? to}`,
              },
              { label: 'Country', render: (s) => s.country },
              {
                // The permit under its status, not a column of its own: ten columns and the site's
                // action buttons were wider than the card at laptop width (1233 px in 1218).
                label: 'Compliance',
                wrap: true,
                render: (s) => (
                  <>
                    <span className={`badge ${s.compliance.status}`}>{s.compliance.status}</span>
                    {s.compliance.permitRef ? <div className="muted">{s.compliance.permitRef}</div> : null}
                  </>
                ),
              },
              hashrateColumn<SiteView>('Installed', (s) => bySite.get(s.code)?.installedThs, {
                total: { ths: status.data?.installedThs },
              }),
              hashrateColumn<SiteView>('Measured', (s) => bySite.get(s.code)?.measuredThs, {
                missing: (s) => (bySite.has(s.code) ? 'not measured' : '—'),
                total: measuredTotal(status.data),
              }),
              { label: 'Capacity', num: true, render: (s) => `${fixed(s.capacityMw, 1)} MW` },
              { label: 'Deployed', num: true, render: (s) => `${fixed(s.deployedMw, 2)} MW` },
              {
                label: 'Power price',
                num: true,
                render: (s) => (s.usdPerKwh === null ? '—' : `$${s.usdPerKwh.toFixed(4)}/kWh`),
              },
              {
                label: '',
                render: (s) => (
                  <SiteActions
                    code={s.code}
                    status={s.compliance.status}
                    onDone={() => {
                      sites.reload();
                      advice.reload();
                    }}
                  />
                ),
              },
            ]}
          />
        )}
      </Section>
    </>
  );
}
