import { describe, expect, it } from 'vitest';
import { cashLines, rollCash, signedCash } from './cash-model.js';

describe('USD cash', () => {
  it('signs recorded cash by its direction and refuses a direction its category cannot take', () => {
    expect(signedCash('opening-balance', 'in', 100n)).toBe(100n);
    expect(signedCash('opex', 'out', 100n)).toBe(-100n);
    expect(signedCash('financing', 'out', 100n)).toBe(-100n);
    expect(() => signedCash('opex', 'in', 100n)).toThrow(/direction|only goes out/);
    expect(() => signedCash('opening-balance', 'out', 100n)).toThrow(/only goes in/);
    expect(() => signedCash('other', 'in', 0n)).toThrow(/more than/);
  });

  it('rolls the opening cash by every line: customers, energy, BTC sold, recorded cash', () => {
    const roll = rollCash(1_000n, {
      receivedCents: 500n,
      refundedCents: 50n,
      energyCents: 30n,
      accounts: [
        { source: 'sale', category: null, cents: 200n },
        { source: 'transfer', category: null, cents: 70n },
        { source: 'transfer', category: null, cents: -70n },
        { source: 'cash', category: 'opex', cents: -100n },
        { source: 'cash', category: 'opening-balance', cents: 10n },
      ],
    });
    expect(roll.lines).toEqual([
      { flow: 'customer-receipts', cents: 500n },
      { flow: 'customer-refunds', cents: -50n },
      { flow: 'energy', cents: -30n },
      { flow: 'btc-sales', cents: 200n },
      { flow: 'cash:opening-balance', cents: 10n },
      { flow: 'cash:opex', cents: -100n },
    ]);
    expect(roll.closingCents).toBe(1_000n + 500n - 50n - 30n + 200n + 10n - 100n);
  });

  it('shows transfers only when they do not net out', () => {
    const flows = { receivedCents: 0n, refundedCents: 0n, energyCents: 0n };
    expect(
      cashLines({ ...flows, accounts: [{ source: 'transfer', category: null, cents: 5n }] }),
    ).toContainEqual({
      flow: 'transfers',
      cents: 5n,
    });
  });
});
