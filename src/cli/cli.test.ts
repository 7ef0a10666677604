import { describe, expect, it } from 'vitest';
import { freshCliEnv, runCli } from '../testing/cli.js';

describe('the hashforge command', { timeout: 600_000 }, () => {
  const env = freshCliEnv();

  it('prints help for every command and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('catalog');
    expect((await runCli(['catalog', 'add', '--help'])).stdout).toContain('--chips-per-machine');
  });

  it('creates a token once, printing the secret, and lists it without the secret', async () => {
    const created = await runCli(['token', 'create', '--role', 'finance', '--name', 'alice'], env);
    expect(created.status, created.stderr).toBe(0);
    const token = created.stdout.split('\n')[0]!;
    expect(token).toMatch(/^hf_/);
    const listed = await runCli(['token', 'list', '--json'], env);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).not.toContain(token);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ name: 'alice', role: 'finance' });
    const asFinance = await runCli(
      [
        'catalog',
        'add',
        '--kind',
        'ai-chip',
        '--id',
        'K1',
        '--name',
        'k',
        '--family',
        'K',
        '--stage',
        'development',
        '--tier',
        'vision',
        '--tops',
        '1',
        '--process-nm',
        '7',
        '--token',
        token,
      ],
      env,
    );
    expect(asFinance.status, asFinance.stderr).toBe(4);
    expect(asFinance.stderr).toMatch(/needs the role supply/);
  });

  it('creates a token with --expires-in, lists its expiry and last use, and refuses a bad duration naming the option', async () => {
    const before = Date.now();
    const created = await runCli(
      ['token', 'create', '--role', 'viewer', '--name', 'temp', '--expires-in', '30d', '--json'],
      env,
    );
    expect(created.status, created.stderr).toBe(0);
    const { token, info } = JSON.parse(created.stdout);
    const expires = Date.parse(info.expiresAt);
    expect(expires - before).toBeGreaterThanOrEqual(30 * 86_400_000);
    expect(expires - Date.now()).toBeLessThanOrEqual(30 * 86_400_000);
    expect((await runCli(['audit', '--token', token], env)).status).toBe(4);
    const listed = await runCli(['token', 'list'], env);
    const line = listed.stdout.split('\n').find((l) => l.includes('\ttemp\t'));
    expect(line).toContain(`expires ${info.expiresAt}`);
    expect(line).toMatch(/last used \d{4}-/);
    for (const bad of ['soon', '0d', '30m', '-1d', '4000d']) {
      const r = await runCli(
        ['token', 'create', '--role', 'viewer', '--name', 'x', '--expires-in', bad],
        env,
      );
      expect(r.status, bad).toBe(2);
      expect(r.stderr, bad).toMatch(/^error: --expires-in: must be/);
    }
  });

  it('adds and lists products as JSON', async () => {
    const added = await runCli(
      [
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
        '330',
        '--hashboards',
        '3',
        '--stage',
        'mass-production',
        '--launch-date',
        '2020-10-01',
        '--json',
      ],
      env,
    );
    expect(added.status, added.stderr).toBe(0);
    expect(JSON.parse(added.stdout)).toMatchObject({ id: 'A1246', joulesPerTh: 38 });
    const listed = await runCli(['catalog', 'list'], env);
    expect(listed.stdout).toMatch(/A1246\s+machine\s+A12\s+mass-production\s+90\s+3,420\s+38\.0\s/);
    const audit = await runCli(['audit', '--since', '2000-01-01'], env);
    expect(audit.stdout).toContain('catalog.product-added');
  });

  it('exits 2 with one line naming the field for bad input, and writes nothing', async () => {
    const before = (await runCli(['audit', '--json'], env)).stdout;
    const bad = await runCli(
      [
        'catalog',
        'add',
        '--kind',
        'machine',
        '--id',
        'X1',
        '--name',
        'x',
        '--family',
        'X',
        '--generation',
        '1',
        '--ths',
        'lots',
        '--watts',
        '1',
        '--chips-per-machine',
        '1',
        '--hashboards',
        '1',
        '--stage',
        'development',
      ],
      env,
    );
    expect(bad.status, bad.stderr).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toBe('error: --ths: must be a number\n');
    // A field the API names otherwise is named as the option that fed it.
    const pay = await runCli(['sales', 'pay', '1', '--day', '2021-01-05', '--amount', 'ten'], env);
    expect(pay.status, pay.stderr).toBe(2);
    expect(pay.stderr).toMatch(/^error: --amount: /);
    expect(pay.stderr).not.toContain('amountUsd');
    // A value inside a repeated option is named by the option and its place among them.
    const deliver = await runCli(['sales', 'deliver', '1', '--day', '2021-01-05', '--line', '1:abc'], env);
    expect(deliver.status, deliver.stderr).toBe(2);
    expect(deliver.stderr).toBe('error: --line #1 units: must be a number\n');
    // An empty reason is refused like any other bad value, not dropped.
    const refund = await runCli(
      ['sales', 'refund', '1', '--day', '2021-01-05', '--amount', '1', '--reason', ' '],
      env,
    );
    expect(refund.status, refund.stderr).toBe(2);
    expect(refund.stderr).toMatch(/^error: --reason: /);
    // A usage error is one line too.
    const usage = await runCli(['supply', 'plan', '--from', '2021-01'], env);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toBe("error: required option '--to <month>' not specified (add --help for usage)\n");
    const missing = await runCli(['catalog', 'add', '--kind', 'machine'], env);
    expect(missing.status, missing.stderr).toBe(2);
    const unknownFile = await runCli(['market', 'import', '/nonexistent.csv'], env);
    expect(unknownFile.status, unknownFile.stderr).toBe(2);
    expect(unknownFile.stderr).toContain('file');
    expect((await runCli(['audit', '--json'], env)).stdout).toBe(before);
  });
});
