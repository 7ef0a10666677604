import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseInput, pickOptions } from '../cli/input.js';
import { table } from '../cli/table.js';
import { formatBtc } from '../kernel/bitcoin.js';
import { parseQuarter } from '../kernel/calendar.js';
import { invalid } from '../kernel/errors.js';
import { formatUsd } from '../kernel/money.js';
import { CURRENCIES, formatAmount, MOVEMENT_SOURCES, PAYOUT_FORMATS } from './model.js';
import { MovementQuery, NewAccount, OnQuery, PayoutImport, Sale, Transfer } from './schemas.js';
import {
  addAccount,
  balancesOn,
  importPayouts,
  listAccounts,
  listMovements,
  sellBtc,
  transfer,
} from './service.js';
import { treasuryQuarter, valueTreasury } from './valuation.js';

function readFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw invalid('file', `Cannot read ${path}: no such file or not readable.`);
  }
}

export function registerTreasuryCommands(program: Command): void {
  const treasury = program
    .command('treasury')
    .description('BTC and USD accounts, payouts, the hold policy, valuation');

  defineAction(treasury.command('accounts').description('List accounts'), { role: 'viewer' }, async (app) => {
    const accounts = await listAccounts(app);
    return {
      json: accounts,
      text: table(
        accounts.map((a) => ({ ...a })),
        ['code', 'currency', 'name'],
      ),
    };
  });
  defineAction(
    treasury
      .command('account-add')
      .description('Open an account')
      .requiredOption('--code <code>')
      .requiredOption('--name <name>')
      .requiredOption('--currency <currency>', CURRENCIES.join(' | ')),
    { role: 'finance' },
    async (app, opts) => {
      const a = await addAccount(
        app,
        app.actor,
        parseInput(NewAccount, pickOptions(opts, ['code', 'name', 'currency'])),
        app.idempotencyKey,
      );
      return { json: a, text: `account ${a.code} (${a.currency}) opened: ${a.name}` };
    },
  );
  defineAction(
    treasury.command('balance').description('Every account at the end of a day').requiredOption('--on <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const b = await balancesOn(app, parseInput(OnQuery, { on: opts.on }).on);
      return {
        json: b,
        text: [
          `balances at the end of ${b.on}`,
          table(
            b.accounts.map((a) => ({
              account: a.code,
              currency: a.currency,
              balance: a.shown,
              name: a.name,
            })),
            ['account', 'currency', 'balance', 'name'],
          ),
          `total BTC ${formatBtc(b.btcSats)}, USD ${formatUsd(b.usdCents)}`,
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('movements')
      .description('Movements with their source')
      .option('--from <day>')
      .option('--to <day>')
      .option('--account <code>')
      .option('--source <source>', MOVEMENT_SOURCES.join(' | '))
      .option('--flagged', 'only sales made against the hold policy'),
    { role: 'viewer', lists: true },
    async (app, opts) => {
      const q = parseInput(MovementQuery, pickOptions(opts, ['from', 'to', 'account', 'source', 'flagged']));
      const ms = await listMovements(app, q);
      const rows = ms.map((m) => ({
        id: m.id,
        day: m.day,
        account: m.account,
        amount: formatAmount(m.currency, m.amount),
        source: m.source,
        detail: m.pool ?? m.counterAccount ?? '',
        flagged: m.flagged ? `FLAGGED: ${m.reason}` : '',
      }));
      return {
        json: ms,
        text: table(rows, ['id', 'day', 'account', 'amount', 'source', 'detail', 'flagged']),
      };
    },
  );
  defineAction(
    treasury
      .command('import-payouts')
      .argument('<file>', 'CSV (date,pool,btc[,reference]) or JSON ([{date,pool,btc,reference?}])')
      .description('Import pool payouts into a BTC account, all or nothing')
      .option('--format <format>', `${PAYOUT_FORMATS.join(' | ')} (default: from the file extension)`)
      .option('--account <code>', 'BTC account', 'btc'),
    { role: 'finance' },
    async (app, opts, [file]) => {
      const text = readFile(file!);
      const format =
        (opts.format as string | undefined) ?? (extname(file!).toLowerCase() === '.json' ? 'json' : 'csv');
      let body: unknown;
      if (format === 'csv') body = { csv: text, account: opts.account };
      else if (format === 'json') {
        try {
          const parsed = JSON.parse(text) as unknown;
          const list = Array.isArray(parsed) ? parsed : (parsed as { payouts?: unknown })?.payouts;
          body = { payouts: list, account: opts.account };
        } catch {
          throw invalid('file', `${file} is not valid JSON.`);
        }
      } else throw invalid('format', `--format must be ${PAYOUT_FORMATS.join(' or ')}, got "${format}".`);
      const r = await importPayouts(app, app.actor, parseInput(PayoutImport, body), {
        source: basename(file!),
        idempotencyKey: app.idempotencyKey,
      });
      return {
        json: r,
        text: `imported ${r.imported} payouts into ${r.account}, ${r.first} .. ${r.last}, ${formatBtc(r.totalSats)}`,
      };
    },
  );
  defineAction(
    treasury
      .command('sell')
      .description('Sell BTC: refused by the hold policy unless an admin overrides it with a reason')
      .requiredOption('--btc <amount>')
      .requiredOption('--on <day>')
      .option('--usd <amount>', 'proceeds (default: the market price of the day)')
      .option('--from-account <code>', 'BTC account', 'btc')
      .option('--to-account <code>', 'USD account', 'usd')
      .option('--override', 'override the hold policy (admins only)')
      .option('--reason <text>', 'why the hold policy is overridden'),
    { role: 'finance', options: { day: '--on' } },
    async (app, opts) => {
      const input = parseInput(Sale, {
        ...pickOptions(opts, ['btc', 'usd', 'fromAccount', 'toAccount', 'reason']),
        day: opts.on,
        override: opts.override === true,
      });
      const s = await sellBtc(app, app.actor, input, app.idempotencyKey);
      return {
        json: s,
        text: `sold ${formatBtc(s.soldSats)} for ${formatUsd(s.proceedsCents)} on ${s.day} at ${formatUsd(s.btcUsd)}/BTC; FLAGGED against the hold policy: ${s.reason}`,
      };
    },
  );
  defineAction(
    treasury
      .command('transfer')
      .description('Move funds between two accounts of one currency')
      .requiredOption('--from-account <code>')
      .requiredOption('--to-account <code>')
      .requiredOption('--amount <amount>')
      .requiredOption('--on <day>')
      .option('--reference <text>'),
    { role: 'finance', options: { day: '--on' } },
    async (app, opts) => {
      const input = parseInput(Transfer, {
        ...pickOptions(opts, ['fromAccount', 'toAccount', 'amount', 'reference']),
        day: opts.on,
      });
      const t = await transfer(app, app.actor, input, app.idempotencyKey);
      return {
        json: t,
        text: `moved ${formatAmount(t.currency, t.amount)} from ${input.fromAccount} to ${input.toAccount} on ${t.day}`,
      };
    },
  );
  defineAction(
    treasury
      .command('quarter')
      .argument('<quarter>', 'e.g. 2021Q4')
      .description("The quarter's treasury figures and their sources"),
    { role: 'viewer' },
    async (app, _opts, [quarter]) => {
      const q = await treasuryQuarter(app, parseQuarter(quarter!, 'quarter'));
      const line = (name: string, value: string, source: string) =>
        `${name.padEnd(18)} ${value.padEnd(24)} ${source}`;
      const sales = q.flaggedSales.value.map(
        (s) =>
          `  ${s.day} sold ${formatBtc(s.soldSats)} for ${formatUsd(s.proceedsCents)} by ${s.actor}: ${s.reason}`,
      );
      return {
        json: q,
        text: [
          `treasury, ${q.quarter} (end ${q.end})`,
          line('BTC held', formatBtc(q.btcHeldSats.value), q.btcHeldSats.source),
          line(
            'value',
            q.valueCents.value === null ? 'no market data' : formatUsd(q.valueCents.value),
            q.valueCents.source,
          ),
          line(
            'unrealised gain',
            q.unrealisedGainCents.value === null ? 'n/a' : formatUsd(q.unrealisedGainCents.value),
            q.unrealisedGainCents.source,
          ),
          line('mined in quarter', formatBtc(q.minedInQuarterSats.value), q.minedInQuarterSats.source),
          line('flagged sales', String(q.flaggedSales.value.length), q.flaggedSales.source),
          ...sales,
        ].join('\n'),
      };
    },
  );
  defineAction(
    treasury
      .command('value')
      .description('BTC held at the day price, against its mining cost')
      .requiredOption('--on <day>'),
    { role: 'viewer' },
    async (app, opts) => {
      const v = await valueTreasury(app, parseInput(OnQuery, { on: opts.on }).on);
      return {
        json: v,
        text: [
          `treasury at the end of ${v.on} (BTC ${formatUsd(v.btcUsd)}, market of ${v.marketDay})`,
          `BTC held        ${formatBtc(v.heldSats)}`,
          `value           ${formatUsd(v.valueCents)}`,
          `cost of mining  ${formatUsd(v.costBasisCents)} (energy of all mining since ${v.miningCostSince ?? '-'}: ${formatUsd(v.miningCostCents)} for ${formatBtc(v.minedSats)} mined)`,
          `unrealised gain ${formatUsd(v.unrealisedGainCents)}`,
          `USD             ${formatUsd(v.usdCents)}`,
        ].join('\n'),
      };
    },
  );
}
