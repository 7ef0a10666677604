/**
 * The commands that record what happens to a contract: payment, refund, delivery, cancellation
 * (whole, a tranche, or units of a line), reschedule, and the adjustment of a payment.
 */
import type { Command } from 'commander';
import { defineAction } from '../cli/command.js';
import { parseId, parseInput, pickOptions } from '../cli/input.js';
import { invalid } from '../kernel/errors.js';
import { adjustPayment, getPaymentAdjustments } from './adjustments.js';
import { collect, contractId, describeContract, usd } from './commands-format.js';
import { Cancellation, Delivery, Payment, PaymentAdjustment, Refund, Reschedule } from './schemas.js';
import {
  cancelContract,
  recordDelivery,
  recordPayment,
  recordRefund,
  rescheduleTranches,
} from './service.js';

export function registerContractEventCommands(salesCmd: Command): void {
  const eventCommand = (name: string, description: string) =>
    salesCmd
      .command(name)
      .description(description)
      .argument('<contract>', 'contract number')
      .requiredOption('--day <day>', 'e.g. 2021-01-15');

  defineAction(
    eventCommand('pay', 'Record a payment received')
      .requiredOption('--amount <usd>', 'e.g. 810000.00')
      .option('--reference <text>'),
    { role: 'finance', options: { amountUsd: '--amount' } },
    async (app, opts, [id]) => {
      const input = parseInput(Payment, {
        day: opts.day,
        amountUsd: opts.amount,
        ...pickOptions(opts, ['reference']),
      });
      const r = await recordPayment(app, app.actor, contractId(id), input, app.idempotencyKey);
      return { json: r, text: `payment of ${usd(input.amountUsd)} recorded\n${describeContract(r)}` };
    },
  );
  defineAction(
    eventCommand('refund', 'Record a refund paid back')
      .requiredOption('--amount <usd>')
      .option('--reason <text>'),
    { role: 'finance', options: { amountUsd: '--amount' } },
    async (app, opts, [id]) => {
      const input = parseInput(Refund, {
        day: opts.day,
        amountUsd: opts.amount,
        ...pickOptions(opts, ['reason']),
      });
      const r = await recordRefund(app, app.actor, contractId(id), input, app.idempotencyKey);
      return { json: r, text: `refund of ${usd(input.amountUsd)} recorded\n${describeContract(r)}` };
    },
  );
  defineAction(
    eventCommand('deliver', 'Record a delivery; it consumes the earliest open tranches').requiredOption(
      '--line <line:units>',
      'e.g. 1:400; repeat for more lines',
      collect,
      [],
    ),
    { role: ['sales', 'supply'], options: { lines: '--line' } },
    async (app, opts, [id]) => {
      const lines = (opts.line as string[]).map((l) => {
        const [lineId, units] = l.split(':');
        return { lineId, units };
      });
      const r = await recordDelivery(
        app,
        app.actor,
        contractId(id),
        parseInput(Delivery, { day: opts.day, lines }),
        app.idempotencyKey,
      );
      const effect = r.effect.type === 'delivery' ? r.effect : undefined;
      return {
        json: r,
        text: `delivery recorded, revenue ${usd(effect?.revenueCents ?? 0n)}\n${describeContract(r)}`,
      };
    },
  );
  defineAction(
    eventCommand('cancel', 'Cancel what is not yet delivered: all of it, a tranche, or units of a line')
      .option('--tranche <n>', 'cancel the open units of this tranche (of --line, default the only line)')
      .option('--line <n>', 'the line; with --units alone, units of the line, latest tranches first')
      .option('--units <u>', 'how many units (default: all open units of the tranche)')
      .option('--reason <text>'),
    {
      role: ['sales', 'finance'],
      options: { 'parts.0.tranche': '--tranche', 'parts.0.lineId': '--line', 'parts.0.units': '--units' },
    },
    async (app, opts, [id]) => {
      const part = pickOptions(opts, ['tranche', 'units']);
      const whole = opts.tranche === undefined && opts.units === undefined;
      if (whole && opts.line !== undefined)
        throw invalid('--line', '--line needs --tranche or --units: say what of the line to cancel.');
      const input = parseInput(Cancellation, {
        day: opts.day,
        ...pickOptions(opts, ['reason']),
        ...(whole ? {} : { parts: [{ ...part, ...(opts.line === undefined ? {} : { lineId: opts.line }) }] }),
      });
      const r = await cancelContract(app, app.actor, contractId(id), input, app.idempotencyKey);
      const e = r.effect.type === 'cancellation' ? r.effect : undefined;
      return {
        json: r,
        text: `cancelled ${usd(e?.valueCents ?? 0n)}, deposit forfeited ${usd(e?.forfeitedCents ?? 0n)}\n${describeContract(r)}`,
      };
    },
  );
  defineAction(
    eventCommand('reschedule', 'Move open tranches to other months')
      .requiredOption(
        '--move <line.tranche=month[:units]>',
        'e.g. 1.3=2021-06 or 1.3=2021-06:100; repeat for more',
        collect,
        [],
      )
      .option('--reason <text>'),
    { role: ['sales', 'finance'] },
    async (app, opts, [id]) => {
      const moves = (opts.move as string[]).map((m) => {
        const match = /^(\d+)\.(\d+)=([^:]+)(?::(\d+))?$/.exec(m.trim());
        if (!match)
          throw invalid(
            'moves',
            `--move must be LINE.TRANCHE=MONTH[:UNITS], such as 1.3=2021-06, got "${m}".`,
          );
        return {
          lineId: match[1],
          tranche: match[2],
          month: match[3],
          ...(match[4] ? { units: match[4] } : {}),
        };
      });
      const input = parseInput(Reschedule, {
        day: opts.day,
        moves,
        ...pickOptions(opts, ['reason']),
      });
      const r = await rescheduleTranches(app, app.actor, contractId(id), input, app.idempotencyKey);
      return { json: r, text: `rescheduled\n${describeContract(r)}` };
    },
  );

  defineAction(
    salesCmd
      .command('adjust-payment')
      .description(
        'Correct a payment recorded wrong (one in a closed period too): a new entry dated --day that names the payment',
      )
      .argument('<payment>', "the payment's event id (see `hashforge sales show` or the entries)")
      .requiredOption('--day <day>', 'the day of the correction, in an open period')
      .requiredOption(
        '--amount <usd>',
        'signed difference: what was really paid minus what was recorded, e.g. -10000.00',
      )
      .requiredOption('--reason <text>', 'what was wrong'),
    { role: 'finance', options: { amountUsd: '--amount' } },
    async (app, opts, [payment]) => {
      const input = parseInput(PaymentAdjustment, {
        day: opts.day,
        amountUsd: opts.amount,
        reason: opts.reason,
      });
      const r = await adjustPayment(app, app.actor, parseId(payment, 'payment'), input, app.idempotencyKey);
      return {
        json: r,
        text: `payment ${payment} adjusted by ${usd(input.amountUsd)} on ${input.day}\n${describeContract(r)}`,
      };
    },
  );
  defineAction(
    salesCmd
      .command('payment-adjustments')
      .description('A payment as recorded and as it stands, with the adjustments that correct it')
      .argument('<payment>', "the payment's event id"),
    { role: 'viewer' },
    async (app, _opts, [payment]) => {
      const p = await getPaymentAdjustments(app, parseId(payment, 'payment'));
      return {
        json: p,
        text: [
          `payment ${p.eventId} on contract ${p.contractId}, ${p.day}: recorded ${usd(p.recordedCents)}, stands at ${usd(p.amountCents)}`,
          ...p.adjustments.map(
            (a) => `  ${a.eventId} ${a.day} (${a.quarter}) ${usd(a.amountCents)} by ${a.actor}: ${a.reason}`,
          ),
        ].join('\n'),
      };
    },
  );
}
