/**
 * The report as a document: headings, the notes-style highlights, tables and charts, in one
 * neutral form that the Markdown, HTML and PDF renderers each draw. Pure.
 */

import { reportedShareOfProduction } from '../mining/model.js';
import { type Block, COLORS, table } from './blocks.js';
import { booksBlocks } from './document-books.js';
import { btc, count, pct, ph, th, times, usd, usdPerTh, usdShort } from './format.js';
import { GUIDANCE_METRICS } from './guidance-model.js';
import type { GuidanceLine, QuarterlyReport, TreasuryCashLines } from './model.js';

export type { BarChart, Block } from './blocks.js';

/** Self-mining's share of the quarter's production in words (the counts: supply's, see service.ts). */
const shareText = (r: QuarterlyReport): string => reportedShareOfProduction(r.supply).text;

/** The notes' lines for the quarter, each computed from the sections. */
export function highlights(r: QuarterlyReport): string[] {
  const m = r.machines;
  const ob = r.orderBook;
  const lines: string[] = [];
  lines.push(
    `Contracts worth ${usdShort(ob.backlog.valueCents)} open at ${ob.day}, prepaid ${usdShort(ob.contractLiabilities.valueCents)}` +
      ` (${count(ob.backlog.machines.units)} machines, ${th(ob.backlog.machines.th)} still to deliver).`,
  );
  for (const family of m.deliveries.firstDeliveries) {
    const here = m.deliveries.byFamily.find((f) => f.family === family)!;
    const next = m.nextQuarter?.deliveries.byFamily.find((f) => f.family === family);
    const after = next
      ? next.th >= 3 * here.th
        ? `, and massive delivery in ${m.nextQuarter!.quarter}: ${count(next.units)} ${family} machines, ${th(next.th)}`
        : `; ${m.nextQuarter!.quarter}: ${count(next.units)} ${family} machines, ${th(next.th)}`
      : '';
    lines.push(
      `Successful start of ${family} delivery in ${r.quarter}: ${count(here.units)} machines, ${th(here.th)}${after}.`,
    );
  }
  const ai = r.aiChips.yearToDate;
  const aiPeriod = r.quarter.endsWith('Q4') ? `${ai.year}` : `${ai.year} to ${r.quarter}`;
  lines.push(
    `AI-chip sales ${aiPeriod}: ${usdShort(ai.thisYearCents)}, ${times(ai.multiple)} ${ai.year - 1}'s ${usdShort(ai.lastYearSamePeriodCents)}.`,
  );
  const top = m.topCustomers[0];
  const q = `Q${r.quarter.slice(5)}`;
  lines.push(
    `${m.bookingsYearToDate.year}${r.quarter.endsWith('Q4') ? '' : ` to ${r.quarter}`}: ${count(m.bookingsYearToDate.units)} mining machines sold, ` +
      `${q} ${count(m.bookings.units)}${top ? ` (${top.customer} ${count(top.units)})` : ''}.`,
  );
  if (m.nextQuarter) {
    const n = m.nextQuarter;
    lines.push(
      `${n.quarter}${n.complete ? '' : ' so far'}: sold ${count(n.bookings.units)} = ${usdShort(n.bookings.valueCents)}.`,
    );
  }
  lines.push(
    `Revenue from machines in ${r.quarter}: ${usdShort(m.deliveries.valueCents)} for ${th(m.deliveries.th)} delivered (${usdPerTh(m.deliveries.avgCentsPerTh)}); ` +
      `futures booked in the quarter are locked at ${pct(m.futuresDiscount.ratio)} of the spot price on their signing day; ` +
      `spot at ${m.spotAtEnd.day}: ${usdPerTh(m.spotAtEnd.centsPerTh)}.`,
  );
  const pre = r.aiChips.chips.filter((c) => c.stage === 'pre-order');
  if (pre.length > 0) {
    lines.push(
      `${pre.map((c) => `${c.id} (${c.tier})`).join(', ')} in ${pre.length > 1 ? 'their' : 'its'} pre-order stage: ` +
        `${count(r.aiChips.preOrders.openUnits)} units on open pre-orders worth ${usdShort(r.aiChips.preOrders.openCents)}.`,
    );
  }
  if (r.selfMining.available) {
    const s = r.selfMining;
    const target = s.target
      ? `; target ${(s.target.lowPh / 1000).toFixed(0)}-${(s.target.highPh / 1000).toFixed(0)} EH by ${s.target.byDay} (${s.target.standing})`
      : '';
    lines.push(
      `Self-mining: ${ph(s.installedPh)} installed at ${s.day}${s.measuredPh !== null ? `, ${ph(s.measuredPh)} measured` : ''}, ` +
        `share of production ${shareText(r)}${target}.`,
    );
  }
  if (r.supply.available) {
    const ramps = r.supply.yields.filter((y) => y.ramping);
    lines.push(
      `Chips from ${new Set(r.supply.yields.map((y) => y.foundry)).size} foundries` +
        (ramps.length > 0
          ? `; yield ramping with ${[...new Set(ramps.map((y) => y.foundry))].join(', ')} (${ramps
              .map(
                (y) =>
                  `${y.design} ${y.yieldPct.toFixed(0)}% → ${y.maturePct.toFixed(0)}% by ${y.matureMonth}`,
              )
              .join(', ')})`
          : '; every partnership at its mature yield') +
        '.',
    );
  }
  if (r.treasury.available) {
    const t = r.treasury;
    lines.push(
      `Mined BTC held: ${btc(t.btcHeldSats)}${t.valueCents !== null ? ` worth ${usdShort(t.valueCents)}` : ''}; ` +
        `${t.flaggedSales === 0 ? 'none sold' : `${t.flaggedSales} sale(s) against the hold policy`}.`,
    );
  }
  return lines;
}

function guidanceRows(lines: GuidanceLine[]): string[][] {
  const num = (x: number) => (Math.abs(x) >= 100 ? count(x) : x.toFixed(2).replace(/\.00$/, ''));
  const range = (g: GuidanceLine) =>
    g.low !== null && g.high !== null
      ? `${num(g.low)} – ${num(g.high)}`
      : g.low !== null
        ? `≥ ${num(g.low)}`
        : `≤ ${num(g.high!)}`;
  const value = (g: GuidanceLine) => (g.actual === null ? 'n/a' : num(g.actual));
  return lines.map((g) => [
    g.statement,
    `${GUIDANCE_METRICS[g.metric]}${g.family ? `, ${g.family}` : ''}, ${g.period}`,
    range(g),
    value(g),
    g.status,
  ]);
}

export function reportDocument(r: QuarterlyReport): Block[] {
  const m = r.machines;
  const ob = r.orderBook;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `HashForge quarterly report — ${r.quarter}` },
    {
      kind: 'paragraph',
      text: `${r.from} to ${r.to}, computed from the books as they stand on ${r.asOf}. The JSON form (${r.source}) names beside each figure the records behind it.`,
    },
    ...closedBlocks(r),
    { kind: 'heading', level: 2, text: r.quarter },
    { kind: 'list', items: highlights(r) },
    { kind: 'heading', level: 2, text: 'Mining machines' },
    table(
      ['', 'units', 'TH/s', 'value', 'USD/TH'],
      [
        [
          'Booked',
          count(m.bookings.units),
          th(m.bookings.th),
          usdShort(m.bookings.valueCents),
          usdPerTh(m.bookings.avgCentsPerTh),
        ],
        [
          '  of which futures',
          count(m.bookings.futures.units),
          th(m.bookings.futures.th),
          usdShort(m.bookings.futures.valueCents),
          '',
        ],
        [
          '  of which spot',
          count(m.bookings.spot.units),
          th(m.bookings.spot.th),
          usdShort(m.bookings.spot.valueCents),
          '',
        ],
        [
          '  of which pre-orders',
          count(m.bookings.preOrder.units),
          th(m.bookings.preOrder.th),
          usdShort(m.bookings.preOrder.valueCents),
          '',
        ],
        [
          `Booked ${m.bookingsYearToDate.year} to date`,
          count(m.bookingsYearToDate.units),
          th(m.bookingsYearToDate.th),
          usdShort(m.bookingsYearToDate.valueCents),
          '',
        ],
        [
          'Delivered (revenue)',
          count(m.deliveries.units),
          th(m.deliveries.th),
          usdShort(m.deliveries.valueCents),
          usdPerTh(m.deliveries.avgCentsPerTh),
        ],
        ...(m.nextQuarter
          ? [
              [
                `Booked ${m.nextQuarter.quarter}${m.nextQuarter.complete ? '' : ' so far'}`,
                count(m.nextQuarter.bookings.units),
                th(m.nextQuarter.bookings.th),
                usdShort(m.nextQuarter.bookings.valueCents),
                '',
              ],
              [
                `Delivered ${m.nextQuarter.quarter}${m.nextQuarter.complete ? '' : ' so far'}`,
                count(m.nextQuarter.deliveries.units),
                th(m.nextQuarter.deliveries.th),
                usdShort(m.nextQuarter.deliveries.valueCents),
                '',
              ],
            ]
          : []),
      ],
    ),
    {
      kind: 'paragraph',
      text:
        `Futures booked in ${r.quarter} are locked at ${pct(m.futuresDiscount.ratio, 1)} of the spot USD/TH of their signing day ` +
        `(${usdShort(m.futuresDiscount.lockedCents)} against ${usdShort(m.futuresDiscount.spotCents)} at spot). ` +
        `Largest customers: ${m.topCustomers.map((c) => `${c.customer} ${count(c.units)}`).join(', ') || 'none'}.`,
    },
    table(
      ['family', 'booked units', 'booked TH/s', 'delivered units', 'delivered TH/s'],
      [...new Set([...m.bookings.byFamily, ...m.deliveries.byFamily].map((f) => f.family))]
        .sort()
        .map((family) => {
          const b = m.bookings.byFamily.find((f) => f.family === family);
          const d = m.deliveries.byFamily.find((f) => f.family === family);
          return [family, count(b?.units ?? 0), th(b?.th ?? 0), count(d?.units ?? 0), th(d?.th ?? 0)];
        }),
    ),
  ];
  if (r.series.length > 0) {
    blocks.push({
      kind: 'chart',
      chart: {
        title: 'Machines booked and delivered by quarter',
        categories: r.series.map((p) => p.quarter),
        series: [
          { name: 'booked', values: r.series.map((p) => p.bookedUnits), color: COLORS.booked },
          { name: 'delivered', values: r.series.map((p) => p.deliveredUnits), color: COLORS.delivered },
        ],
        unit: 'units',
      },
    });
  }
  blocks.push(
    { kind: 'heading', level: 2, text: `Order book at ${ob.day}` },
    table(
      ['', 'units', 'TH/s', 'value'],
      [
        [
          'Open contracts (backlog)',
          count(ob.backlog.units),
          th(ob.backlog.th),
          usdShort(ob.backlog.valueCents),
        ],
        [
          '  machines',
          count(ob.backlog.machines.units),
          th(ob.backlog.machines.th),
          usdShort(ob.backlog.machines.valueCents),
        ],
        ['  AI chips', count(ob.backlog.aiChips.units), '', usdShort(ob.backlog.aiChips.valueCents)],
        ['Prepaid (contract liabilities)', '', '', usdShort(ob.contractLiabilities.valueCents)],
        ['Receivables', '', '', usdShort(ob.receivables.valueCents)],
      ],
    ),
    {
      kind: 'paragraph',
      text:
        `${pct(ob.prepaidShare)} of the open contracts is prepaid.` +
        (ob.opportunityCost
          ? ` Opportunity cost of the open futures at the spot price of ${ob.day} (${usdPerTh(ob.opportunityCost.spotCentsPerTh)}): ` +
            `${usdShort(ob.opportunityCost.atSpotCents)} at spot against ${usdShort(ob.opportunityCost.lockedCents)} locked, ${usdShort(ob.opportunityCost.opportunityCostCents)}.`
          : ''),
    },
    table(
      ['deliveries scheduled in', 'units', 'TH/s', 'value'],
      ob.scheduled.map((s) => [
        s.late ? `${s.quarter} (late)` : s.quarter,
        count(s.units),
        th(s.th),
        usdShort(s.valueCents),
      ]),
    ),
  );
  if (ob.scheduled.length > 0) {
    blocks.push({
      kind: 'chart',
      chart: {
        title: `Deliveries still scheduled at ${ob.day}, by quarter (USD M)`,
        categories: ob.scheduled.map((s) => s.quarter),
        series: [
          {
            name: 'scheduled',
            values: ob.scheduled.map((s) => Number(s.valueCents) / 1e8),
            color: COLORS.scheduled,
          },
        ],
        unit: 'usd-m',
      },
    });
  }
  blocks.push(...booksBlocks(r));
  const ai = r.aiChips;
  blocks.push(
    { kind: 'heading', level: 2, text: 'AI chips' },
    {
      kind: 'paragraph',
      text:
        `Revenue ${r.quarter}: ${usdShort(ai.quarter.revenueCents)} (${count(ai.quarter.units)} chips). ` +
        `${ai.yearToDate.year} through ${ai.yearToDate.throughQuarter}: ${usdShort(ai.yearToDate.thisYearCents)} against ` +
        `${usdShort(ai.yearToDate.lastYearSamePeriodCents)} a year earlier, ${times(ai.yearToDate.multiple)}. ` +
        `Pre-orders booked this quarter: ${count(ai.preOrders.bookedUnits)} units (${usdShort(ai.preOrders.bookedCents)}); open at the quarter's end: ${count(ai.preOrders.openUnits)} units (${usdShort(ai.preOrders.openCents)}).`,
    },
    table(
      ['chip', 'tier', 'stage', 'TOPS', 'upgrades'],
      ai.chips.map((c) => [`${c.id} ${c.name}`, c.tier, c.stage, String(c.tops), c.predecessor ?? '']),
      [false, false, false, true, false],
    ),
    { kind: 'heading', level: 2, text: 'Supply' },
  );
  if (!r.supply.available) blocks.push({ kind: 'paragraph', text: `Not available: ${r.supply.reason}` });
  else {
    const s = r.supply;
    blocks.push(
      {
        kind: 'paragraph',
        text:
          `Wafers out: ${count(s.wafers.out)} (${s.wafers.byFoundry.map((f) => `${f.foundry} ${count(f.wafers)}`).join(', ') || 'none'}); ` +
          `${count(s.wafers.received.chips)} chips received. Machines built: ${count(s.output.units)} (${th(s.output.th)}): ` +
          `${count(s.allocation.deliveredUnits)} delivered, to self-mining ${shareText(r)}, ` +
          `stock ${s.allocation.stockChangeUnits >= 0 ? '+' : ''}${count(s.allocation.stockChangeUnits)}.`,
      },
      table(
        ['foundry', 'design', 'since', 'yield', 'mature', 'by'],
        s.yields.map((y) => [
          y.foundry,
          y.design,
          y.startMonth,
          `${y.yieldPct.toFixed(1)}%`,
          `${y.maturePct.toFixed(1)}%`,
          y.matureMonth,
        ]),
        [false, false, false, true, true, false],
      ),
    );
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Self-mining' });
  if (!r.selfMining.available)
    blocks.push({ kind: 'paragraph', text: `Not available: ${r.selfMining.reason}` });
  else {
    const s = r.selfMining;
    blocks.push(
      {
        kind: 'paragraph',
        text:
          `Installed at ${s.day}: ${ph(s.installedPh)}; measured: ${s.measuredPh === null ? 'no telemetry for that day' : ph(s.measuredPh)}; in transit: ${ph(s.inTransitPh)}. ` +
          `BTC mined in ${r.quarter}: ${btc(s.btcMinedSats)} (expected ${btc(s.expectedSats)}, luck ${s.luck === null ? 'n/a' : s.luck.toFixed(2)}); ` +
          `energy ${usdShort(s.energyCents)}, ${s.costPerBtcCents === null ? 'no BTC mined' : `${usd(s.costPerBtcCents)} per BTC`}. ` +
          `Share of production: ${shareText(r)}.` +
          (s.target
            ? ` Target: ${(s.target.lowPh / 1000).toFixed(1)}-${(s.target.highPh / 1000).toFixed(1)} EH/s by ${s.target.byDay}, ${s.target.sharePct}% of production; now ${s.target.standing}.`
            : ''),
      },
      table(
        ['site', 'status', 'installed', 'measured'],
        s.sites.map((x) => [x.site, x.status, ph(x.installedPh), ph(x.measuredPh)]),
        [false, false, true, true],
      ),
    );
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Treasury' });
  if (!r.treasury.available) blocks.push({ kind: 'paragraph', text: `Not available: ${r.treasury.reason}` });
  else {
    const t = r.treasury;
    blocks.push({
      kind: 'paragraph',
      text:
        `BTC held at ${t.day}: ${btc(t.btcHeldSats)}${t.valueCents !== null ? `, worth ${usdShort(t.valueCents)} at ${usd(t.btcUsd!)}` : ''}` +
        `${t.unrealisedGainCents !== null ? ` (unrealised gain ${usdShort(t.unrealisedGainCents)} over the cost of mining it)` : ''}. ` +
        `Mined this quarter: ${btc(t.minedInQuarterSats)}. Hold policy: ${t.flaggedSales === 0 ? 'no BTC sold' : `${t.flaggedSales} flagged sale(s)`}.`,
    });
    blocks.push({ kind: 'paragraph', text: treasuryCashText(t.cash) });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Service network' }, ...serviceBlocks(r.serviceNetwork));
  blocks.push({ kind: 'heading', level: 2, text: 'Guidance against actuals' });
  const g = r.guidance;
  const columns = ['guidance', 'measure', 'range', 'actual', 'status'];
  const numeric = [false, false, true, true, false];
  if (g.aboutThisQuarter.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: `Given earlier about ${r.quarter} or its year:` },
      table(columns, guidanceRows(g.aboutThisQuarter), numeric),
    );
  }
  if (g.givenWithThisQuarter.length > 0) {
    blocks.push(
      { kind: 'paragraph', text: `Given with these results (${r.quarter}), and the books since:` },
      table(columns, guidanceRows(g.givenWithThisQuarter), numeric),
    );
  }
  if (g.aboutThisQuarter.length + g.givenWithThisQuarter.length === 0) {
    blocks.push({ kind: 'paragraph', text: 'No guidance is recorded for this quarter.' });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Outlook' }, ...outlookBlocks(r.outlook));
  return blocks;
}

/** The next quarter's revenue and cash bands from a fixed planning run, and the guidance's chances. */
function outlookBlocks(o: QuarterlyReport['outlook']): Block[] {
  if (!o.available) return [{ kind: 'paragraph', text: `Not available: ${o.reason}` }];
  const blocks: Block[] = [
    {
      kind: 'paragraph',
      text:
        `${o.quarter} as a planning run sees it from the books and the market at ${o.asOf} ` +
        `(${o.paths.toLocaleString('en-US')} paths of the calibrated BTC price, seed ${o.seed}): ` +
        `revenue ${usdShort(o.revenueCents.p50)} at the median, ${usdShort(o.revenueCents.p5)} to ${usdShort(o.revenueCents.p95)} (P5-P95); ` +
        `USD cash at its end ${usdShort(o.endCashCents.p50)}, ${usdShort(o.endCashCents.p5)} to ${usdShort(o.endCashCents.p95)}.`,
    },
  ];
  if (o.guidance.length === 0) {
    blocks.push({ kind: 'paragraph', text: `No guidance is recorded about ${o.quarter}.` });
    return blocks;
  }
  const range = (g: (typeof o.guidance)[number]) =>
    `${g.low === null ? '…' : g.low.toLocaleString('en-US')} – ${g.high === null ? '…' : g.high.toLocaleString('en-US')}`;
  blocks.push(
    table(
      ['guidance', 'measure', 'range', 'chance of meeting it'],
      o.guidance.map((g) => [
        g.statement,
        g.metric,
        range(g),
        g.chance === null ? 'not modelled' : `${Math.round(g.chance * 100)}%`,
      ]),
      [false, false, true, true],
    ),
  );
  return blocks;
}

/** A closed quarter's report says it is the one frozen at the close, and whether it still holds. */
function closedBlocks(r: QuarterlyReport): Block[] {
  const c = r.closed;
  if (!c) return [];
  const when = `${c.closedAt.toISOString().slice(0, 10)}, by ${c.closedBy}`;
  const said = c.reopened
    ? `${r.quarter} was closed (${when}) and has been reopened since: these figures are computed from the books today, not those closed (hash ${c.hash.slice(0, 12)}).`
    : `Frozen when ${r.quarter} was closed (${when}): these are the figures reported then (hash ${c.hash.slice(0, 12)}).`;
  const since = c.changedSinceClose
    ? ` The books behind it have changed since: recomputed today, ${c.changedSections.join(', ')} differ (hash ${c.currentHash.slice(0, 12)}).`
    : ' Nothing behind it has changed since.';
  return [{ kind: 'paragraph', text: said + since }];
}

/** Centres, the quarter's tickets and RMAs, turnaround per centre and the worst failure rates. */
function serviceBlocks(section: QuarterlyReport['serviceNetwork']): Block[] {
  if (!section.available) return [{ kind: 'paragraph', text: `Not available: ${section.reason}` }];
  const t = section.tickets;
  const days = (d: number | null) => (d === null ? 'n/a' : d.toFixed(1));
  return [
    {
      kind: 'paragraph',
      text:
        `${section.centres.length} repair centre(s): ${section.centres.map((c) => `${c.id} (${c.country}, ${c.technicians} technicians)`).join(', ')}. ` +
        `Tickets opened this quarter: ${t.opened} (${t.fromCustomers} from customers, ${t.fromFleet} from the fleet's own faults); RMAs shipped back: ${t.rmasShipped}; ` +
        `warranty repairs cost ${usdShort(section.warrantyCostCents)}.`,
    },
    table(
      ['centre', 'median days', 'p90 days', 'SLA met'],
      section.turnaround.map((c) => [
        c.centreId,
        days(c.medianDays),
        days(c.p90Days),
        c.slaMetPct === null ? 'n/a' : `${c.slaMetPct.toFixed(0)}%`,
      ]),
      [false, true, true, true],
    ),
    ...(section.failureRates.length === 0
      ? []
      : [
          table(
            ['model', 'batch', 'foundry lot', 'fault', 'failure rate'],
            section.failureRates.map((f) => [
              f.productId,
              f.batch,
              f.foundryLot ?? '',
              f.ticketClass,
              `${f.ratePct.toFixed(2)}%`,
            ]),
            [false, false, false, false, true],
          ),
        ]),
  ];
}

/** The treasury's USD cash over the quarter and the cost per BTC mined, energy alone and with depreciation. */
function treasuryCashText(c: TreasuryCashLines): string {
  const perBtc = (cents: bigint | null) => (cents === null ? 'n/a (no BTC mined)' : `${usd(cents)} per BTC`);
  const moved = c.lines.filter((l) => l.cents !== 0n).map((l) => `${l.flow} ${usdShort(l.cents)}`);
  return (
    `USD held: ${usdShort(c.usdCents)} (${usdShort(c.openingCents)} at the start of the quarter` +
    `${moved.length > 0 ? `; ${moved.join(', ')}` : ''}). ` +
    `Cost of mining: energy ${usdShort(c.energyCents)}, ${perBtc(c.energyPerBtcCents)}; with the machines' depreciation ` +
    `(${usdShort(c.depreciationCents)}, straight-line over ${c.lifeMonths} months) ${perBtc(c.withDepreciationPerBtcCents)}.`
  );
}
