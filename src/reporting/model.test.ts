import { describe, expect, it } from 'vitest';
import { layoutBars, niceStep } from './chart-layout.js';
import { btc, th, usdShort } from './format.js';
import { checkGuidance, guidanceStatus, periodEnd } from './guidance-model.js';
import { renderHtml } from './html.js';
import { renderMarkdown } from './markdown.js';
import { firstDeliveries, percentOfWhole, topCustomers } from './model.js';

describe("figures in the notes' shorthand", () => {
  it('writes money as the notes do, rounding half-even from the cents', () => {
    expect(usdShort(17_400_000_000n)).toBe('$0.174b');
    expect(usdShort(23_800_000_000n)).toBe('$0.238b');
    expect(usdShort(6_600_000_000n)).toBe('$66M');
    expect(usdShort(586_000_000n)).toBe('$5.86M');
    expect(usdShort(1_400_000n)).toBe('$14.0k');
    expect(usdShort(-6_600_000_000n)).toBe('-$66M');
    expect(usdShort(12_345n)).toBe('$123.45');
    // $0.1745b is a tie at three decimals: half-even keeps the even 4.
    expect(usdShort(17_450_000_000n)).toBe('$0.174b');
  });

  it('writes hashrate in M TH/s for machines sold, else TH/PH/EH', () => {
    expect(th(199_980)).toBe('0.20M TH/s');
    expect(th(4_356_000)).toBe('4.36M TH/s');
    expect(th(90)).toBe('90.00 TH/s');
  });

  it('writes BTC to two decimals from satoshis', () => {
    expect(btc(107_000_000n)).toBe('1.07 BTC');
    expect(btc(266_070_761_933n)).toBe('2,660.71 BTC');
  });
});

describe('report rules', () => {
  it('finds families delivered for the first time, and the largest customers', () => {
    expect(
      firstDeliveries(
        [
          { family: 'A12', units: 5 },
          { family: 'A11', units: 3 },
        ],
        [[{ family: 'A11', units: 1 }], [{ family: 'A12', units: 0 }]],
      ),
    ).toEqual(['A12']);
    const top = topCustomers(
      [
        { customerId: 2, customer: 'B', units: 10, valueCents: 1n },
        { customerId: 1, customer: 'A', units: 6, valueCents: 1n },
        { customerId: 1, customer: 'A', units: 6, valueCents: 1n },
      ],
      1,
    );
    expect(top).toEqual([{ customerId: 1, customer: 'A', units: 12, valueCents: 2n, contracts: 2 }]);
    expect(percentOfWhole(1, 0)).toBeNull();
  });

  it('sets guidance against the actual once its period is over', () => {
    const g = { low: 2000, high: 4000, period: '2021' };
    expect(periodEnd('2021')).toBe('2021-12-31');
    expect(periodEnd('2021Q1')).toBe('2021-03-31');
    expect(guidanceStatus(g, 2965, '2021-06-30')).toBe('in-progress');
    expect(guidanceStatus(g, 2965, '2022-01-01')).toBe('met');
    expect(guidanceStatus(g, 1500, '2022-01-01')).toBe('missed');
    expect(guidanceStatus(g, null, '2022-01-01')).toBe('not-available');
    const base = { givenWith: '2020Q4', metric: 'self-mining-ph' as const, family: null, statement: 's' };
    expect(() => checkGuidance({ ...base, period: '2021Q5', low: 1, high: null })).toThrow(/period/);
    expect(() => checkGuidance({ ...base, period: '2021', low: 5, high: 1 })).toThrow(/high/);
    expect(() => checkGuidance({ ...base, period: '2021', low: null, high: null })).toThrow(/low/);
    expect(() => checkGuidance({ ...base, family: 'A12', period: '2021', low: 1, high: null })).toThrow(
      /family/,
    );
  });
});

describe('charts and renderers', () => {
  const chart = {
    title: 'Machines <booked>',
    categories: ['2020Q3', '2020Q4'],
    series: [
      { name: 'booked', values: [32_000, 92_000], color: '#00f' },
      { name: 'delivered', values: [23_158, 2_222], color: '#f80' },
    ],
    unit: 'units' as const,
  };

  it('scales the axis to a round step above the largest bar', () => {
    expect(niceStep(92_000)).toBe(50_000);
    expect(niceStep(53)).toBe(20);
    const l = layoutBars(chart, 640, 260);
    expect(l.bars).toHaveLength(4);
    expect(l.ticks.at(-1)!.label).toBe('100k');
    const tallest = l.bars.find((b) => b.value === 92_000)!;
    expect(tallest.y).toBeGreaterThanOrEqual(l.plot.y);
    expect(tallest.y + tallest.height).toBeCloseTo(l.plot.y + l.plot.height, 6);
  });

  it('renders blocks as Markdown and as escaped HTML with inline SVG', () => {
    const blocks = [
      { kind: 'heading' as const, level: 1 as const, text: 'Q <4>' },
      { kind: 'list' as const, items: ['Contracts worth $0.174b'] },
      { kind: 'table' as const, columns: ['a', 'b'], rows: [['x|y', '1']], numeric: [false, true] },
      { kind: 'chart' as const, chart },
    ];
    const md = renderMarkdown(blocks);
    expect(md).toContain('# Q <4>');
    expect(md).toContain('1. Contracts worth $0.174b');
    expect(md).toContain('| x\\|y | 1 |');
    expect(md).toContain('| 2020Q4 | 92,000 | 2,222 |');
    const html = renderHtml(blocks, 't');
    expect(html).toContain('<h1>Q &lt;4&gt;</h1>');
    expect(html).toContain('<svg');
    expect(html).toContain('Machines &lt;booked&gt;');
    expect(html).not.toContain('<script');
  });
});
