/** The report as Markdown: reads like the notes, tables as pipe tables, a chart as its numbers. */
import type { BarChart, Block } from './document.js';

const cell = (text: string) => text.replaceAll('|', '\\|');

function chartTable(c: BarChart): string {
  const head = `| ${c.unit === 'usd-m' ? 'quarter (USD M)' : 'quarter'} | ${c.series.map((s) => s.name).join(' | ')} |`;
  const rule = `|---|${c.series.map(() => '---:').join('|')}|`;
  const rows = c.categories.map(
    (q, i) =>
      `| ${q} | ${c.series.map((s) => (c.unit === 'units' ? Math.round(s.values[i]!).toLocaleString('en-US') : s.values[i]!.toFixed(1))).join(' | ')} |`,
  );
  return [`*${c.title}*`, '', head, rule, ...rows].join('\n');
}

export function renderMarkdown(blocks: readonly Block[]): string {
  const out: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        out.push(`${'#'.repeat(b.level === 1 ? 1 : 3)} ${b.text}`);
        break;
      case 'paragraph':
        out.push(b.text);
        break;
      case 'list':
        out.push(b.items.map((item, i) => `${i + 1}. ${item}`).join('\n'));
        break;
      case 'table':
        if (b.rows.length === 0) break;
        out.push(
          [
            `| ${b.columns.map(cell).join(' | ')} |`,
            `|${b.numeric.map((n) => (n ? '---:' : '---')).join('|')}|`,
            ...b.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
          ].join('\n'),
        );
        break;
      case 'chart':
        out.push(chartTable(b.chart));
        break;
    }
  }
  return `${out.join('\n\n')}\n`;
}
