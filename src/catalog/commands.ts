import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { AI_TIERS, STAGES } from './model.js';
import { AsOfQuery, NewProduct, ProductChanges, ProductFilter } from './schemas.js';
import { addProduct, getProduct, listProducts, type ProductView, updateProduct } from './service.js';

const FIELDS = [
  'name',
  'family',
  'stage',
  'stageFrom',
  'launchDate',
  'generation',
  'algorithm',
  'ths',
  'watts',
  'chipsPerMachine',
  'hashboards',
  'tier',
  'tops',
  'processNm',
  'predecessor',
] as const;

const summary = (p: ProductView) =>
  p.kind === 'machine'
    ? `${p.id} ${p.name}: ${p.ths} TH/s, ${p.watts} W, ${p.joulesPerTh?.toFixed(1)} J/TH, ${p.stage}`
    : `${p.id} ${p.name}: ${p.tier} AI chip, ${p.tops} TOPS, ${p.processNm} nm, ${p.stage}`;

/** Options for every product field; commander names them --chips-per-machine -> chipsPerMachine. */
function productOptions(cmd: Command): Command {
  return cmd
    .option('--name <name>')
    .option('--family <family>', 'product line, e.g. A12')
    .option('--stage <stage>', STAGES.join(' | '))
    .option('--stage-from <day>', 'update: the day the new stage took effect (default today)')
    .option('--launch-date <day>', 'e.g. 2020-10-01')
    .option('--generation <n>')
    .option('--algorithm <algo>', 'sha256 | ethash')
    .option('--ths <ths>', 'nameplate TH/s')
    .option('--watts <w>')
    .option('--chips-per-machine <n>')
    .option('--hashboards <n>')
    .option('--tier <tier>', AI_TIERS.join(' | '))
    .option('--tops <tops>')
    .option('--process-nm <nm>')
    .option('--predecessor <id>', 'the chip this one upgrades');
}

export function registerCatalogCommands(program: Command): void {
  const catalog = program.command('catalog').description('Mining machines and AI chips');
  defineAction(
    catalog
      .command('list')
      .description('List products')
      .option('--kind <kind>', 'machine | ai-chip')
      .option('--stage <stage>')
      .option('--family <family>')
      .option('--as-of <day>', 'the catalogue as of this day: products added by then, in their stage then'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const products = await listProducts(
        app,
        parseInput(ProductFilter, pickOptions(opts, ['kind', 'stage', 'family', 'asOf'])),
      );
      const rows = products.map((p) => ({
        id: p.id,
        kind: p.kind,
        family: p.family,
        stage: p.stage,
        'TH/s': p.kind === 'machine' ? p.ths : undefined,
        W: p.kind === 'machine' ? p.watts : undefined,
        'J/TH': p.joulesPerTh?.toFixed(1),
        TOPS: p.kind === 'ai-chip' ? p.tops : undefined,
        name: p.name,
      }));
      return {
        json: products,
        text: table(rows, ['id', 'kind', 'family', 'stage', 'TH/s', 'W', 'J/TH', 'TOPS', 'name']),
      };
    },
  );
  defineAction(
    catalog
      .command('show')
      .argument('<id>')
      .description('One product')
      .option('--as-of <day>', 'in its stage as of this day'),
    { role: 'viewer' },
    async (app, opts, [id]) => {
      const p = await getProduct(app, id!, parseInput(AsOfQuery, pickOptions(opts, ['asOf'])).asOf);
      return { json: p, text: summary(p) };
    },
  );
  defineAction(
    productOptions(
      catalog
        .command('add')
        .description('Add a product')
        .requiredOption('--kind <kind>', 'machine | ai-chip')
        .requiredOption('--id <id>', 'model code')
        .option('--added-on <day>', 'the day it entered the catalogue (default today)'),
    ),
    { role: 'supply' },
    async (app, opts) => {
      const input = parseInput(NewProduct, pickOptions(opts, ['kind', 'id', 'addedOn', ...FIELDS]));
      const p = await addProduct(app, app.actor, input, app.idempotencyKey);
      return { json: p, text: `added ${summary(p)}` };
    },
  );
  defineAction(
    productOptions(
      catalog
        .command('update')
        .argument('<id>')
        .description('Change a product; stages move one step forward only'),
    ),
    { role: 'supply' },
    async (app, opts, [id]) => {
      const changes = parseInput(ProductChanges, pickOptions(opts, FIELDS));
      const p = await updateProduct(app, app.actor, id!, changes, app.idempotencyKey);
      return { json: p, text: `updated ${summary(p)}` };
    },
  );
}
