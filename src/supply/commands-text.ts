/** How the CLI prints the plan and the recommendation. */
import { table } from '../cli/table.js';
import { formatUsd } from '../kernel/money.js';
import { formatCount as fmt } from './format.js';
import type { Plan } from './plan.js';
import type { Recommendation } from './recommend.js';

/** The plan as a person reads it: one row per model and month, then the late tranches and why. */
export function planText(plan: Plan): string {
  const rows = plan.months.flatMap((m) =>
    m.models.map((r) => ({
      month: m.month,
      model: r.productId,
      'wafers out': r.design.wafersOut,
      'yield in force': r.design.yieldInForce
        .map((y) => `${y.foundryName} ${y.yieldPct}%${y.monthOfRamp <= 12 ? ` (m${y.monthOfRamp})` : ''}`)
        .join(', '),
      'good dies': r.design.goodDies,
      buildable: r.machinesBuildable,
      built: r.machinesBuilt,
      '': r.source,
      limit: r.source === 'planned' ? r.limitedBy : '',
      'to tranches': r.allocation.tranches.reduce((s, t) => s + t.units, 0),
      'self-mining': `${fmt(r.allocation.selfMining)}/${fmt(r.allocation.selfMiningTarget)}`,
      'to stock': r.allocation.toStock,
      stock: r.allocation.stockEnd,
      short: r.allocation.unitsShort,
    })),
  );
  const lines = [
    `Supply plan ${plan.from} to ${plan.to} (built: actual = recorded builds, planned = what chips and assembly allow; self-mining: got/target)`,
    table(rows, [
      'month',
      'model',
      'wafers out',
      'yield in force',
      'good dies',
      'buildable',
      'built',
      '',
      'limit',
      'to tranches',
      'self-mining',
      'to stock',
      'stock',
      'short',
    ]),
    '',
  ];
  const notes = plan.months.flatMap((m) =>
    m.models
      .filter((r) => r.allocation.selfMiningNote)
      .map((r) => `  ${m.month} ${r.productId}: ${r.allocation.selfMiningNote}`),
  );
  if (notes.length > 0) lines.push('Self-mining yielded to contract deliveries:', ...notes, '');
  if (plan.lateTranches.length === 0) {
    lines.push('No tranche will be late.');
  } else {
    lines.push(
      `Late tranches (${plan.lateTranches.length}, ${fmt(plan.lateTranches.reduce((s, t) => s + t.unitsShortAtDue, 0))} units short at their due month):`,
    );
    for (const t of plan.lateTranches) {
      lines.push(
        `  contract #${t.contractId} line ${t.lineId} tranche ${t.tranche} — ${t.customer}, ${fmt(t.unitsOpen)} ${t.productId} (${t.kind}), due ${t.dueMonth}: ${fmt(t.unitsShortAtDue)} short`,
        `    why: ${t.why}`,
      );
    }
  }
  lines.push(
    '',
    `Totals: ${fmt(plan.totals.machinesBuilt)} built${plan.totals.fromBeforePlan > 0 ? ` (and ${fmt(plan.totals.fromBeforePlan)} delivered from before ${plan.from})` : ''}, ` +
      `${fmt(plan.totals.toTranches)} to tranches (delivered or planned), ${fmt(plan.totals.selfMining)} to self-mining, ` +
      `${fmt(plan.totals.stockEnd)} in stock at the end, ${fmt(plan.totals.unitsShort)} units due still open.`,
    'Assumptions:',
    ...plan.assumptions.map((a) => `  - ${a}`),
  );
  return lines.join('\n');
}

/** The recommendation as a person reads it: wafers per agreement, then every reason. */
export function recommendationText(r: Recommendation): string {
  const rows = r.agreements.map((a) => ({
    foundry: a.foundryName,
    agreement: `#${a.agreementId}`,
    'comes out': a.outMonth,
    'capacity/mo': a.wafersPerMonth,
    'take-or-pay': a.takeOrPayWafers,
    'already placed': a.alreadyPlaced,
    recommended: a.wafers,
    'expected chips': a.lots.reduce((s, l) => s + l.expectedDies, 0),
  }));
  return [
    `Chip order for ${r.month}: ${fmt(r.totalWafers)} wafers (BTC ${formatUsd(r.inputs.btcUsd)}, payback ${
      r.inputs.paybackDays === null ? 'never' : `${Math.round(r.inputs.paybackDays)} days`
    })`,
    table(rows, [
      'foundry',
      'agreement',
      'comes out',
      'capacity/mo',
      'take-or-pay',
      'already placed',
      'recommended',
      'expected chips',
    ]),
    '',
    'Why:',
    ...r.explanation.map((e) => `  - ${e}`),
  ].join('\n');
}
