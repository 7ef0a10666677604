/** The neutral document the renderers draw: blocks of headings, text, tables and charts. */

export interface BarChart {
  title: string;
  categories: string[];
  series: { name: string; values: number[]; color: string }[];
  /** How a value is written on the axis and labels. */
  unit: 'units' | 'usd-m' | 'ph';
}

export type Block =
  | { kind: 'heading'; level: 1 | 2; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[] }
  | { kind: 'table'; columns: string[]; rows: string[][]; numeric: boolean[] }
  | { kind: 'chart'; chart: BarChart };

export const COLORS = { booked: '#2f6db5', delivered: '#e08a2e', scheduled: '#5a9e5a', other: '#8c8c8c' };

export const table = (columns: string[], rows: string[][], numeric?: boolean[]): Block => ({
  kind: 'table',
  columns,
  rows,
  numeric: numeric ?? columns.map((_, i) => i > 0),
});
