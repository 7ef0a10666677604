/**
 * Use cases of one contract: booking it, and each event after (payment, refund, delivery,
 * cancellation, reschedule). Each is one ledger write: load the state, let the model decide,
 * record the event with its effect; the projection brings the tables along in the same
 * transaction.
 */
import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { type ProductView, productWithStageOn } from '../catalog/service.js';
import type { Db } from '../db/db.js';
import { type Day, dayOf } from '../kernel/calendar.js';
import { AppError, invalid, notFound } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { marketOn } from '../market/service.js';
import {
  type ContractEventKind,
  type ContractEventRecorded,
  type ContractSigned,
  KIND_OF,
  SALES_EVENT,
} from './events.js';
import {
  type Contract,
  type ContractDraft,
  type Customer,
  lineAmount,
  lineValue,
  type ProductFacts,
  signContract,
} from './model.js';
import {
  type ContractEvent,
  type ContractFigures,
  type ContractState,
  contractFigures,
  decideEvent,
  type EventEffect,
  openContract,
} from './model-events.js';
import { contractStream, recordSales } from './projections.js';
import type {
  CancellationInput,
  DeliveryInput,
  NewContractInput,
  PaymentInput,
  RefundInput,
  RescheduleInput,
} from './schemas.js';
import { findCustomer, loadStates } from './store.js';

export const today = (ctx: AppContext): Day => dayOf(ctx.clock.now());

/** A contract as the API shows it: its terms, lines with their tranches, and its figures. */
export interface ContractView {
  id: number;
  customer: Customer;
  kind: Contract['kind'];
  signedOn: Day;
  reference: string | null;
  terms: Contract['terms'];
  spotCentsPerTh: bigint | null;
  /** Locked ÷ spot USD/TH on the signing day (futures machines), null when unknown. */
  lockedToSpot: number | null;
  lines: {
    lineId: number;
    productId: string;
    productKind: Contract['lines'][number]['productKind'];
    family: string;
    units: number;
    thsPerUnit: number | null;
    price: Contract['lines'][number]['price'];
    valueCents: bigint;
    deliveredUnits: number;
    cancelledUnits: number;
    openUnits: number;
    revenueCents: bigint;
    tranches: {
      tranche: number;
      month: string;
      units: number;
      delivered: number;
      cancelled: number;
      open: number;
    }[];
  }[];
  figures: ContractFigures;
}

export function contractView(state: ContractState, customer: Customer): ContractView {
  const c = state.contract;
  const spot = c.spotCentsPerTh;
  const machineLines = c.lines.filter((l) => l.price.per === 'th');
  let lockedToSpot: number | null = null;
  if (c.kind === 'futures' && spot !== null && machineLines.length > 0) {
    const locked = machineLines.reduce((s, l) => s + lineValue(l), 0n);
    const atSpot = machineLines.reduce(
      (s, l) => s + lineAmount({ ...l, price: { per: 'th', centsPerTh: spot } }, l.units),
      0n,
    );
    lockedToSpot = Number(locked) / Number(atSpot);
  }
  return {
    id: c.id,
    customer,
    kind: c.kind,
    signedOn: c.signedOn,
    reference: c.reference,
    terms: c.terms,
    spotCentsPerTh: spot,
    lockedToSpot,
    lines: state.lines.map((l) => ({
      lineId: l.line.lineId,
      productId: l.line.productId,
      productKind: l.line.productKind,
      family: l.line.family,
      units: l.line.units,
      thsPerUnit: l.line.thsPerUnit,
      price: l.line.price,
      valueCents: lineValue(l.line),
      deliveredUnits: l.delivered,
      cancelledUnits: l.cancelled,
      openUnits: l.line.units - l.delivered - l.cancelled,
      revenueCents: lineAmount(l.line, l.delivered),
      tranches: [...l.tranches]
        .sort((a, b) => a.tranche - b.tranche)
        .map((t) => ({
          tranche: t.tranche,
          month: t.month,
          units: t.units,
          delivered: t.delivered,
          cancelled: t.cancelled,
          open: t.units - t.delivered - t.cancelled,
        })),
    })),
    figures: contractFigures(state),
  };
}

export function draftOf(input: NewContractInput): ContractDraft {
  return {
    customerId: input.customerId,
    kind: input.kind,
    signedOn: input.signedOn,
    reference: input.reference ?? null,
    terms: {
      depositPercent: input.terms.depositPercent,
      balance:
        input.terms.balance === 'on-delivery'
          ? { due: 'on-delivery', creditDays: input.terms.creditDays }
          : { due: 'before-shipment' },
      depositForfeitedOnCancel: input.terms.depositForfeitedOnCancel,
    },
    lines: input.lines.map((l) => ({
      productId: l.productId,
      units: l.units,
      centsPerTh: l.usdPerTh,
      centsPerUnit: l.usdPerUnit,
      tranches: l.tranches,
    })),
  };
}

/** What sales needs of a product: its stage as of the day asked (the catalogue's rule). */
export const factsOf = (p: ProductView): ProductFacts => ({
  id: p.id,
  kind: p.kind,
  family: p.family,
  stage: p.stage,
  ths: p.kind === 'machine' ? p.ths : null,
});

/**
 * What the catalogue says of each product the lines name, in its stage on `day` (the signing day):
 * a contract signed then is checked against the stage then, not today's. A product added to the
 * catalogue after `day` but before the contract is recorded is known (in the stage it was added
 * in), so a back-dated contract for it is accepted. An unknown one names its line.
 */
export async function productsFor(
  ctx: AppContext,
  productIds: readonly string[],
  day: Day,
): Promise<Map<string, ProductFacts>> {
  const products = new Map<string, ProductFacts>();
  for (const [i, id] of productIds.entries()) {
    if (products.has(id)) continue;
    try {
      products.set(id, factsOf(await productWithStageOn(ctx, id, day)));
    } catch (error) {
      if (error instanceof AppError && error.kind === 'not-found') {
        throw invalid(`lines.${i}.productId`, `There is no product ${id} in the catalogue.`);
      }
      throw error;
    }
  }
  return products;
}

/** The market's spot USD/TH in force on a day, for the futures discount; null before any is known. */
export async function spotOn(ctx: AppContext, day: Day): Promise<bigint | null> {
  return (await marketOn(ctx, day))?.spotUsdPerTh ?? null;
}

export function checkNotFuture(ctx: AppContext, day: Day, field: string): void {
  const now = today(ctx);
  if (day > now) throw invalid(field, `${field} ${day} is in the future (today is ${now}).`);
}

async function requireCustomer(db: Db, id: number, field: string): Promise<Customer> {
  const customer = await findCustomer(db, id);
  if (!customer) throw notFound('Customer', id, field);
  return customer;
}

export async function bookContract(
  ctx: AppContext,
  actor: Actor,
  input: NewContractInput,
  idempotencyKey?: string,
): Promise<ContractView> {
  let customer: Customer | undefined;
  return recordSales(
    ctx,
    { actor, kind: SALES_EVENT.contractSigned, stream: 'contracts', idempotencyKey, request: input },
    async (tx): Promise<ContractSigned> => {
      customer = await requireCustomer(tx, input.customerId, 'customerId');
      checkNotFuture(ctx, input.signedOn, 'signedOn');
      await refuseIfClosed(tx, input.signedOn, 'signedOn');
      const inTx = { ...ctx, db: tx };
      const products = await productsFor(
        inTx,
        input.lines.map((l) => l.productId),
        input.signedOn,
      );
      const spot = await spotOn(inTx, input.signedOn);
      const draft = draftOf(input);
      // Check every rule before taking a number, so a refused contract leaves no gap.
      const contract = signContract(0, draft, products, spot);
      return { contract: { ...contract, id: await nextNumber(tx, 'contract') } };
    },
    async (_tx, event) => contractView(openContract(event.payload.contract), customer!),
  );
}

/** A contract's state, its row locked for the rest of the write (see import.ts for why). */
export async function loadContract(db: Db, id: number, field = 'id'): Promise<ContractState> {
  const state = (await loadStates(db, [id], { forUpdate: true })).get(id);
  if (!state) throw notFound('Contract', id, field);
  return state;
}

export interface EventResult extends ContractView {
  event: ContractEvent;
  effect: EventEffect;
}

/** Records one contract event after the model accepts it. */
export const recordContractEvent = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  event: ContractEvent,
  idempotencyKey?: string,
): Promise<EventResult> =>
  recordOnContract(
    ctx,
    actor,
    { contractId, kind: KIND_OF[event.type], request: { contractId, event } },
    async () => event,
    idempotencyKey,
  );

/**
 * Records an event on a contract that `build` completes inside the write, once the contract's row
 * is locked (an adjustment reads the payment it corrects as it then stands). `request` is what
 * the idempotency key answers for.
 */
export async function recordOnContract(
  ctx: AppContext,
  actor: Actor,
  on: { contractId: number; kind: ContractEventKind; request: unknown },
  build: (tx: Db) => Promise<ContractEvent>,
  idempotencyKey?: string,
): Promise<EventResult> {
  let after: ContractState | undefined;
  let customer: Customer | undefined;
  return recordSales(
    ctx,
    {
      actor,
      kind: on.kind,
      stream: contractStream(on.contractId),
      idempotencyKey,
      request: on.request,
    },
    async (tx): Promise<ContractEventRecorded> => {
      const state = await loadContract(tx, on.contractId);
      const event = await build(tx);
      await refuseIfClosed(tx, event.day, 'day');
      const decided = decideEvent(state, event, today(ctx));
      after = decided.state;
      customer = await requireCustomer(tx, state.contract.customerId, 'customerId');
      return { contractId: on.contractId, event, effect: decided.effect };
    },
    async (_tx, recorded) => ({
      ...contractView(after!, customer!),
      event: recorded.payload.event,
      effect: recorded.payload.effect,
    }),
  );
}

export const recordPayment = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  p: PaymentInput,
  key?: string,
) =>
  recordContractEvent(
    ctx,
    actor,
    contractId,
    { type: 'payment-received', day: p.day, amountCents: p.amountUsd, reference: p.reference ?? null },
    key,
  );

export const recordRefund = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  r: RefundInput,
  key?: string,
) =>
  recordContractEvent(
    ctx,
    actor,
    contractId,
    { type: 'refund', day: r.day, amountCents: r.amountUsd, reason: r.reason ?? null },
    key,
  );

export const recordDelivery = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  d: DeliveryInput,
  key?: string,
) => recordContractEvent(ctx, actor, contractId, { type: 'delivery', day: d.day, lines: d.lines }, key);

export const cancelContract = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  c: CancellationInput,
  key?: string,
) =>
  recordContractEvent(
    ctx,
    actor,
    contractId,
    { type: 'cancellation', day: c.day, reason: c.reason ?? null, parts: c.parts ?? 'remainder' },
    key,
  );

export const rescheduleTranches = (
  ctx: AppContext,
  actor: Actor,
  contractId: number,
  r: RescheduleInput,
  key?: string,
) =>
  recordContractEvent(
    ctx,
    actor,
    contractId,
    { type: 'reschedule', day: r.day, moves: r.moves, reason: r.reason ?? null },
    key,
  );
