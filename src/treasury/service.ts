import type { Actor, AppContext } from '../app/context.js';
import { closedPeriods, refuseIfClosed } from '../books/guard.js';
import { checkOpen } from '../books/model.js';
import type { Db } from '../db/db.js';
import { parseBtc, SATS_PER_BTC, type Sats, usdValueOfSats } from '../kernel/bitcoin.js';
import type { Day } from '../kernel/calendar.js';
import { AppError, invalid, notFound, ruleBroken } from '../kernel/errors.js';
import { type Cents, parseUsd, roundHalfEven } from '../kernel/money.js';
import { lockStreams, nextNumber, reserveNumbers } from '../ledger/ledger.js';
import { requireMarketOn } from '../market/service.js';
import {
  type Currency,
  checkFunds,
  checkHoldPolicy,
  formatAmount,
  type PayoutParse,
  parsePayouts,
} from './model.js';
import { checkWithinBooks, OPERATING_ACCOUNT, type OperatingFlows, operatingFlows } from './operating.js';
import { recordTreasury } from './projections.js';
import type {
  MovementQueryInput,
  NewAccountInput,
  PayoutImportInput,
  SaleInput,
  TransferInput,
} from './schemas.js';
import type { Account, Movement, MovementFact } from './store.js';
import * as store from './store.js';

export type { Account, Movement } from './store.js';

export const accountStream = (code: string) => `treasury:${code}`;
/**
 * Sales and transfers touch two accounts. They queue on one stream first and only then lock both
 * accounts (in a fixed order), so two of them crossing the same pair of accounts cannot deadlock.
 */
const TWO_ACCOUNT_STREAM = 'treasury';

/** Movement ids for one event: the last taken with nextNumber so the event's counters let a replay restore the sequence. */
export async function movementIds(tx: Db, count: number): Promise<number[]> {
  const first = count > 1 ? await reserveNumbers(tx, 'treasury-movement', count - 1) : undefined;
  const last = await nextNumber(tx, 'treasury-movement');
  return Array.from({ length: count }, (_, i) => (first ?? last) + i);
}

export async function requireAccount(
  db: Db,
  code: string,
  field: string,
  currency?: Currency,
): Promise<Account> {
  const account = await store.findAccount(db, code);
  if (!account) throw notFound('Treasury account', code, field);
  if (currency && account.currency !== currency) {
    throw invalid(field, `Account ${code} holds ${account.currency}, not ${currency}.`);
  }
  return account;
}

export const listAccounts = (ctx: AppContext) => store.listAccounts(ctx.db);

export async function addAccount(
  ctx: AppContext,
  actor: Actor,
  input: NewAccountInput,
  idempotencyKey?: string,
): Promise<Account> {
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.account-added',
      stream: accountStream(input.code),
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      if (await store.findAccount(tx, input.code))
        throw ruleBroken('treasury.duplicate-account', `There is already an account ${input.code}.`, 'code');
      return input;
    },
    async () => input,
  );
}

export interface PayoutImportResult {
  account: string;
  imported: number;
  first: Day | null;
  last: Day | null;
  totalSats: Sats;
}

/**
 * Imports pool payouts into a BTC account, all or nothing: a bad row refuses the file naming every
 * row at fault, and a payout already imported (same day, pool and reference) refuses it too, so a
 * file loaded twice is never counted twice.
 */
export async function importPayouts(
  ctx: AppContext,
  actor: Actor,
  input: PayoutImportInput,
  opts: { source: string; idempotencyKey?: string | undefined },
): Promise<PayoutImportResult> {
  const parsed: PayoutParse =
    input.csv !== undefined
      ? parsePayouts(input.csv, 'csv')
      : parsePayouts(JSON.stringify(input.payouts), 'json');
  if (parsed.rejected.length > 0) {
    const first = parsed.rejected[0]!;
    throw new AppError(
      'invalid',
      'treasury.payouts-rejected',
      `${parsed.rejected.length} problem(s) in the payouts, nothing imported; first: row ${first.line}, ${first.field}: ${first.reason}`,
      first.field,
      { rejected: parsed.rejected },
    );
  }
  if (parsed.rows.length === 0) throw invalid('csv', 'The payout file has a header but no payouts.');
  const rows = parsed.rows;
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.payouts-imported',
      stream: accountStream(input.account),
      idempotencyKey: opts.idempotencyKey,
      request: { account: input.account, source: opts.source, rows },
    },
    async (tx) => {
      await requireAccount(tx, input.account, 'account', 'BTC');
      const closed = await closedPeriods(tx);
      for (const r of rows) checkOpen(closed, r.day, 'day');
      const already = await store.existingPayouts(tx, rows);
      if (already.length > 0) {
        const a = already[0]!;
        throw ruleBroken(
          'treasury.payout-already-imported',
          `${already.length} of these payouts are already imported (first: ${a.pool} on ${a.day}${a.reference ? `, ${a.reference}` : ''}); nothing imported.`,
          'payouts',
          { already },
        );
      }
      const ids = await movementIds(tx, rows.length);
      const movements: MovementFact[] = rows.map((r, i) => ({
        id: ids[i]!,
        day: r.day,
        account: input.account,
        amount: r.sats,
        source: 'payout',
        pool: r.pool,
        reference: r.reference,
      }));
      return { source: opts.source, movements };
    },
    async () => ({
      account: input.account,
      imported: rows.length,
      first: rows[0]?.day ?? null,
      last: rows.at(-1)?.day ?? null,
      totalSats: rows.reduce((sum, r) => sum + r.sats, 0n),
    }),
  );
}

export interface SaleResult {
  day: Day;
  soldSats: Sats;
  proceedsCents: Cents;
  btcUsd: Cents;
  flagged: true;
  reason: string;
  movements: number[];
}

/**
 * Sells BTC for USD. The hold policy refuses it unless an admin overrides it with a reason; the sale
 * is then flagged in every report. Proceeds default to the market price of the day.
 */
export async function sellBtc(
  ctx: AppContext,
  actor: Actor,
  input: SaleInput,
  idempotencyKey?: string,
): Promise<SaleResult> {
  const sats = positiveSats(input.btc, 'btc');
  const proceeds = input.usd !== undefined ? positiveCents(input.usd, 'usd') : undefined;
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.btc-sold',
      stream: TWO_ACCOUNT_STREAM,
      idempotencyKey,
      request: { ...input, sats, proceeds },
    },
    async (tx) => {
      const reason = checkHoldPolicy({ role: actor.role, override: input.override, reason: input.reason });
      await refuseIfClosed(tx, input.day, 'day');
      await requireAccount(tx, input.fromAccount, 'fromAccount', 'BTC');
      await requireAccount(tx, input.toAccount, 'toAccount', 'USD');
      await lockStreams(tx, [accountStream(input.fromAccount), accountStream(input.toAccount)]);
      const btcUsd =
        proceeds !== undefined
          ? roundHalfEven(proceeds * SATS_PER_BTC, sats)
          : (await requireMarketOn({ ...ctx, db: tx }, input.day, 'day')).btcUsd;
      const proceedsCents = proceeds ?? usdValueOfSats(sats, btcUsd);
      checkFunds({
        account: input.fromAccount,
        currency: 'BTC',
        amount: sats,
        day: input.day,
        lowestFrom: await store.lowestBalanceFrom(tx, input.fromAccount, input.day),
        field: 'btc',
      });
      const [outId, inId] = await movementIds(tx, 2);
      const common = { day: input.day, source: 'sale' as const, btcUsd, flagged: true, reason };
      const movements: MovementFact[] = [
        { ...common, id: outId!, account: input.fromAccount, amount: -sats, counterAccount: input.toAccount },
        {
          ...common,
          id: inId!,
          account: input.toAccount,
          amount: proceedsCents,
          counterAccount: input.fromAccount,
        },
      ];
      return { movements };
    },
    async (_tx, event) => {
      const [out, into] = event.payload.movements;
      return {
        day: input.day,
        soldSats: -out!.amount,
        proceedsCents: into!.amount,
        btcUsd: out!.btcUsd!,
        flagged: true,
        reason: out!.reason!,
        movements: [out!.id, into!.id],
      };
    },
  );
}

export async function transfer(
  ctx: AppContext,
  actor: Actor,
  input: TransferInput,
  idempotencyKey?: string,
): Promise<{ day: Day; currency: Currency; amount: bigint; movements: number[] }> {
  if (input.fromAccount === input.toAccount)
    throw invalid('toAccount', 'A transfer needs two different accounts.');
  return recordTreasury(
    ctx,
    {
      actor,
      kind: 'treasury.transfer-made',
      stream: TWO_ACCOUNT_STREAM,
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      await refuseIfClosed(tx, input.day, 'day');
      const from = await requireAccount(tx, input.fromAccount, 'fromAccount');
      await requireAccount(tx, input.toAccount, 'toAccount', from.currency);
      await lockStreams(tx, [accountStream(input.fromAccount), accountStream(input.toAccount)]);
      const amount =
        from.currency === 'BTC'
          ? positiveSats(input.amount, 'amount')
          : positiveCents(input.amount, 'amount');
      checkFunds({
        account: from.code,
        currency: from.currency,
        amount,
        day: input.day,
        lowestFrom: await store.lowestBalanceFrom(tx, from.code, input.day),
        field: 'amount',
      });
      const [outId, inId] = await movementIds(tx, 2);
      const reference = input.reference ? { reference: input.reference } : {};
      const movements: MovementFact[] = [
        {
          id: outId!,
          day: input.day,
          account: from.code,
          amount: -amount,
          source: 'transfer',
          counterAccount: input.toAccount,
          ...reference,
        },
        {
          id: inId!,
          day: input.day,
          account: input.toAccount,
          amount,
          source: 'transfer',
          counterAccount: from.code,
          ...reference,
        },
      ];
      return { currency: from.currency, movements };
    },
    async (_tx, event) => {
      const p = event.payload;
      return {
        day: input.day,
        currency: p.currency,
        amount: p.movements[1]!.amount,
        movements: p.movements.map((m) => m.id),
      };
    },
  );
}

export interface Balances {
  on: Day;
  accounts: (Account & { balance: bigint; shown: string })[];
  btcSats: Sats;
  usdCents: Cents;
  /** What the operating account holds beside its recorded movements: customers' cash and energy bills. */
  operating: OperatingFlows & { account: string };
}

/**
 * Every account at the end of a day. The operating account also holds what customers paid (less
 * refunds) and what the energy cost, up to the day; so the USD total is the company's USD cash.
 */
export async function balancesOn(ctx: AppContext, day: Day): Promise<Balances> {
  checkWithinBooks(ctx, day, 'on');
  const [recorded, operating] = await Promise.all([
    store.balancesOn(ctx.db, day),
    operatingFlows(ctx, { to: day }),
  ]);
  const netOperating = operating.receivedCents - operating.refundedCents - operating.energyCents;
  const accounts = recorded.map((a) => {
    const balance = a.code === OPERATING_ACCOUNT ? a.balance + netOperating : a.balance;
    return { ...a, balance, shown: formatAmount(a.currency, balance) };
  });
  const total = (c: Currency) => accounts.filter((a) => a.currency === c).reduce((s, a) => s + a.balance, 0n);
  return {
    on: day,
    accounts,
    btcSats: total('BTC'),
    usdCents: total('USD'),
    operating: { ...operating, account: OPERATING_ACCOUNT },
  };
}

export async function listMovements(ctx: AppContext, q: MovementQueryInput): Promise<Movement[]> {
  if (q.from && q.to && q.from > q.to)
    throw invalid('from', `from (${q.from}) must not be after to (${q.to}).`);
  return store.selectMovements(ctx.db, q);
}

/** Sats the pools paid each day of a range: what the mining module compares with what was expected. */
export const payoutSatsByDay = (ctx: AppContext, from: Day, to: Day) =>
  store.payoutSatsByDay(ctx.db, from, to);
export const btcHeldOn = (ctx: AppContext, day: Day) => store.btcHeldOn(ctx.db, day);
export const minedUpTo = (ctx: AppContext, day: Day) => store.minedUpTo(ctx.db, day);

function positiveSats(value: string | number, field: string): Sats {
  const sats = parseBtc(value, field);
  if (sats <= 0n) throw invalid(field, `${field} must be more than 0 BTC.`);
  return sats;
}

function positiveCents(value: string | number, field: string): Cents {
  const cents = parseUsd(value, field, { wholeCents: true });
  if (cents <= 0n) throw invalid(field, `${field} must be more than $0.00.`);
  return cents;
}
