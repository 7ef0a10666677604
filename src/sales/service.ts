/**
 * The sales module's use cases, as other modules and the interfaces call them. Writes live in
 * customers.ts, contracts.ts and import.ts; period figures in figures.ts; this file adds the reads
 * that rebuild a contract from its events and the open tranches supply allocates output to.
 */
import type { AppContext } from '../app/context.js';
import { firstDayOfMonth, lastDayOfMonth, type Month } from '../kernel/calendar.js';
import { notFound } from '../kernel/errors.js';
import { fromStoredJson } from '../kernel/json.js';
import { type ContractView, contractView, today } from './contracts.js';
import type { ContractKind } from './model.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractFigures,
  contractFigures,
  type EventEffect,
  openContract,
  openTranches,
} from './model-events.js';
import type { ContractEventRecorded, ContractSigned } from './projections.js';
import type { ContractFilterInput, EntryFilterInput, OpenTrancheFilterInput } from './schemas.js';
import { customersById, findCustomer, loadStates } from './store.js';
import {
  contractHistory,
  contractsWithOpenTranches,
  deliveriesBetween,
  selectContracts,
  selectEntries,
} from './store-reads.js';

export {
  bookContract,
  type ContractView,
  cancelContract,
  recordContractEvent,
  recordDelivery,
  recordPayment,
  recordRefund,
  rescheduleTranches,
} from './contracts.js';
export { addCustomer, listCustomers } from './customers.js';
export { opportunityCost, salesQuarter, salesYear } from './figures.js';
export { importSales } from './import.js';

export interface HistoryItem {
  eventId: bigint;
  recordedAt: Date;
  actor: string;
  kind: string;
  day: string;
  event: ContractEvent | null;
  effect: EventEffect | null;
  /** The contract's figures once this event was applied. */
  figuresAfter: ContractFigures;
}

export interface ContractDetail extends ContractView {
  history: HistoryItem[];
}

/**
 * A contract rebuilt from its recorded events, with the figures after each: what finance traces
 * a figure back with. The stored row must agree; a test holds it to that.
 */
export async function getContract(ctx: AppContext, id: number): Promise<ContractDetail> {
  const rows = await contractHistory(ctx.db, id);
  if (rows.length === 0) throw notFound('Contract', id, 'id');
  const [signed, ...rest] = rows;
  const { contract } = fromStoredJson<ContractSigned>(signed!.payload);
  let state = openContract(contract);
  const history: HistoryItem[] = [
    {
      eventId: signed!.eventId,
      recordedAt: signed!.recordedAt,
      actor: signed!.actor,
      kind: signed!.kind,
      day: contract.signedOn,
      event: null,
      effect: null,
      figuresAfter: contractFigures(state),
    },
  ];
  for (const row of rest) {
    const p = fromStoredJson<ContractEventRecorded>(row.payload);
    state = applyEvent(state, p.event).state;
    history.push({
      eventId: row.eventId,
      recordedAt: row.recordedAt,
      actor: row.actor,
      kind: row.kind,
      day: p.event.day,
      event: p.event,
      effect: p.effect,
      figuresAfter: contractFigures(state),
    });
  }
  const customer = await findCustomer(ctx.db, contract.customerId);
  return { ...contractView(state, customer!), history };
}

export const listContracts = (ctx: AppContext, filter: ContractFilterInput) =>
  selectContracts(ctx.db, filter);
export const listEntries = (ctx: AppContext, filter: EntryFilterInput) => selectEntries(ctx.db, filter);

/** A tranche still to deliver, as supply allocates monthly output to it. */
export interface OpenTranche {
  contractId: number;
  lineId: number;
  tranche: number;
  productId: string;
  month: Month;
  unitsOpen: number;
  kind: ContractKind;
  customer: string;
  /** Whether it may ship today under the contract's payment terms. */
  paidForShipment: boolean;
}

export type RecordedDelivery = Awaited<ReturnType<typeof deliveriesBetween>>[number];

/** Machines delivered in the months from `from` to `to`, tranche by tranche, in the order they went. */
export function listDeliveries(ctx: AppContext, from: Month, to: Month): Promise<RecordedDelivery[]> {
  return deliveriesBetween(ctx.db, firstDayOfMonth(from), lastDayOfMonth(to));
}

/** Every open tranche, earliest month first (then contract, line, tranche). */
export async function listOpenTranches(
  ctx: AppContext,
  filter: OpenTrancheFilterInput = {},
): Promise<OpenTranche[]> {
  const ids = await contractsWithOpenTranches(ctx.db, filter);
  const states = await loadStates(ctx.db, ids);
  const customers = await customersById(ctx.db, [
    ...new Set([...states.values()].map((s) => s.contract.customerId)),
  ]);
  const day = today(ctx);
  const open: OpenTranche[] = [];
  for (const id of ids) {
    const s = states.get(id)!;
    for (const t of openTranches(s, day)) {
      if (filter.until && t.month > filter.until) continue;
      if (filter.productId && t.productId !== filter.productId) continue;
      open.push({
        contractId: id,
        lineId: t.lineId,
        tranche: t.tranche,
        productId: t.productId,
        month: t.month,
        unitsOpen: t.unitsOpen,
        kind: s.contract.kind,
        customer: customers.get(s.contract.customerId)?.name ?? '',
        paidForShipment: t.paidForShipment,
      });
    }
  }
  return open.sort(
    (a, b) =>
      (a.month < b.month ? -1 : a.month > b.month ? 1 : 0) ||
      a.contractId - b.contractId ||
      a.lineId - b.lineId ||
      a.tranche - b.tranche,
  );
}
