/** Commands that describe where chips come from: foundries, designs, partnerships, agreements. */
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { formatCount as fmt } from './format.js';
import { NewAgreement, NewDesign, NewFoundry, NewPartnership } from './schemas.js';
import {
  addDesign,
  addFoundry,
  listAgreements,
  listDesigns,
  listFoundries,
  listPartnerships,
  signAgreement,
  startPartnership,
} from './service.js';
import { basisPointsToPercent } from './yield.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `A1246`, `A1246:108` or `A1246:108:60` — model, chips per machine, share of the chips (%). */
function modelSpec(text: string) {
  const [productId, chips, share] = text.split(':');
  return {
    productId,
    ...(chips ? { chipsPerMachine: chips } : {}),
    ...(share ? { sharePct: share } : {}),
  };
}

export function registerSetupCommands(supply: Command): void {
  const foundry = supply.command('foundry').description('Foundries that make our chips');
  defineAction(
    foundry
      .command('add')
      .description('Add a foundry')
      .requiredOption('--id <code>', 'short code, e.g. tsmc')
      .requiredOption('--name <name>')
      .requiredOption('--country <cc>', 'two-letter country code, e.g. TW')
      .option('--lead-time-months <n>', 'months from wafer start to wafers out (default 3)'),
    { role: 'supply' },
    async (app, opts) => {
      const f = await addFoundry(
        app,
        app.actor,
        parseInput(NewFoundry, pickOptions(opts, ['id', 'name', 'country', 'leadTimeMonths'])),
        app.idempotencyKey,
      );
      return {
        json: f,
        text: `added foundry ${f.id} (${f.name}, ${f.country}), lead time ${f.leadTimeMonths} months`,
      };
    },
  );
  defineAction(
    foundry.command('list').description('List foundries'),
    { role: 'viewer', lists: true },
    async (app) => {
      const all = await listFoundries(app);
      return {
        json: all,
        text: table(
          all.map((f) => ({ ...f })),
          ['id', 'name', 'country', 'leadTimeMonths'],
        ),
      };
    },
  );

  const design = supply.command('design').description('ASIC designs and the machine models built from them');
  defineAction(
    design
      .command('add')
      .description('Add a design')
      .requiredOption('--id <code>', 'short code, e.g. A12')
      .requiredOption('--name <name>')
      .requiredOption('--process-nm <nm>', 'process node, e.g. 8')
      .requiredOption('--dies-per-wafer <n>')
      .requiredOption(
        '--model <model[:chips[:share]]>',
        "a machine model using the chip, with chips per machine (default: the catalog's) and % of the chips; repeat for several",
        collect,
      ),
    { role: 'supply' },
    async (app, opts) => {
      const input = parseInput(NewDesign, {
        ...pickOptions(opts, ['id', 'name', 'processNm', 'diesPerWafer']),
        models: (opts.model as string[]).map(modelSpec),
      });
      const d = await addDesign(app, app.actor, input, app.idempotencyKey);
      return {
        json: d,
        text: `added design ${d.id} (${d.processNm} nm, ${fmt(d.diesPerWafer)} dies a wafer) for ${d.models
          .map((m) => `${m.productId} (${m.chipsPerMachine} chips, ${m.sharePct}%)`)
          .join(', ')}`,
      };
    },
  );
  defineAction(
    design.command('list').description('List designs'),
    { role: 'viewer', lists: true },
    async (app) => {
      const all = await listDesigns(app);
      const rows = all.map((d) => ({
        id: d.id,
        name: d.name,
        nm: d.processNm,
        'dies/wafer': d.diesPerWafer,
        models: d.models.map((m) => `${m.productId} ×${m.chipsPerMachine} (${m.sharePct}%)`).join(', '),
      }));
      return { json: all, text: table(rows, ['id', 'name', 'nm', 'dies/wafer', 'models']) };
    },
  );

  const partnership = supply
    .command('partnership')
    .description('A foundry making a design, with its yield curve');
  defineAction(
    partnership
      .command('add')
      .description('Start a partnership')
      .requiredOption('--foundry <code>')
      .requiredOption('--design <code>')
      .requiredOption('--start <month>', 'first month, e.g. 2021-03')
      .requiredOption('--start-yield <pct>', 'yield in the first month, %')
      .requiredOption('--mature-yield <pct>', 'yield once mature, %')
      .option('--months-to-mature <n>', 'months to reach the mature yield', '0')
      .option('--shape <shape>', 'linear | logistic', 'linear'),
    {
      role: 'supply',
      options: {
        foundryId: '--foundry',
        designId: '--design',
        startMonth: '--start',
        'yieldCurve.startPct': '--start-yield',
        'yieldCurve.maturePct': '--mature-yield',
        'yieldCurve.monthsToMature': '--months-to-mature',
        'yieldCurve.shape': '--shape',
      },
    },
    async (app, opts) => {
      const input = parseInput(NewPartnership, {
        foundryId: opts.foundry,
        designId: opts.design,
        startMonth: opts.start,
        yieldCurve: {
          startPct: opts.startYield,
          maturePct: opts.matureYield,
          monthsToMature: opts.monthsToMature,
          shape: opts.shape,
        },
      });
      const p = await startPartnership(app, app.actor, input, app.idempotencyKey);
      return {
        json: p,
        text:
          `partnership #${p.id}: ${p.foundryId} makes ${p.designId} from ${p.startMonth}, yield ${basisPointsToPercent(p.curve.startBp)}% ` +
          `rising to ${basisPointsToPercent(p.curve.matureBp)}% over ${p.curve.monthsToMature} months (${p.curve.shape})`,
      };
    },
  );
  defineAction(
    partnership.command('list').description('List partnerships'),
    { role: 'viewer', lists: true },
    async (app) => {
      const all = await listPartnerships(app);
      const rows = all.map((p) => ({
        id: p.id,
        foundry: p.foundryId,
        design: p.designId,
        start: p.startMonth,
        'start %': basisPointsToPercent(p.curve.startBp),
        'mature %': basisPointsToPercent(p.curve.matureBp),
        months: p.curve.monthsToMature,
        shape: p.curve.shape,
      }));
      return {
        json: all,
        text: table(rows, ['id', 'foundry', 'design', 'start', 'start %', 'mature %', 'months', 'shape']),
      };
    },
  );

  const agreement = supply.command('agreement').description('Capacity agreements: wafers a month for a term');
  defineAction(
    agreement
      .command('add')
      .description('Sign a capacity agreement')
      .requiredOption('--foundry <code>')
      .requiredOption('--wafers-per-month <n>')
      .option('--take-or-pay <n>', 'wafers a month paid for whether ordered or not', '0')
      .requiredOption('--start <month>')
      .requiredOption('--term <months>')
      .option(
        '--signed-month <month>',
        'when it was signed (a past month\u2019s chip order counts it from then); this month by default',
      ),
    {
      role: 'supply',
      options: {
        foundryId: '--foundry',
        takeOrPayWafers: '--take-or-pay',
        startMonth: '--start',
        termMonths: '--term',
        signedMonth: '--signed-month',
      },
    },
    async (app, opts) => {
      const input = parseInput(NewAgreement, {
        foundryId: opts.foundry,
        wafersPerMonth: opts.wafersPerMonth,
        takeOrPayWafers: opts.takeOrPay,
        startMonth: opts.start,
        termMonths: opts.term,
        ...(opts.signedMonth === undefined ? {} : { signedMonth: opts.signedMonth }),
      });
      const a = await signAgreement(app, app.actor, input, app.idempotencyKey);
      return {
        json: a,
        text: `agreement #${a.id} with ${a.foundryId}: ${fmt(a.wafersPerMonth)} wafers a month (take-or-pay ${fmt(a.takeOrPayWafers)}) from ${a.startMonth} to ${a.endMonth}`,
      };
    },
  );
  defineAction(
    agreement.command('list').description('List agreements'),
    { role: 'viewer', lists: true },
    async (app) => {
      const all = await listAgreements(app);
      return {
        json: all,
        text: table(
          all.map((a) => ({ ...a })),
          ['id', 'foundryId', 'wafersPerMonth', 'takeOrPayWafers', 'startMonth', 'endMonth'],
        ),
      };
    },
  );
}
