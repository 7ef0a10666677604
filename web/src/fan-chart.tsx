/**
 * A fan chart: how a figure may go month by month across many paths — the P5–P95 band, the
 * P25–P75 band inside it and the median (P50) as a line. Values arrive as plain numbers (dollars,
 * TH/s, BTC), made from the API's exact figures only for drawing; the chart's one scale (the
 * dashboard's shared axis scales in format.ts: all $M or all $B) writes its ticks, its tooltip and
 * the unit along the value axis.
 */
import {
  Area,
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
import type { AxisScale } from './format.js';

export interface FanMonth {
  month: string;
  p5: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}

/** Legend and tooltip in the order drawn (recharts sorts by name otherwise: P25, P50, P5). */
const ORDER = ['outer', 'inner', 'p50'];
const drawnOrder = (item: { dataKey?: unknown }) => ORDER.indexOf(String(item.dataKey));

export function FanChart({
  title,
  months,
  scale,
  color = '#0b5cad',
  floor,
}: {
  /** Told to screen readers, since the drawing itself says nothing to them. */
  title: string;
  months: FanMonth[];
  /** The value axis's one scale: its ticks, and its unit written along it ("USD millions", "BTC", "PH/s"). */
  scale: AxisScale;
  color?: string;
  floor?: { y: number; label: string };
}) {
  const data = months.map((m) => ({
    month: m.month,
    outer: [m.p5, m.p95],
    inner: [m.p25, m.p75],
    p50: m.p50,
  }));
  const { tick, unit } = scale;
  const range = (v: unknown) =>
    Array.isArray(v) ? `${tick(Number(v[0]))} – ${tick(Number(v[1]))}` : tick(Number(v));
  return (
    <figure className="chart-figure" style={{ margin: 0 }}>
      <div className="chart" role="img" aria-label={title}>
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={data} margin={{ top: 8, right: 12, left: 4, bottom: 0 }}>
            <CartesianGrid stroke="#e6e9ed" vertical={false} />
            <XAxis dataKey="month" tick={{ fontSize: 12 }} minTickGap={16} />
            <YAxis
              tickFormatter={tick}
              tick={{ fontSize: 12 }}
              width={76}
              label={{
                value: unit,
                angle: -90,
                position: 'insideLeft',
                offset: 0,
                style: { textAnchor: 'middle', fontSize: 12 },
              }}
            />
            <Tooltip formatter={(value, name) => [range(value), name]} itemSorter={drawnOrder} />
            <Legend wrapperStyle={{ fontSize: 12 }} itemSorter={drawnOrder} />
            <Area
              dataKey="outer"
              name="P5–P95"
              legendType="square"
              stroke="none"
              fill={color}
              fillOpacity={0.15}
              isAnimationActive={false}
            />
            <Area
              dataKey="inner"
              name="P25–P75"
              legendType="square"
              stroke="none"
              fill={color}
              fillOpacity={0.3}
              isAnimationActive={false}
            />
            <Line
              dataKey="p50"
              name="P50"
              legendType="line"
              stroke={color}
              strokeWidth={2}
              dot={data.length < 24}
              isAnimationActive={false}
            />
            {floor ? (
              <ReferenceLine
                y={floor.y}
                stroke="#b3261e"
                strokeDasharray="6 4"
                ifOverflow="extendDomain"
                label={{ value: floor.label, position: 'insideBottomRight', fontSize: 12, fill: '#b3261e' }}
              />
            ) : null}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
