/**
 * The self-mining and treasury commands as a user runs them: real processes on one fresh database.
 * Each process opens the database anew, so the steps are few and each checks several things.
 */
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshCliEnv, runCli } from '../testing/cli.js';

describe('hashforge mining and treasury', { timeout: 600_000 }, () => {
  const env = freshCliEnv();
  const run = (...args: string[]) => runCli(args, env);

  it('sets up a site, deploys within its capacity, installs, and shows status against the target', async () => {
    expect((await run('market', 'import', 'data/market/btc_daily.csv')).status).toBe(0);
    const machine = await run(
      ...[
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
      ],
      ...['--stage', 'mass-production', '--generation', '12', '--ths', '90', '--watts', '3420'],
      ...['--chips-per-machine', '330', '--hashboards', '3'],
    );
    expect(machine.status, machine.stderr).toBe(0);
    const sg = await run(
      ...['mining', 'site', 'add', '--code', 'SG1', '--name', 'Singapore One', '--country', 'SG'],
      ...[
        '--capacity-mw',
        '1',
        '--usd-per-kwh',
        '0.05',
        '--price-from',
        '2021-01-01',
        '--status',
        'approved',
      ],
      ...['--permit-ref', 'EMA-2021-17'],
    );
    expect(sg.status, sg.stderr).toBe(0);
    const bad = await run(
      ...['mining', 'site', 'add', '--code', 'X1', '--name', 'X', '--country', 'SG'],
      ...['--capacity-mw', 'lots', '--usd-per-kwh', '0.05'],
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: --capacity-mw: must be a number/);
    // A country by name is refused: sites name it by code, as customers and repair centres do.
    const named = await run(
      ...['mining', 'site', 'add', '--code', 'X1', '--name', 'X', '--country', 'Singapore'],
      ...['--capacity-mw', '1', '--usd-per-kwh', '0.05'],
    );
    expect(named.status).toBe(2);
    expect(named.stderr).toMatch(/^error: --country: must be an ISO 3166-1 alpha-2 country code/);
    // 300 × 3,420 W = 1.026 MW on a 1 MW site
    const over = await run(
      'mining',
      'deploy',
      '--site',
      'SG1',
      '--model',
      'A1246',
      '--units',
      '300',
      '--serial-prefix',
      'SG-',
    );
    expect(over.status).toBe(3);
    expect(over.stderr).toMatch(/0.026 MW more than it has/);
    const deployed = await run(
      ...[
        'mining',
        'deploy',
        '--site',
        'SG1',
        '--model',
        'A1246',
        '--units',
        '200',
        '--serial-prefix',
        'SG-',
      ],
      ...['--shipped-on', '2021-03-01'],
    );
    expect(deployed.status, deployed.stderr).toBe(0);
    expect(deployed.stdout).toMatch(/200 × A1246 to SG1.*18.00 PH\/s/);
    const serials = join(tmpdir(), `hf-serials-${process.pid}.txt`);
    writeFileSync(
      serials,
      Array.from({ length: 200 }, (_, i) => `SG-${String(i + 1).padStart(4, '0')}`).join('\n'),
    );
    expect((await run('mining', 'install', '--serials-file', serials, '--on', '2021-03-10')).status).toBe(0);
    expect(
      (
        await run(
          'mining',
          'target',
          'set',
          '--by',
          '2021-12-31',
          '--low',
          '2 EH',
          '--high',
          '4 EH',
          '--set-on',
          '2021-01-04',
        )
      ).status,
    ).toBe(0);
    // Set (dated) in January: unknown to a status of the December before.
    expect((await run('mining', 'status', '--on', '2020-12-31')).stdout).toMatch(/no target set/);
    const status = await run('mining', 'status', '--on', '2021-06-30');
    expect(status.status, status.stderr).toBe(0);
    expect(status.stdout).toMatch(/installed 18.00 PH\/s/);
    expect(status.stdout).toMatch(
      /2.00 EH\/s - 4.00 EH\/s by 2021-12-31 \(184 days left\): below, 0.9% of the low end/,
    );
    // After its by-day the target is not counted down: it says it ended, and how.
    const later = await run('mining', 'status', '--on', '2022-03-31');
    expect(later.stdout).toMatch(/by 2021-12-31 \(ended, missed on 2021-12-31\): below/);
    // The quarter's figures list each site's installed beside its measured, as the API does.
    const quarter = await run('mining', 'quarter', '2021Q2');
    expect(quarter.status, quarter.stderr).toBe(0);
    expect(quarter.stdout).toMatch(/^site +status +installed PH\/s +measured PH\/s$/m);
    expect(quarter.stdout).toMatch(/^SG1 +approved +18\.00 +not measured$/m);
    expect(quarter.stdout).toMatch(/^target +below, 0\.9% of low end/m);
    // The share of production in words: nothing built or shipped in the quarter; from January the
    // machines went to a site while supply built none, counted, not a share (n/a, or over 100 %).
    expect(quarter.stdout).toMatch(/^share of production +none built or shipped in 2021Q2 /m);
    expect(status.stdout).toMatch(
      /^share of production: [\d,]+ shipped, none built from 2021-01 to 2021-06: all from earlier stock$/m,
    );
    // Each month's days by what their expectation rests on, adding up to the month: March's before
    // the installation on the 10th too, December's 31 (they read "0/22" and "0/31").
    const earnings = await run('mining', 'earnings', '--from', '2021-03', '--to', '2021-12');
    expect(earnings.status, earnings.stderr).toBe(0);
    expect(earnings.stdout).toMatch(/^2021-03 .* 31 d: 22 installed, 9 no hashrate/m);
    expect(earnings.stdout).toMatch(/^2021-12 .* 31 d: 31 installed/m);
    // A quarter after the by-day says how the target ended, as the status does.
    const after = await run('mining', 'quarter', '2022Q1');
    expect(after.stdout).toMatch(/^target +ended 2021-12-31, missed: below/m);
  });

  it('imports payouts, gives the balance on a day, and holds BTC unless an admin overrides', async () => {
    const payouts = join(tmpdir(), `hf-payouts-${process.pid}.json`);
    const december = Array.from({ length: 31 }, (_, i) => ({
      date: `2021-12-${String(i + 1).padStart(2, '0')}`,
      pool: 'F2Pool',
      btc: '0.0105',
    }));
    writeFileSync(payouts, JSON.stringify(december));
    const imported = await run('treasury', 'import-payouts', payouts);
    expect(imported.status, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/imported 31 payouts into btc, 2021-12-01 .. 2021-12-31, 0.32550000 BTC/);
    const balance = await run('treasury', 'balance', '--on', '2021-12-31');
    expect(balance.stdout).toMatch(/btc\s+BTC\s+0.32550000 BTC/);
    const refused = await run('treasury', 'sell', '--btc', '0.1', '--on', '2021-12-31');
    expect(refused.status).toBe(3);
    expect(refused.stderr).toMatch(/hold policy/);
    const sold = await run(
      ...['treasury', 'sell', '--btc', '0.1', '--on', '2021-12-31'],
      ...['--override', '--reason', 'pay the December power bill'],
    );
    expect(sold.status, sold.stderr).toBe(0);
    expect(sold.stdout).toMatch(/FLAGGED against the hold policy: pay the December power bill/);
  });

  it('advises curtailment on a day and says what it saves', async () => {
    const cheap = await run('mining', 'advise', '--on', '2022-06-18');
    expect(cheap.status, cheap.stderr).toBe(0);
    expect(cheap.stdout).toMatch(/SG1\s+A1246\s+200\s+keep-on/);
    expect(
      (await run('mining', 'site', 'price', 'SG1', '--usd-per-kwh', '0.12', '--from', '2022-06-01')).status,
    ).toBe(0);
    const dear = await run('mining', 'advise', '--on', '2022-06-18');
    // per machine: 3.42 kW × 24 h × $0.12 = $9.85 of power against $7.25 of expected revenue
    expect(dear.stdout).toMatch(/SG1\s+A1246\s+200\s+switch-off\s+\$520.00/);
    expect(dear.stdout).toMatch(/switch off 200 machine\(s\), saving \$520.00 a day/);
  });
});
