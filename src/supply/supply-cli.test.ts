/**
 * The acceptance, tried as a new user would: only the `hashforge` command, run as a real
 * child process against a fresh data directory.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, freshCliEnv, runCli } from '../testing/cli.js';

describe('supply from the command line', { timeout: 900_000 }, () => {
  const env = freshCliEnv();
  const ok = async (args: string[]): Promise<CliRun> => {
    const r = await runCli(args, env);
    if (r.status !== 0) throw new Error(`hashforge ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
    return r;
  };

  it('sets up foundries, a ramping partner, an agreement, wafer orders and an order book; the plan shows late tranches and why', async () => {
    await ok([
      'catalog',
      'add',
      '--kind',
      'machine',
      '--id',
      'A1246',
      '--name',
      'AvalonMiner 1246',
      '--family',
      'A12',
      '--generation',
      '12',
      '--ths',
      '90',
      '--watts',
      '3420',
      '--chips-per-machine',
      '100',
      '--hashboards',
      '3',
      '--stage',
      'mass-production',
      '--launch-date',
      '2020-10-01',
      // In the catalogue before the months recommended below (the catalogue as of a month lists it).
      '--added-on',
      '2020-10-01',
    ]);
    const csv = join(env.HASHFORGE_DATA_DIR ?? '/tmp', '..', `market-${process.pid}.csv`);
    writeFileSync(
      csv,
      'date,btc_usd,difficulty,fees_per_block_btc,spot_usd_per_th\n2021-06-01,36500,25000000000000,0.5,50\n',
    );
    await ok(['market', 'import', csv]);

    await ok([
      'supply',
      'foundry',
      'add',
      '--id',
      'tsmc',
      '--name',
      'TSMC',
      '--country',
      'TW',
      '--lead-time-months',
      '3',
    ]);
    await ok(['supply', 'foundry', 'add', '--id', 'newfab', '--name', 'NewFab', '--country', 'KR']);
    await ok([
      'supply',
      'design',
      'add',
      '--id',
      'A12',
      '--name',
      'A12',
      '--process-nm',
      '8',
      '--dies-per-wafer',
      '600',
      '--model',
      'A1246',
    ]);
    await ok([
      'supply',
      'partnership',
      'add',
      '--foundry',
      'tsmc',
      '--design',
      'A12',
      '--start',
      '2019-01',
      '--start-yield',
      '70',
      '--mature-yield',
      '92',
      '--months-to-mature',
      '6',
    ]);
    const ramp = await ok([
      'supply',
      'partnership',
      'add',
      '--foundry',
      'newfab',
      '--design',
      'A12',
      '--start',
      '2021-03',
      '--start-yield',
      '30',
      '--mature-yield',
      '88',
      '--months-to-mature',
      '9',
      '--shape',
      'logistic',
    ]);
    expect(ramp.stdout).toMatch(/yield 30% rising to 88% over 9 months \(logistic\)/);
    await ok([
      'supply',
      'agreement',
      'add',
      '--foundry',
      'tsmc',
      '--wafers-per-month',
      '300',
      '--take-or-pay',
      '100',
      '--start',
      '2021-01',
      '--term',
      '24',
      '--signed-month',
      '2020-12',
    ]);
    await ok([
      'supply',
      'agreement',
      'add',
      '--foundry',
      'newfab',
      '--wafers-per-month',
      '200',
      '--start',
      '2021-03',
      '--term',
      '12',
      '--signed-month',
      '2021-02',
    ]);
    await ok([
      'supply',
      'order',
      'place',
      '--agreement',
      '1',
      '--design',
      'A12',
      '--wafers',
      '100',
      '--month',
      '2021-01',
    ]);
    await ok([
      'supply',
      'order',
      'place',
      '--agreement',
      '1',
      '--design',
      'A12',
      '--wafers',
      '100',
      '--month',
      '2021-02',
    ]);
    const newFab = await ok([
      'supply',
      'order',
      'place',
      '--agreement',
      '2',
      '--design',
      'A12',
      '--wafers',
      '200',
      '--month',
      '2021-03',
    ]);
    expect(newFab.stdout).toMatch(/out 2021-06, 46,740 good dies expected/);
    await ok([
      'supply',
      'order',
      'place',
      '--agreement',
      '1',
      '--design',
      'A12',
      '--wafers',
      '150',
      '--month',
      '2021-03',
    ]);

    // A wafer order beyond the agreement's capacity is refused with the field, exit 3 (a business rule).
    const tooMany = await runCli(
      [
        'supply',
        'order',
        'place',
        '--agreement',
        '2',
        '--design',
        'A12',
        '--wafers',
        '1',
        '--month',
        '2021-03',
      ],
      env,
    );
    expect(tooMany.status).toBe(3);
    expect(tooMany.stderr).toMatch(
      /allows 200 wafers a month; 200 are already ordered in 2021-03.*\(option --wafers\)/,
    );
    // A yield above 100 % is bad input, exit 2.
    const badYield = await runCli(
      [
        'supply',
        'partnership',
        'add',
        '--foundry',
        'newfab',
        '--design',
        'A12',
        '--start',
        '2021-03',
        '--start-yield',
        '30',
        '--mature-yield',
        '120',
      ],
      env,
    );
    expect(badYield.status).toBe(2);
    expect(badYield.stderr).toMatch(/^error: --mature-yield: /);

    // A cancellation without a reason is refused naming it, and nothing is cancelled.
    const noReason = await runCli(
      ['supply', 'order', 'cancel', '4', '--month', '2021-03', '--reason', ' '],
      env,
    );
    expect(noReason.status).toBe(2);
    expect(noReason.stderr).toMatch(/^error: --reason: must say why\n$/);
    expect((await ok(['supply', 'order', 'list', '--status', 'cancelled', '--json'])).stdout.trim()).toBe(
      '[]',
    );
    // An order's number that is not one is refused in one line, not with a stack.
    const notANumber = await runCli(
      ['supply', 'order', 'cancel', 'abc', '--month', '2021-03', '--reason', 'x'],
      env,
    );
    expect(notANumber.status).toBe(2);
    expect(notANumber.stderr).toBe('error: order must be a number such as 12, got "abc". (field: order)\n');
    const badStatus = await runCli(['supply', 'order', 'list', '--status', 'lost'], env);
    expect(badStatus.status).toBe(2);
    expect(badStatus.stderr).toMatch(/^error: --status: must be one of placed, out, received, cancelled\n$/);

    await ok(['supply', 'order', 'out', '1', '--month', '2021-04']);
    await ok(['supply', 'order', 'receive', '1', '--month', '2021-04', '--chips', '50000']);
    const build = await ok(['supply', 'build', '--model', 'A1246', '--month', '2021-04', '--units', '400']);
    expect(build.stdout).toMatch(/400 A1246 built in 2021-04, using 40,000 A12 chips/);

    await ok([
      'sales',
      'customer',
      'add',
      '--name',
      'Northern Hash',
      '--country',
      'CA',
      '--region',
      'north-america',
    ]);
    await ok([
      'sales',
      'contract',
      'add',
      '--customer',
      '1',
      '--kind',
      'futures',
      '--signed-on',
      '2021-01-10',
      '--deposit',
      '30',
      '--line',
      'A1246,3000,30,2021-04:1000;2021-05:1000;2021-06:1000',
    ]);

    const plan = await ok(['supply', 'plan', '--from', '2021-01', '--to', '2021-12']);
    expect(plan.stdout).toMatch(/2021-04 {2}A1246 .* 400 {2}actual/);
    expect(plan.stdout).toMatch(/2021-05 {2}A1246 .* planned {2}chips/);
    expect(plan.stdout).toMatch(/Late tranches \(3,/);
    expect(plan.stdout).toMatch(
      /contract #1 line 1 tranche 1 — Northern Hash, 1,000 A1246 \(futures\), due 2021-04: 600 short/,
    );
    expect(plan.stdout).toMatch(
      /why: Due 2021-04: 600 of 1,000 units short\. In 2021-04, 400 A1246 were available \(400 built, as recorded\)/,
    );
    expect(plan.stdout).toMatch(/NewFab 200 at 38\.95% yield, month 4 of its ramp/);
    expect(plan.stdout).toMatch(/Self-mining got 0 of its 50-unit target: contract tranches due come first/);

    const json = JSON.parse(
      (await ok(['supply', 'plan', '--from', '2021-01', '--to', '2021-12', '--json'])).stdout,
    );
    const late = json.lateTranches.map(
      (t: { dueMonth: string; unitsShortAtDue: number; filledMonth: string | null }) =>
        `${t.dueMonth}: ${t.unitsShortAtDue} short, filled ${t.filledMonth}`,
    );
    expect(late).toEqual([
      '2021-04: 600 short, filled 2021-05',
      '2021-05: 948 short, filled 2021-06',
      '2021-06: 653 short, filled null',
    ]);
  });

  it('recommends fewer wafers at BTC $20,000 than at $60,000 and says why', async () => {
    const at = async (btc: string) =>
      JSON.parse(
        (await ok(['supply', 'recommend', '--month', '2021-06', '--btc-usd', btc, '--json'])).stdout,
      );
    const low = await at('20000');
    const high = await at('60000');
    expect(low.totalWafers).toBeLessThan(high.totalWafers);
    expect(low.explanation.join('\n')).toMatch(/payback 792 days/);
    expect(low.explanation.join('\n')).toMatch(/beyond the 720-day no-demand threshold/);
    expect(high.explanation.join('\n')).toMatch(/within the 240-day full-demand threshold/);
    for (const a of [...low.agreements, ...high.agreements]) {
      expect(a.wafers).toBeGreaterThanOrEqual(a.takeOrPayWafers);
      expect(a.wafers).toBeLessThanOrEqual(a.wafersPerMonth);
    }
    const text = (await ok(['supply', 'recommend', '--month', '2021-06', '--btc-usd', '20000'])).stdout;
    expect(text).toMatch(/Chip order for 2021-06: [\d,]+ wafers \(BTC \$20,000\.00, payback 792 days\)/);
    expect(text).toMatch(/Why:/);
  });
});
