import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { requireRole } from '../auth/roles.js';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { formatBtc } from '../kernel/bitcoin.js';
import { parseQuarter, todayUtc } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { formatHashrate } from '../kernel/hashrate.js';
import { formatUsd } from '../kernel/money.js';
import { adviseCurtailment, applyAdvice, economicsOn } from './advice.js';
import { allocationStatus } from './allocation.js';
import { energyByDay } from './costs.js';
import { deployMachines, installMachines, listMachines } from './deployments.js';
import { earningsByMonth, type MonthEarnings } from './earnings.js';
import { hashrateByDay } from './hashrate.js';
import { COMPLIANCE_STATUSES, shareOfProduction, shareOfProductionPercent } from './model.js';
import { miningQuarter } from './quarter.js';
import {
  ComplianceChange,
  Deployment,
  Installation,
  MachineQuery,
  MonthRangeQuery,
  NewSite,
  NewTarget,
  OnQuery,
  PriceChange,
  RangeQuery,
  SiteChanges,
} from './schemas.js';
import {
  addSite,
  changeCompliance,
  changeSite,
  getSite,
  listSites,
  type SiteView,
  setPrice,
} from './sites.js';
import { listTargets, miningStatus, setTarget } from './targets.js';

const mw = (w: number) => `${(w / 1e6).toFixed(3)} MW`;
const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '' : `${(x * 100).toFixed(1)}%`;
const hr = (ths: number | null) => (ths === null ? '' : formatHashrate(ths));

const siteLine = (s: SiteView) =>
  `${s.code} ${s.name} (${s.country}): ${s.compliance.status}${s.compliance.permitRef ? `, permit ${s.compliance.permitRef}` : ''}; ` +
  `${mw(s.deployedW)} of ${mw(s.capacityW)} deployed; ${s.usdPerKwh === null ? 'no price yet' : `$${s.usdPerKwh}/kWh`}`;

/** `a,b,c` or, with --serials-file, one serial a line. */
function serialList(opts: Record<string, unknown>): string[] | undefined {
  if (typeof opts.serialsFile === 'string') {
    let text: string;
    try {
      text = readFileSync(opts.serialsFile, 'utf8');
    } catch {
      throw invalid('serialsFile', `Cannot read ${opts.serialsFile}: no such file or not readable.`);
    }
    return text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
  }
  return typeof opts.serials === 'string' ? opts.serials.split(',').map((s) => s.trim()) : undefined;
}

/** `serial=mac,serial=mac` → { serial: mac }. */
function macMap(text: unknown): Record<string, string> | undefined {
  if (typeof text !== 'string') return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const [serial, mac] = pair.split('=').map((x) => x.trim());
    if (!serial || !mac)
      throw invalid('macs', `--macs takes serial=MAC pairs separated by commas, got "${pair}".`);
    out[serial] = mac;
  }
  return out;
}

export function registerMiningCommands(program: Command): void {
  const mining = program
    .command('mining')
    .description('Self-mining: sites, deployments, earnings, costs, curtailment');

  defineAction(mining.command('sites').description('List sites'), { role: 'viewer' }, async (app) => {
    const sites = await listSites(app);
    return { json: sites, text: sites.length ? sites.map(siteLine).join('\n') : '(no sites)' };
  });

  const site = mining.command('site').description('Add, change and inspect one site');
  defineAction(site.command('show').argument('<code>'), { role: 'viewer' }, async (app, _o, [code]) => {
    const s = await getSite(app, code!);
    const history = s.complianceHistory.map(
      (h) => `  ${h.effectiveOn} ${h.status}${h.permitRef ? ` (${h.permitRef})` : ''}: ${h.reason ?? ''}`,
    );
    const prices = s.prices.map((p) => `  from ${p.effectiveFrom}: $${p.usdPerKwh}/kWh`);
    return {
      json: s,
      text: [
        siteLine(s),
        'prices:',
        ...prices,
        'compliance:',
        ...history,
        `flagged machines: ${s.flagged.length}`,
      ].join('\n'),
    };
  });
  defineAction(
    site
      .command('add')
      .description('Add a site (pending unless approved with a permit)')
      .requiredOption('--code <code>')
      .requiredOption('--name <name>')
      .requiredOption('--country <code>', 'ISO 3166-1 alpha-2 country code, e.g. SG')
      .requiredOption('--capacity-mw <mw>')
      .requiredOption('--usd-per-kwh <price>')
      .option('--price-from <day>')
      .option('--status <status>', COMPLIANCE_STATUSES.join(' | '))
      .option('--permit-ref <ref>')
      .option('--permit-from <day>')
      .option('--permit-until <day>'),
    { role: 'ops' },
    async (app, opts) => {
      const input = parseInput(
        NewSite,
        pickOptions(opts, [
          'code',
          'name',
          'country',
          'capacityMw',
          'usdPerKwh',
          'priceFrom',
          'status',
          'permitRef',
          'permitFrom',
          'permitUntil',
        ]),
      );
      const s = await addSite(app, app.actor, input, app.idempotencyKey);
      return { json: s, text: `added ${siteLine(s)}` };
    },
  );
  defineAction(
    site
      .command('change')
      .argument('<code>')
      .description('Rename a site or change its power capacity')
      .option('--name <name>')
      .option('--country <code>', 'ISO 3166-1 alpha-2 country code, e.g. SG')
      .option('--capacity-mw <mw>'),
    { role: 'ops' },
    async (app, opts, [code]) => {
      const changes = parseInput(SiteChanges, pickOptions(opts, ['name', 'country', 'capacityMw']));
      const s = await changeSite(app, app.actor, code!, changes, app.idempotencyKey);
      return { json: s, text: `changed ${siteLine(s)}` };
    },
  );
  defineAction(
    site
      .command('price')
      .argument('<code>')
      .description('Set the electricity price from a day on')
      .requiredOption('--usd-per-kwh <price>')
      .requiredOption('--from <day>', 'day the price applies from'),
    { role: ['ops', 'finance'], options: { effectiveFrom: '--from' } },
    async (app, opts, [code]) => {
      const input = parseInput(PriceChange, { usdPerKwh: opts.usdPerKwh, effectiveFrom: opts.from });
      const s = await setPrice(app, app.actor, code!, input, app.idempotencyKey);
      return {
        json: s,
        text: `price of ${code} from ${input.effectiveFrom}: $${input.usdPerKwh}/kWh\n${siteLine(s)}`,
      };
    },
  );
  defineAction(
    site
      .command('compliance')
      .argument('<code>')
      .description('Change the compliance status (suspending flags every machine for curtailment)')
      .requiredOption('--status <status>', COMPLIANCE_STATUSES.join(' | '))
      .requiredOption('--reason <text>')
      .option('--permit-ref <ref>')
      .option('--permit-from <day>')
      .option('--permit-until <day>')
      .option('--effective-on <day>'),
    { role: 'ops' },
    async (app, opts, [code]) => {
      const input = parseInput(
        ComplianceChange,
        pickOptions(opts, ['status', 'reason', 'permitRef', 'permitFrom', 'permitUntil', 'effectiveOn']),
      );
      const r = await changeCompliance(app, app.actor, code!, input, app.idempotencyKey);
      const flags = r.flaggedSerials.length
        ? `\n${r.flaggedSerials.length} machine(s) flagged for curtailment`
        : r.flagsCleared
          ? '\ncurtailment flags cleared'
          : '';
      return { json: r, text: `${siteLine(r)}${flags}` };
    },
  );

  defineAction(
    mining
      .command('deploy')
      .description('Ship machines to an approved site (refused beyond its power capacity)')
      .requiredOption('--site <code>')
      .requiredOption('--model <id>', 'machine model, e.g. A1246')
      .option('--serials <list>', 'serials separated by commas')
      .option('--serials-file <path>', 'a file with one serial a line')
      .option('--units <n>', 'or: this many, numbered from --serial-prefix')
      .option('--serial-prefix <prefix>')
      .option('--macs <pairs>', 'serial=MAC pairs, where known')
      .option('--shipped-on <day>')
      .option('--allocation-month <month>', "supply's self-mining allocation month they come from")
      .option('--note <text>'),
    { role: 'ops', options: { productId: '--model' } },
    async (app, opts) => {
      const input = parseInput(Deployment, {
        ...pickOptions(opts, ['site', 'units', 'serialPrefix', 'shippedOn', 'allocationMonth', 'note']),
        productId: opts.model,
        ...(serialList(opts) ? { serials: serialList(opts) } : {}),
        ...(macMap(opts.macs) ? { macs: macMap(opts.macs) } : {}),
      });
      const d = await deployMachines(app, app.actor, input, app.idempotencyKey);
      return {
        json: d,
        text:
          `deployment ${d.id}: ${d.units} × ${d.productId} to ${d.site}, shipped ${d.shippedOn} ` +
          `(${formatHashrate(d.nominalThs)}, ${mw(d.nominalW)}); ${mw(d.siteFreeW)} of capacity left there`,
      };
    },
  );
  defineAction(
    mining
      .command('install')
      .description('Mark machines installed at their site')
      .option('--serials <list>')
      .option('--serials-file <path>')
      .option('--macs <pairs>', 'serial=MAC pairs, so the fleet poller recognises them')
      .option('--on <day>'),
    { role: 'ops' },
    async (app, opts) => {
      const input = parseInput(Installation, {
        serials: serialList(opts),
        ...(opts.on ? { installedOn: opts.on } : {}),
        ...(macMap(opts.macs) ? { macs: macMap(opts.macs) } : {}),
      });
      const r = await installMachines(app, app.actor, input, app.idempotencyKey);
      return {
        json: r,
        text: `${r.installed} machine(s) installed on ${r.installedOn} at ${r.sites.join(', ')}`,
      };
    },
  );
  defineAction(
    mining
      .command('machines')
      .description('Deployed machines and their state')
      .option('--site <code>')
      .option('--model <id>')
      .option('--on <day>')
      .option('--cursor <serial>', 'the next cursor printed by the previous page')
      .option('--limit <n>', 'machines per page (1-5000)', '500'),
    { role: 'viewer', options: { productId: '--model' }, lists: true },
    async (app, opts) => {
      const q = parseInput(MachineQuery, {
        ...pickOptions(opts, ['site', 'on', 'cursor', 'limit']),
        productId: opts.model,
      });
      const r = await listMachines(app, q);
      const rows = r.machines.map((m) => ({
        serial: m.serial,
        site: m.site,
        model: m.productId,
        state: m.state,
        shipped: m.shippedOn,
        installed: m.installedOn,
        'fleet id': m.fleet?.id,
        measured: m.fleet?.hashrateThs === null || !m.fleet ? '' : formatHashrate(m.fleet.hashrateThs),
      }));
      const counts = Object.entries(r.byState)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ');
      const more = r.nextCursor === null ? '' : `\nmore: --cursor ${r.nextCursor}`;
      return {
        json: r,
        rows: r.machines,
        text: `${table(rows, ['serial', 'site', 'model', 'state', 'shipped', 'installed', 'fleet id', 'measured'])}\n${counts}${more}`,
      };
    },
  );

  defineAction(
    mining
      .command('hashrate')
      .description('Installed and measured hashrate by day')
      .requiredOption('--from <day>')
      .requiredOption('--to <day>')
      .option('--site <code>'),
    { role: 'viewer' },
    async (app, opts) => {
      const days = await hashrateByDay(
        app,
        parseInput(RangeQuery, pickOptions(opts, ['from', 'to', 'site'])),
      );
      const rows = days.map((d) => ({
        day: d.day,
        installed: hr(d.installedThs),
        measured: hr(d.measuredThs),
      }));
      return { json: days, text: table(rows, ['day', 'installed', 'measured']) };
    },
  );
  defineAction(
    mining
      .command('energy')
      .description('Energy and its cost per site per day')
      .requiredOption('--from <day>')
      .requiredOption('--to <day>')
      .option('--site <code>'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const rows = await energyByDay(app, parseInput(RangeQuery, pickOptions(opts, ['from', 'to', 'site'])));
      const shown = rows.map((e) => ({
        day: e.day,
        site: e.site,
        machines: e.installedMachines,
        kWh: Math.round(e.kwh),
        'USD/kWh': e.usdPerKwh ?? 'none',
        cost: formatUsd(e.energyCents),
        basis: e.basis,
      }));
      return {
        json: rows,
        text: table(shown, ['day', 'site', 'machines', 'kWh', 'USD/kWh', 'cost', 'basis']),
      };
    },
  );
  defineAction(
    mining
      .command('earnings')
      .description('By month: expected and actual BTC, luck, energy, cost per BTC')
      .requiredOption('--from <month>', 'first month, e.g. 2021-01')
      .requiredOption('--to <month>', 'last month, included, e.g. 2022-12'),
    { role: 'viewer' },
    async (app, opts) => {
      const months = await earningsByMonth(
        app,
        parseInput(MonthRangeQuery, pickOptions(opts, ['from', 'to'])),
      );
      const rows = months.map((m) => ({
        month: m.month,
        expected: formatBtc(m.expectedSats),
        actual: formatBtc(m.actualSats),
        luck: pct(m.luck),
        energy: formatUsd(m.energyCents),
        'cost/BTC': m.costPerBtcCents === null ? '' : formatUsd(m.costPerBtcCents),
        days: daysText(m.days),
        // Said only where days were expected on an earlier day's market (past the market history).
        'market carried': m.days.carriedMarket > 0 ? `${m.days.carriedMarket} d from ${m.marketDay}` : '',
      }));
      return {
        json: months,
        text: table(rows, [
          'month',
          'expected',
          'actual',
          'luck',
          'energy',
          'cost/BTC',
          'days',
          'market carried',
        ]),
      };
    },
  );
  defineAction(
    mining
      .command('economics')
      .description('Per site and model: breakeven BTC price and curtailment hashprice')
      .option('--on <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(OnQuery, pickOptions(opts, ['on']));
      const e = await economicsOn(app, q.on ?? todayUtc(app.clock.now()));
      const rows = e.groups.map((g) => ({
        site: g.site,
        model: g.productId,
        machines: g.machines,
        'USD/kWh': g.usdPerKwh,
        'power/day': formatUsd(g.energyCentsPerMachine),
        'revenue/day': formatUsd(g.revenueCentsPerMachine),
        breakeven: g.breakevenBtcUsd === null ? '' : formatUsd(g.breakevenBtcUsd),
        'off below $/TH/d': g.thresholdUsdPerThDay.toFixed(4),
      }));
      return {
        json: e,
        text:
          `market of ${e.marketDay}: BTC ${formatUsd(e.btcUsd)}, hashprice $${e.hashpriceUsdPerThDay.toFixed(4)}/TH/day\n` +
          table(rows, [
            'site',
            'model',
            'machines',
            'USD/kWh',
            'power/day',
            'revenue/day',
            'breakeven',
            'off below $/TH/d',
          ]),
      };
    },
  );
  defineAction(
    mining
      .command('advise')
      .description('What to switch off on a day, and the USD a day it saves; --apply sends soft off')
      .option('--on <day>')
      .option('--apply', 'send soft off to those machines through the fleet (role ops)'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(OnQuery, pickOptions(opts, ['on']));
      const day = q.on ?? todayUtc(app.clock.now());
      const a = await adviseCurtailment(app, day);
      const rows = a.groups.map((g) => ({
        site: g.site,
        model: g.productId,
        machines: g.machines,
        advice: g.advice,
        'saves/day': formatUsd(g.savedCentsPerDay),
        why: g.reason,
      }));
      const lines = [
        `advice for ${day} (market of ${a.marketDay}: BTC ${formatUsd(a.btcUsd)}, hashprice $${a.hashpriceUsdPerThDay.toFixed(4)}/TH/day)`,
        table(rows, ['site', 'model', 'machines', 'advice', 'saves/day', 'why']),
        `switch off ${a.machinesToSwitchOff} machine(s), saving ${formatUsd(a.savedCentsPerDay)} a day`,
        ...(a.unpriced.length ? [`no electricity price on ${day} at: ${a.unpriced.join(', ')}`] : []),
      ];
      if (!opts.apply) return { json: a, text: lines.join('\n') };
      requireRole(app.actor.role, 'ops');
      const applied = await applyAdvice(app, app.actor, day, app.idempotencyKey);
      lines.push(
        `applied: soft off sent to ${applied.control.requested} machine(s), ${applied.control.succeeded} confirmed, ` +
          `${applied.control.failed} not (fleet control ${applied.control.controlId})` +
          (applied.notInFleet ? `; ${applied.notInFleet} not known to the fleet poller` : ''),
      );
      return { json: { advice: a, applied }, text: lines.join('\n') };
    },
  );

  defineAction(
    mining
      .command('allocation')
      .description(
        "Machines built, supply's self-mining allocation, and what was deployed, by month and model",
      )
      .requiredOption('--from <month>')
      .requiredOption('--to <month>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(MonthRangeQuery, pickOptions(opts, ['from', 'to']));
      const a = await allocationStatus(app, q.from, q.to);
      const rows = a.rows.map((r) => ({
        month: r.month,
        model: r.productId,
        built: r.built,
        allocated: r.allocated,
        'deployed against': r.deployedAgainst,
        shipped: r.shipped,
      }));
      return {
        json: a,
        text: `${table(rows, ['month', 'model', 'built', 'allocated', 'deployed against', 'shipped'])}
shipped to self-mining: ${shareOfProduction(a, `from ${a.from} to ${a.to}`).text}; plan ${shareOfProductionPercent(a.plannedShareBp)}`,
      };
    },
  );
  defineAction(
    mining
      .command('quarter')
      .argument('<quarter>', 'e.g. 2021Q4')
      .description("The quarter's self-mining figures and their sources"),
    { role: 'viewer' },
    async (app, _opts, [quarter]) => {
      const q = await miningQuarter(app, parseQuarter(quarter!, 'quarter'));
      const line = (name: string, value: string, source: string) =>
        `${name.padEnd(20)} ${value.padEnd(28)} ${source}`;
      return {
        json: q,
        text: [
          `self-mining, ${q.quarter} (to ${q.end})`,
          line('installed', `${q.installedPh.value.toFixed(2)} PH/s`, q.installedPh.source),
          line(
            'measured',
            q.measuredPh.value === null ? 'none' : `${q.measuredPh.value.toFixed(2)} PH/s`,
            q.measuredPh.source,
          ),
          `by site, as the status lists them: ${q.sites.source}`,
          table(
            q.sites.value.map((x) => ({
              site: x.site,
              status: x.status,
              'installed PH/s': x.installedPh.toFixed(2),
              'measured PH/s': x.measuredPh === null ? 'not measured' : x.measuredPh.toFixed(2),
            })),
            ['site', 'status', 'installed PH/s', 'measured PH/s'],
          ),
          line('BTC mined', formatBtc(q.btcMinedSats.value), q.btcMinedSats.source),
          line('expected', formatBtc(q.expectedSats.value), q.expectedSats.source),
          line('luck', pct(q.luck.value), q.luck.source),
          line('energy', formatUsd(q.energyCents.value), q.energyCents.source),
          line(
            'cost per BTC',
            q.costPerBtcCents.value === null ? 'n/a' : formatUsd(q.costPerBtcCents.value),
            q.costPerBtcCents.source,
          ),
          line(
            'share of production',
            shareOfProduction(
              {
                shipped: q.shareOfProduction.value.shippedUnits,
                built: q.shareOfProduction.value.builtUnits,
              },
              `in ${q.quarter}`,
            ).text,
            q.shareOfProduction.source,
          ),
          line(
            'target',
            q.target.value
              ? `${q.target.value.outcome ? `ended ${q.target.value.byDay}, ${q.target.value.outcome}: ` : ''}${q.target.value.standing}, ${pct(q.target.value.ofLow)} of low end`
              : 'none',
            q.target.source,
          ),
        ].join('\n'),
      };
    },
  );

  const target = mining.command('target').description('Hashrate targets');
  defineAction(
    target
      .command('set')
      .description('Set a hashrate target, e.g. --by 2021-12-31 --low "2 EH" --high "4 EH" --share 10')
      .requiredOption('--by <day>')
      .requiredOption('--low <hashrate>')
      .requiredOption('--high <hashrate>')
      .option('--share <percent>', 'self-mining share of production, %', '10')
      .option('--set-on <day>', 'the day it was set (default today)')
      .option('--note <text>'),
    { role: ['ops', 'finance'], options: { byDay: '--by', sharePercent: '--share' } },
    async (app, opts) => {
      const input = parseInput(NewTarget, {
        byDay: opts.by,
        low: opts.low,
        high: opts.high,
        sharePercent: opts.share,
        ...(opts.setOn ? { setOn: opts.setOn } : {}),
        ...(opts.note ? { note: opts.note } : {}),
      });
      const t = await setTarget(app, app.actor, input, app.idempotencyKey);
      return {
        json: t,
        text: `target ${t.id}: ${formatHashrate(t.lowThs)} - ${formatHashrate(t.highThs)} by ${t.byDay}, ${t.shareBp / 100}% of production`,
      };
    },
  );
  defineAction(
    target.command('list').description('Targets, latest first'),
    { role: 'viewer', lists: true },
    async (app) => {
      const ts = await listTargets(app);
      const rows = ts.map((t) => ({
        id: t.id,
        by: t.byDay,
        low: formatHashrate(t.lowThs),
        high: formatHashrate(t.highThs),
        share: `${t.shareBp / 100}%`,
        note: t.note,
      }));
      return { json: ts, text: table(rows, ['id', 'by', 'low', 'high', 'share', 'note']) };
    },
  );
  defineAction(
    mining
      .command('status')
      .description('Hashrate installed and measured against the target')
      .option('--on <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const q = parseInput(OnQuery, pickOptions(opts, ['on']));
      const s = await miningStatus(app, q.on);
      const rows = s.sites.map((x) => ({
        site: x.site,
        status: x.status,
        installed: hr(x.installedThs),
        measured: hr(x.measuredThs),
        'in transit': hr(x.inTransitThs),
        'capacity used': `${x.capacityUsedPct.toFixed(1)}%`,
      }));
      const t = s.target;
      const targetLine = t
        ? `target ${formatHashrate(t.lowThs)} - ${formatHashrate(t.highThs)} by ${t.byDay} (${t.progress.outcome ? `ended, ${t.progress.outcome} on ${t.byDay}` : `${t.progress.daysLeft} days left`}): ` +
          `${t.progress.standing}, ${pct(t.progress.ofLow)} of the low end on ${t.progressOn === 'mixed' ? 'measured (where polled) and installed' : t.progressOn} hashrate` +
          (t.progress.missingToLowThs > 0 ? `, ${formatHashrate(t.progress.missingToLowThs)} to go` : '') +
          `; self-mining share target ${t.shareBp / 100}% of production`
        : 'no target set (hashforge mining target set)';
      return {
        json: s,
        text: [
          `self-mining on ${s.on}: installed ${hr(s.installedThs)}, measured ${s.measuredThs === null ? 'none' : hr(s.measuredThs)}` +
            `${s.measuredBasis ? ` (${s.measuredBasis})` : ''}, in transit ${hr(s.inTransitThs)}`,
          table(rows, ['site', 'status', 'installed', 'measured', 'in transit', 'capacity used']),
          targetLine,
          `share of production: ${shareOfProduction(s.shareOfProduction, `from ${s.shareOfProduction.from} to ${s.shareOfProduction.to}`).text}`,
        ].join('\n'),
      };
    },
  );
}

/**
 * A month's days by what their expectation rests on, with the month's count first: "1/30" (measured
 * and mixed / installed) beside December's "31 d" carried read as one day of thirty.
 */
function daysText(d: MonthEarnings['days']): string {
  const parts: [number, string][] = [
    [d.measured, 'measured'],
    [d.mixed, 'partly measured'],
    [d.installed, 'installed'],
    [d.none, 'no hashrate'],
  ];
  const total = d.measured + d.mixed + d.installed + d.none;
  return `${total} d: ${parts
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ')}`;
}
