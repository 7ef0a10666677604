/**
 * The report as a PDF (pdfkit, pure JavaScript): the same blocks as the HTML page, charts drawn
 * with pdfkit's vector operations from the same layout as the SVG ones.
 */
import PDFDocument from 'pdfkit';
import { layoutBars } from './chart-layout.js';
import type { BarChart, Block } from './document.js';

const MARGIN = 48;
const BODY = 9.5;

/** The standard PDF fonts speak WinAnsi; the few symbols outside it are spelled out. */
const winAnsi = (text: string) =>
  text.replaceAll('≥', '>=').replaceAll('≤', '<=').replaceAll('→', '->').replaceAll('\u2009', ' ');

function ensureRoom(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > doc.page.height - MARGIN) doc.addPage();
}

function drawTable(doc: PDFKit.PDFDocument, b: Extract<Block, { kind: 'table' }>): void {
  if (b.rows.length === 0) return;
  const width = doc.page.width - 2 * MARGIN;
  // The first column holds the labels: it gets a larger share.
  const first = b.columns.length > 4 ? 0.3 : 0.36;
  const widths = b.columns.map((_, i) =>
    i === 0 ? width * first : (width * (1 - first)) / (b.columns.length - 1),
  );
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY - 0.5);
    const heights = cells.map((c, i) => doc.heightOfString(winAnsi(c), { width: widths[i]! - 6 }));
    const h = Math.max(...heights) + 4;
    ensureRoom(doc, h);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(winAnsi(c), x + 3, y + 2, { width: widths[i]! - 6, align: b.numeric[i] ? 'right' : 'left' });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, y + h)
      .lineTo(MARGIN + width, y + h)
      .lineWidth(0.4)
      .strokeColor('#cccccc')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + h;
  };
  row(b.columns, true);
  for (const r of b.rows) row(r, false);
  doc.moveDown(0.6);
}

function drawChart(doc: PDFKit.PDFDocument, chart: BarChart): void {
  const width = doc.page.width - 2 * MARGIN;
  const height = 200;
  ensureRoom(doc, height + 10);
  const top = doc.y;
  const l = layoutBars(chart, width, height);
  doc
    .font('Helvetica-Bold')
    .fontSize(10)
    .fillColor('#222222')
    .text(winAnsi(chart.title), MARGIN + l.plot.x, top + 4);
  doc.font('Helvetica').fontSize(7.5);
  for (const t of l.ticks) {
    doc
      .moveTo(MARGIN + l.plot.x, top + t.y)
      .lineTo(MARGIN + l.plot.x + l.plot.width, top + t.y)
      .lineWidth(0.3)
      .strokeColor('#dddddd')
      .stroke();
    doc.fillColor('#555555').text(t.label, MARGIN, top + t.y - 3.5, { width: l.plot.x - 6, align: 'right' });
  }
  for (const b of l.bars) {
    if (b.height > 0) doc.rect(MARGIN + b.x, top + b.y, b.width, b.height).fill(b.color);
  }
  doc.fillColor('#222222');
  for (const c of l.categories) {
    doc.text(c.label, MARGIN + c.x - 30, top + l.plot.y + l.plot.height + 5, { width: 60, align: 'center' });
  }
  let x = MARGIN + l.plot.x;
  for (const s of l.legend) {
    doc.rect(x, top + height - 11, 8, 8).fill(s.color);
    doc.fillColor('#222222').text(s.name, x + 11, top + height - 10.5);
    x += 20 + s.name.length * 5;
  }
  doc.x = MARGIN;
  doc.y = top + height + 8;
}

/** Renders the blocks to PDF bytes. `created` pins the document's date so the same books give the same file. */
export function renderPdf(blocks: readonly Block[], title: string, created: Date): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: MARGIN,
    info: { Title: title, Author: 'HashForge', CreationDate: created },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  for (const b of blocks) {
    doc.fillColor('#222222');
    switch (b.kind) {
      case 'heading':
        ensureRoom(doc, 40);
        if (b.level === 2) doc.moveDown(0.5);
        doc
          .font('Helvetica-Bold')
          .fontSize(b.level === 1 ? 17 : 12.5)
          .text(winAnsi(b.text), MARGIN);
        doc.moveDown(0.3);
        break;
      case 'paragraph':
        doc.font('Helvetica').fontSize(BODY).text(winAnsi(b.text), MARGIN, undefined, { align: 'left' });
        doc.moveDown(0.5);
        break;
      case 'list':
        doc.font('Helvetica').fontSize(BODY);
        b.items.forEach((item, i) => {
          ensureRoom(doc, 24);
          doc.text(`${i + 1}.`, MARGIN, doc.y, { continued: false, width: 16 });
          doc.moveUp();
          doc.text(winAnsi(item), MARGIN + 16, undefined, { width: doc.page.width - 2 * MARGIN - 16 });
          doc.moveDown(0.25);
        });
        doc.moveDown(0.4);
        break;
      case 'table':
        drawTable(doc, b);
        break;
      case 'chart':
        drawChart(doc, b.chart);
        break;
    }
  }
  doc.end();
  return done;
}
