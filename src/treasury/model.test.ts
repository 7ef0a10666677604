import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import { checkFunds, checkHoldPolicy, costBasisOfHeld, markToMarket, parsePayouts } from './model.js';

const caught = (f: () => unknown): AppError | undefined => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  return undefined;
};

describe('hold policy', () => {
  const reason = 'Pay the Q3 foundry invoice in cash';
  it('refuses a sale without an override', () => {
    const e = caught(() => checkHoldPolicy({ role: 'admin', override: false, reason }));
    expect(e?.code).toBe('treasury.hold-policy');
    expect(e?.kind).toBe('conflict');
    expect(e?.field).toBe('override');
  });
  it('refuses an override without a real reason', () => {
    expect(caught(() => checkHoldPolicy({ role: 'admin', override: true, reason: undefined }))?.field).toBe(
      'reason',
    );
    expect(
      caught(() => checkHoldPolicy({ role: 'admin', override: true, reason: '   because  ' }))?.field,
    ).toBe('reason');
  });
  it('refuses an override by anyone but an admin', () => {
    for (const role of ['finance', 'ops', 'viewer'] as const) {
      const e = caught(() => checkHoldPolicy({ role, override: true, reason }));
      expect(e?.message).toContain(role);
    }
  });
  it('lets an admin sell with an override and a reason, keeping the reason', () => {
    expect(checkHoldPolicy({ role: 'admin', override: true, reason: `  ${reason} ` })).toBe(reason);
  });
});

describe('funds', () => {
  it('never lets an outflow exceed the lowest balance from its day on (property)', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 10n ** 15n), fc.bigInt(1n, 10n ** 15n), (lowest, amount) => {
        const e = caught(() =>
          checkFunds({
            account: 'btc',
            currency: 'BTC',
            amount,
            day: '2021-06-01',
            lowestFrom: lowest,
            field: 'btc',
          }),
        );
        expect(e === undefined).toBe(amount <= lowest);
        if (e) expect(e.code).toBe('treasury.insufficient-funds');
      }),
    );
  });
  it('says how much the account holds', () => {
    const e = caught(() =>
      checkFunds({
        account: 'btc',
        currency: 'BTC',
        amount: 2n,
        day: '2021-06-01',
        lowestFrom: 1n,
        field: 'btc',
      }),
    );
    expect(e?.message).toContain('0.00000001 BTC');
  });
});

describe('valuation', () => {
  it('values BTC held at the day price against its mining cost', () => {
    // 2 BTC mined for $20,000 of energy, 1.5 BTC still held, BTC at $46,306.45
    const basis = costBasisOfHeld(2_000_000n, 200_000_000n, 150_000_000n);
    expect(basis).toBe(1_500_000n);
    const v = markToMarket(150_000_000n, 4_630_645n, basis);
    expect(v.valueCents).toBe(6_945_968n); // 6,945,967.5 → even
    expect(v.unrealisedGainCents).toBe(5_445_968n);
  });
  it('gives no cost basis to nothing', () => {
    expect(costBasisOfHeld(1000n, 0n, 5n)).toBe(0n);
    expect(costBasisOfHeld(1000n, 10n, 0n)).toBe(0n);
    expect(costBasisOfHeld(1000n, 10n, 20n)).toBe(1000n);
  });
  it('cost basis never exceeds the whole mining cost (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt(0n, 10n ** 12n),
        fc.bigInt(1n, 10n ** 12n),
        fc.bigInt(0n, 10n ** 12n),
        (c, m, h) => {
          const basis = costBasisOfHeld(c, m, h);
          expect(basis >= 0n && basis <= c).toBe(true);
        },
      ),
    );
  });
});

describe('payout files', () => {
  it('reads CSV with columns in any order', () => {
    const r = parsePayouts(
      'pool,date,btc,reference\nF2Pool,2021-03-02,0.125,tx1\nViaBTC,2021-03-01,1,\n',
      'csv',
    );
    expect(r.rejected).toEqual([]);
    expect(r.rows).toEqual([
      { day: '2021-03-01', pool: 'ViaBTC', sats: 100_000_000n, reference: '' },
      { day: '2021-03-02', pool: 'F2Pool', sats: 12_500_000n, reference: 'tx1' },
    ]);
  });
  it('reads JSON, numbers kept exact', () => {
    const r = parsePayouts(
      JSON.stringify({
        payouts: [
          { date: '2021-03-01', pool: 'F2Pool', btc: 0.1 },
          { day: '2021-03-02', pool: 'F2Pool', btc: '0.00000001' },
        ],
      }),
      'json',
    );
    expect(r.rows.map((x) => x.sats)).toEqual([10_000_000n, 1n]);
  });
  it('names every bad field by line', () => {
    const r = parsePayouts(
      'date,pool,btc\n2021-02-30,F2Pool,0.1\n2021-03-01,,0.123456789\n2021-03-01,F2Pool,-1\n',
      'csv',
    );
    expect(r.rows).toEqual([]);
    expect(r.rejected.map((x) => `${x.line}:${x.field}`)).toEqual(['2:date', '3:pool', '3:btc', '4:btc']);
  });
  it('refuses the same payout twice in one file', () => {
    const r = parsePayouts('date,pool,btc\n2021-03-01,F2Pool,0.1\n2021-03-01,F2Pool,0.2\n', 'csv');
    expect(r.rows).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ line: 3, field: 'reference' });
  });
  it('refuses a file without the needed columns or that is not JSON', () => {
    expect(caught(() => parsePayouts('date,amount\n', 'csv'))?.field).toBe('csv');
    expect(caught(() => parsePayouts('{', 'json'))?.field).toBe('json');
    expect(caught(() => parsePayouts('{"a":1}', 'json'))?.field).toBe('json');
  });
});
