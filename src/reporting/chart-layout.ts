/**
 * Where the bars of a grouped bar chart go, in a box of any size: shared by the SVG renderer and
 * the PDF renderer so both draw the same chart. Pure.
 */
import type { BarChart } from './document.js';

export interface ChartLayout {
  plot: { x: number; y: number; width: number; height: number };
  /** Gridlines with their labels, from 0 up to the axis maximum. */
  ticks: { y: number; label: string }[];
  bars: {
    x: number;
    y: number;
    width: number;
    height: number;
    color: string;
    value: number;
    label: string;
  }[];
  categories: { x: number; label: string }[];
  legend: { name: string; color: string }[];
}

/** 1, 2 or 5 × a power of ten at or above `x / 4`, so the axis has four or five steps. */
export function niceStep(max: number): number {
  if (!(max > 0)) return 1;
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const factor = [1, 2, 5, 10].find((f) => f * power >= raw)!;
  return factor * power;
}

export function formatValue(value: number, unit: BarChart['unit']): string {
  if (unit === 'usd-m') return `$${value >= 100 ? value.toFixed(0) : value.toFixed(1)}M`;
  if (unit === 'ph') return `${value.toFixed(0)} PH`;
  if (value >= 1_000_000) return `${(value / 1_000_000).toFixed(1)}M`;
  if (value >= 10_000) return `${(value / 1000).toFixed(0)}k`;
  if (value >= 1000) return `${(value / 1000).toFixed(1)}k`;
  return value.toFixed(0);
}

export function layoutBars(chart: BarChart, width: number, height: number): ChartLayout {
  const plot = { x: 56, y: 28, width: width - 56 - 12, height: height - 28 - 36 };
  const max = Math.max(0, ...chart.series.flatMap((s) => s.values));
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const ticks = [];
  for (let v = 0; v <= top + step / 2; v += step) {
    ticks.push({ y: plot.y + plot.height - (v / top) * plot.height, label: formatValue(v, chart.unit) });
  }
  const groupWidth = plot.width / Math.max(1, chart.categories.length);
  const barWidth = (groupWidth * 0.7) / Math.max(1, chart.series.length);
  const bars = chart.categories.flatMap((_, i) =>
    chart.series.map((s, j) => {
      const value = s.values[i] ?? 0;
      const h = (Math.max(0, value) / top) * plot.height;
      return {
        x: plot.x + i * groupWidth + groupWidth * 0.15 + j * barWidth,
        y: plot.y + plot.height - h,
        width: barWidth,
        height: h,
        color: s.color,
        value,
        label: formatValue(value, chart.unit),
      };
    }),
  );
  return {
    plot,
    ticks,
    bars,
    categories: chart.categories.map((label, i) => ({ x: plot.x + (i + 0.5) * groupWidth, label })),
    legend: chart.series.map((s) => ({ name: s.name, color: s.color })),
  };
}
