/**
 * The company's USD cash: what the treasury's USD accounts record (BTC sold, cash recorded with a
 * category) plus what other modules record as it happens — customers' payments and refunds (sales)
 * and the sites' energy bills (mining, paid as the energy is used). Pure; no IO.
 */
import { invalid } from '../kernel/errors.js';
import type { Cents } from '../kernel/money.js';
import type { MovementSource } from './model.js';

/** What recorded cash was for. */
export const CASH_CATEGORIES = [
  'opening-balance',
  'production',
  'capex',
  'opex',
  'financing',
  'tax',
  'other',
] as const;
export type CashCategory = (typeof CASH_CATEGORIES)[number];

export const CASH_DIRECTIONS = ['in', 'out'] as const;
export type CashDirection = (typeof CASH_DIRECTIONS)[number];

/** The one way cash of a category can move; financing and other go either way. */
const ONE_WAY: Partial<Record<CashCategory, CashDirection>> = {
  'opening-balance': 'in',
  production: 'out',
  capex: 'out',
  opex: 'out',
  tax: 'out',
};

/** The signed amount of recorded cash: positive in, negative out; refused when the category forbids the direction. */
export function signedCash(category: CashCategory, direction: CashDirection, cents: Cents): Cents {
  if (cents <= 0n)
    throw invalid('amount', 'amount must be more than $0.00; say which way it went with direction.');
  const only = ONE_WAY[category];
  if (only && only !== direction)
    throw invalid(
      'direction',
      `${category} cash only goes ${only}; record money coming back as category other, or correct with a reversal.`,
    );
  return direction === 'in' ? cents : -cents;
}

/** The flows behind the USD cash over a span of days, each as recorded (amounts positive). */
export interface CashFlows {
  receivedCents: Cents;
  refundedCents: Cents;
  energyCents: Cents;
  /** Sums of the USD accounts' movements by source and category (signed, as the accounts hold them). */
  accounts: { source: MovementSource; category: CashCategory | null; cents: Cents }[];
}

/** The lines of the cash, in their order: recorded cash shows as cash:<category>. */
export const CASH_FLOWS = [
  'customer-receipts',
  'customer-refunds',
  'energy',
  'btc-sales',
  'transfers',
  'cash:opening-balance',
  'cash:production',
  'cash:capex',
  'cash:opex',
  'cash:financing',
  'cash:tax',
  'cash:other',
] as const satisfies readonly (
  | 'customer-receipts'
  | 'customer-refunds'
  | 'energy'
  | 'btc-sales'
  | 'transfers'
  | `cash:${CashCategory}`
)[];
export type CashFlowKind = (typeof CASH_FLOWS)[number];

export interface CashLine {
  flow: CashFlowKind;
  /** Signed: what it added to (positive) or took from (negative) the USD cash. */
  cents: Cents;
}

/**
 * The flows as signed lines, in a fixed order: customers, energy, BTC sales, then each category of
 * recorded cash. Transfers between USD accounts net to nothing and show only if they do not.
 */
export function cashLines(f: CashFlows): CashLine[] {
  const sum = (pick: (a: CashFlows['accounts'][number]) => boolean) =>
    f.accounts.filter(pick).reduce((s, a) => s + a.cents, 0n);
  const lines: CashLine[] = [
    { flow: 'customer-receipts', cents: f.receivedCents },
    { flow: 'customer-refunds', cents: -f.refundedCents },
    { flow: 'energy', cents: -f.energyCents },
    { flow: 'btc-sales', cents: sum((a) => a.source === 'sale') },
  ];
  const transfers = sum((a) => a.source === 'transfer');
  if (transfers !== 0n) lines.push({ flow: 'transfers', cents: transfers });
  lines.push(...recordedCashLines(f.accounts));
  return lines;
}

/** The cash recorded by category (`cash:opex`, ...), a line for each category that moved. */
export function recordedCashLines(accounts: CashFlows['accounts']): CashLine[] {
  const lines: CashLine[] = [];
  for (const category of CASH_CATEGORIES) {
    const cents = accounts
      .filter((a) => a.source === 'cash' && a.category === category)
      .reduce((s, a) => s + a.cents, 0n);
    if (cents !== 0n) lines.push({ flow: `cash:${category}` as const, cents });
  }
  return lines;
}

export interface CashRoll {
  openingCents: Cents;
  lines: CashLine[];
  closingCents: Cents;
}

/** Opening cash, the period's flows, closing cash: the closing is the opening plus every line. */
export function rollCash(openingCents: Cents, flows: CashFlows): CashRoll {
  const lines = cashLines(flows);
  return { openingCents, lines, closingCents: lines.reduce((s, l) => s + l.cents, openingCents) };
}
