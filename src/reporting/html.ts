/** The report as one self-contained HTML page, charts drawn as inline SVG (no scripts, no fetches). */
import { type ChartLayout, layoutBars } from './chart-layout.js';
import type { BarChart, Block } from './document.js';

const esc = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

export function barChartSvg(chart: BarChart, width = 640, height = 260): string {
  const l: ChartLayout = layoutBars(chart, width, height);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(chart.title)}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<title>${esc(chart.title)}</title>`,
    `<text x="${l.plot.x}" y="16" font-size="13" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  for (const t of l.ticks) {
    parts.push(
      `<line x1="${l.plot.x}" x2="${l.plot.x + l.plot.width}" y1="${t.y.toFixed(1)}" y2="${t.y.toFixed(1)}" stroke="#ddd"/>`,
      `<text x="${l.plot.x - 6}" y="${(t.y + 4).toFixed(1)}" text-anchor="end" fill="#555">${esc(t.label)}</text>`,
    );
  }
  for (const b of l.bars) {
    parts.push(
      `<rect x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${b.width.toFixed(1)}" height="${b.height.toFixed(1)}" fill="${b.color}"><title>${esc(b.label)}</title></rect>`,
    );
  }
  for (const c of l.categories) {
    parts.push(
      `<text x="${c.x.toFixed(1)}" y="${l.plot.y + l.plot.height + 16}" text-anchor="middle">${esc(c.label)}</text>`,
    );
  }
  let x = l.plot.x;
  for (const s of l.legend) {
    parts.push(
      `<rect x="${x}" y="${height - 12}" width="10" height="10" fill="${s.color}"/>`,
      `<text x="${x + 14}" y="${height - 3}">${esc(s.name)}</text>`,
    );
    x += 24 + s.name.length * 7;
  }
  parts.push('</svg>');
  return parts.join('');
}

const STYLE = `body{font-family:Helvetica,Arial,sans-serif;max-width:920px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.2em;margin-top:1.6em;border-bottom:1px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.92em}th,td{padding:3px 10px;border-bottom:1px solid #e5e5e5;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}ol li{margin:.25em 0}figure{margin:1em 0}`;

export function renderHtml(blocks: readonly Block[], title: string): string {
  const body: string[] = [];
  for (const b of blocks) {
    switch (b.kind) {
      case 'heading':
        body.push(`<h${b.level}>${esc(b.text)}</h${b.level}>`);
        break;
      case 'paragraph':
        body.push(`<p>${esc(b.text)}</p>`);
        break;
      case 'list':
        body.push(`<ol>${b.items.map((i) => `<li>${esc(i)}</li>`).join('')}</ol>`);
        break;
      case 'table': {
        if (b.rows.length === 0) break;
        const cls = (i: number) => (b.numeric[i] ? ' class="n"' : '');
        body.push(
          `<table><thead><tr>${b.columns.map((c, i) => `<th${cls(i)}>${esc(c)}</th>`).join('')}</tr></thead><tbody>${b.rows
            .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${esc(c)}</td>`).join('')}</tr>`)
            .join('')}</tbody></table>`,
        );
        break;
      }
      case 'chart':
        body.push(`<figure>${barChartSvg(b.chart)}</figure>`);
        break;
    }
  }
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head><body>\n${body.join('\n')}\n</body></html>\n`;
}
