import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command } from 'commander';
import { defineAction, listing } from '../cli/command.js';
import { parseInput } from '../cli/input.js';
import { formatBtc } from '../kernel/bitcoin.js';
import { invalid } from '../kernel/errors.js';
import { formatHashrate } from '../kernel/hashrate.js';
import { formatUsd } from '../kernel/money.js';
import { hashpriceUsdPerThDay } from './model.js';
import { DayParam, RangeQuery } from './schemas.js';
import { describeDay, importMarketCsv, marketDays, requireMarketOn } from './service.js';

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw invalid('file', `Cannot read ${path}: no such file or not readable.`);
  }
}

export function registerMarketCommands(program: Command): void {
  const market = program
    .command('market')
    .description('Bitcoin price, difficulty, fees and machine spot prices');
  defineAction(
    market
      .command('import')
      .argument('<file>', 'CSV: date,btc_usd,difficulty,fees_per_block_btc[,spot_usd_per_th]')
      .description('Import market days, all or nothing'),
    { role: ['finance', 'supply'] },
    async (app, _opts, [file]) => {
      const result = await importMarketCsv(app, app.actor, readFile(file!), {
        source: basename(file!),
        idempotencyKey: app.idempotencyKey,
      });
      return { json: result, text: `imported ${result.imported} days, ${result.first} .. ${result.last}` };
    },
  );
  defineAction(
    market
      .command('show')
      .argument('<day>', 'UTC day, e.g. 2021-01-15')
      .description('The market in force on a day'),
    { role: 'viewer' },
    async (app, _opts, [day]) => {
      const d = describeDay(await requireMarketOn(app, parseInput(DayParam, { day }).day));
      const text = [
        `market in force on ${day} (recorded ${d.day})`,
        `BTC/USD          ${formatUsd(d.btcUsd)}`,
        `difficulty       ${d.difficulty.toExponential(4)}`,
        `network hashrate ${formatHashrate(d.networkHashrateThs)}`,
        `block subsidy    ${formatBtc(d.blockSubsidySats)}`,
        `fees per block   ${formatBtc(d.feesPerBlockSats)}`,
        `hashprice        $${d.hashpriceUsdPerThDay.toFixed(4)} per TH/s per day`,
        `spot USD/TH      ${d.spotUsdPerTh !== undefined ? formatUsd(d.spotUsdPerTh) : 'not recorded'}`,
      ].join('\n');
      return { json: d, text };
    },
  );
  defineAction(
    market
      .command('range')
      .requiredOption('--from <day>')
      .requiredOption('--to <day>')
      .description('Market days in a range'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const q = parseInput(RangeQuery, { from: opts.from, to: opts.to });
      return listing(marketDays(app, q.from, q.to), {
        json: describeDay,
        columns: ['day', 'BTC/USD', 'difficulty', 'hashprice $/TH/d'],
        cells: (d) => ({
          day: d.day,
          'BTC/USD': formatUsd(d.btcUsd),
          difficulty: d.difficulty.toExponential(3),
          'hashprice $/TH/d': hashpriceUsdPerThDay(d).toFixed(4),
        }),
      });
    },
  );
}
