/**
 * Charts for the figures people would rather look at than read. Each wraps recharts with the
 * dashboard's units on the axes and in the tooltips; values arrive as plain numbers (dollars,
 * TH/s, BTC), made from the API's exact figures only for drawing.
 */
import type { ReactNode } from 'react';
import {
  Area,
  Bar,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { type AxisFormat, axisFormatter } from './format.js';

const COLORS = ['#0b5cad', '#e07b00', '#1e7b34', '#8e44ad', '#b3261e', '#5b6470', '#0097a7'];

export interface SeriesSpec {
  key: string;
  label: string;
  kind: 'bar' | 'line' | 'area' | 'step';
  color?: string;
  stack?: string;
  axis?: 'left' | 'right';
  dashed?: boolean;
}

/** The highest a row reaches on these keys: stacked series add up, the others stand alone. */
function stackedMax(row: Record<string, unknown>, series: SeriesSpec[], keys: string[]): number {
  const stacks = new Map<string, number>();
  let max = 0;
  for (const s of series) {
    if (!keys.includes(s.key)) continue;
    const v = Math.abs(Number(row[s.key]) || 0);
    if (s.stack) stacks.set(s.stack, (stacks.get(s.stack) ?? 0) + v);
    else max = Math.max(max, v);
  }
  return Math.max(max, ...stacks.values());
}

/**
 * A time axis over a whole range (a fleet chart's last hour, day or week): the chart spans it even
 * when readings cover only part of it, with ticks at whole steps of UTC time.
 */
export interface TimeAxis {
  /** Milliseconds since the epoch; `x` of each row is one too. */
  from: number;
  to: number;
  label: (ms: number) => string;
}

const MINUTE = 60_000;
const TICK_STEPS = [10, 30, 60, 180, 360, 720, 1440, 2880, 10_080, 20_160].map((m) => m * MINUTE);

/** Ticks at whole steps of UTC time, the smallest step giving at most eight of them. */
export function timeTicks(from: number, to: number): number[] {
  const step = TICK_STEPS.find((s) => (to - from) / s <= 8) ?? TICK_STEPS.at(-1)!;
  const ticks: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push(t);
  return ticks;
}

export interface RefLine {
  y: number;
  label: string;
  color?: string;
  axis?: 'left' | 'right';
}

/**
 * Which reference lines carry their label inside the chart: each label sits just above its line at
 * the right, so two lines closer than a label's height (thresholds of sites a few cents apart) wrote
 * one label over the other. Walking down from the highest, a line closer than `gap` (a share of its
 * axis) to the last labelled one is drawn unlabelled, and its label told under the chart.
 */
export function placeLabels(lines: RefLine[], axisMax: (side: 'left' | 'right') => number, gap = 0.07) {
  const labelled = new Set<RefLine>();
  const lastY = new Map<string, number>();
  for (const r of [...lines].sort((a, b) => b.y - a.y)) {
    const side = r.axis ?? 'left';
    const above = lastY.get(side);
    if (above !== undefined && above - r.y < gap * axisMax(side)) continue;
    labelled.add(r);
    lastY.set(side, r.y);
  }
  return labelled;
}

export function Chart({
  data,
  x,
  time,
  series,
  format,
  formatRight,
  title,
  note,
  refLines = [],
  height,
  empty,
}: {
  data: Record<string, unknown>[];
  x: string;
  time?: TimeAxis;
  series: SeriesSpec[];
  format: AxisFormat;
  formatRight?: AxisFormat;
  /** Told to screen readers, since the drawing itself says nothing to them. */
  title: string;
  note?: ReactNode;
  refLines?: RefLine[];
  height?: number;
  /** Said in the chart's place when `data` has no rows (why there is nothing to draw). */
  empty?: ReactNode;
}) {
  const hasRight = series.some((s) => s.axis === 'right');
  // A reference far above the data (a target years away) would flatten the data to a line on the
  // floor: it is told beside the chart instead of drawn.
  const leftKeys = series.filter((s) => s.axis !== 'right').map((s) => s.key);
  const dataMax = Math.max(0, ...data.flatMap((row) => leftKeys.map((k) => Number(row[k]) || 0)));
  const offScale = (y: number) => dataMax > 0 && y > dataMax * 4;
  const drawn = refLines.filter((r) => !offScale(r.y));
  const told = refLines.filter((r) => offScale(r.y));
  // One unit per axis, from the largest figure drawn on it (a stack's total, a reference line).
  const rightKeys = series.filter((s) => s.axis === 'right').map((s) => s.key);
  const axisMax = (keys: string[], side: 'left' | 'right') =>
    Math.max(
      0,
      ...data.map((row) => stackedMax(row, series, keys)),
      ...drawn.filter((r) => (r.axis ?? 'left') === side).map((r) => r.y),
    );
  const left = axisFormatter(format, axisMax(leftKeys, 'left'));
  const right = axisFormatter(formatRight ?? format, axisMax(rightKeys, 'right'));
  const labelled = placeLabels(drawn, (side) =>
    side === 'left' ? axisMax(leftKeys, 'left') : axisMax(rightKeys, 'right'),
  );
  const unlabelled = drawn.filter((r) => !labelled.has(r));
  if (data.length === 0 && empty)
    return (
      <figure className="chart-figure" style={{ margin: 0 }}>
        <p className="chart-empty" role="note">
          {empty}
        </p>
        {note ? <figcaption className="chart-note">{note}</figcaption> : null}
      </figure>
    );
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div className="chart" role="img" aria-label={title} style={height ? { height } : undefined}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: hasRight ? 4 : 12, left: 4, bottom: 0 }}>
            <CartesianGrid stroke="#e6e9ed" vertical={false} />
            {time ? (
              <XAxis
                dataKey={x}
                type="number"
                scale="time"
                domain={[time.from, time.to]}
                ticks={timeTicks(time.from, time.to)}
                tickFormatter={time.label}
                tick={{ fontSize: 12 }}
                minTickGap={16}
              />
            ) : (
              <XAxis dataKey={x} tick={{ fontSize: 12 }} minTickGap={16} />
            )}
            <YAxis yAxisId="left" tickFormatter={left} tick={{ fontSize: 12 }} width={68} />
            {hasRight ? (
              <YAxis
                yAxisId="right"
                orientation="right"
                tickFormatter={right}
                tick={{ fontSize: 12 }}
                width={68}
              />
            ) : null}
            <Tooltip
              {...(time ? { labelFormatter: (t: unknown) => time.label(Number(t)) } : {})}
              formatter={(value, name, item) => {
                const spec = series.find((s) => s.label === name || s.key === item.dataKey);
                const f = spec?.axis === 'right' ? right : left;
                return [typeof value === 'number' ? f(value) : String(value), name];
              }}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {drawn.map((r) => (
              <ReferenceLine
                key={r.label}
                y={r.y}
                yAxisId={r.axis ?? 'left'}
                stroke={r.color ?? '#b3261e'}
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                {...(labelled.has(r)
                  ? {
                      label: {
                        value: r.label,
                        position: 'insideTopRight',
                        className: 'ref-label',
                        fontSize: 12,
                        fill: r.color ?? '#b3261e',
                      },
                    }
                  : {})}
              />
            ))}
            {series.map((s, i) => {
              const color = s.color ?? COLORS[i % COLORS.length];
              const common = {
                dataKey: s.key,
                name: s.label,
                yAxisId: s.axis ?? 'left',
                isAnimationActive: false,
              };
              if (s.kind === 'bar')
                return (
                  <Bar key={s.key} {...common} fill={color} {...(s.stack ? { stackId: s.stack } : {})} />
                );
              if (s.kind === 'area')
                return (
                  <Area
                    key={s.key}
                    {...common}
                    type="monotone"
                    stroke={color}
                    fill={color}
                    fillOpacity={0.25}
                    {...(s.stack ? { stackId: s.stack } : {})}
                  />
                );
              return (
                <Line
                  key={s.key}
                  {...common}
                  type={s.kind === 'step' ? 'stepAfter' : 'monotone'}
                  stroke={color}
                  strokeWidth={2}
                  // A series with few points (a site measured since today) is its dots, or nothing shows.
                  dot={data.filter((row) => row[s.key] != null).length < 24}
                  {...(s.dashed ? { strokeDasharray: '6 4' } : {})}
                />
              );
            })}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {note || told.length || unlabelled.length ? (
        <figcaption className="chart-note">
          {told.map((r) => `${r.label} (above the scale). `).join('')}
          {unlabelled.length
            ? `Also drawn, too close to the line above it to label: ${unlabelled.map((r) => r.label).join('; ')}. `
            : ''}
          {note}
        </figcaption>
      ) : null}
    </figure>
  );
}
