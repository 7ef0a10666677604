/**
 * The sales module's use cases, as other modules and the interfaces call them. Writes live in
 * customers.ts, contracts.ts and import.ts; period figures in figures.ts; this file adds the reads
 * that rebuild a contract from its events and the open tranches supply allocates output to.
 */
import type { AppContext } from '../app/context.js';
import { firstDayOfMonth, lastDayOfMonth, type Month } from '../kernel/calendar.js';
import { notFound } from '../kernel/errors.js';
import { isEventOf, type Recorded } from '../ledger/events.js';
import type { RecordedEvent } from '../ledger/ledger.js';
import { openTranchesOn, summariesOn } from './as-of.js';
import { type ContractView, contractView, today } from './contracts.js';
import { isContractEvent, SALES_EVENT, SALES_KINDS, type SalesEvent } from './events.js';
import {
  applyEvent,
  type ContractEvent,
  type ContractFigures,
  contractFigures,
  type EventEffect,
  openContract,
} from './model-events.js';
import { type OpenTranche, openTrancheRows } from './open-tranches.js';
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
  const [signed, ...rest] = (await contractHistory(ctx.db, id)).map(asSalesEvent);
  if (!signed) throw notFound('Contract', id, 'id');
  if (signed.kind !== SALES_EVENT.contractSigned) {
    throw new Error(
      `Contract ${id}'s history starts with event ${signed.id} (${signed.kind}), not its signing.`,
    );
  }
  const { contract } = signed.payload;
  let state = openContract(contract);
  const history: HistoryItem[] = [
    {
      eventId: signed.id,
      recordedAt: signed.recordedAt,
      actor: signed.actor,
      kind: signed.kind,
      day: contract.signedOn,
      event: null,
      effect: null,
      figuresAfter: contractFigures(state),
    },
  ];
  for (const e of rest) {
    if (!isContractEvent(e))
      throw new Error(`Event ${e.id} (${e.kind}) of contract ${id} is not a contract event.`);
    const p = e.payload;
    state = applyEvent(state, p.event).state;
    history.push({
      eventId: e.id,
      recordedAt: e.recordedAt,
      actor: e.actor,
      kind: e.kind,
      day: p.event.day,
      event: p.event,
      effect: p.effect,
      figuresAfter: contractFigures(state),
    });
  }
  const customer = await findCustomer(ctx.db, contract.customerId);
  return { ...contractView(state, customer!), history };
}

/** A contract's events are all sales events (they are found through the sales entries). */
function asSalesEvent(event: RecordedEvent): Recorded<SalesEvent> {
  if (!isEventOf<SalesEvent>(SALES_KINDS, event)) {
    throw new Error(`Event ${event.id} (${event.kind}) is not a sales event.`);
  }
  return event;
}

/** Contracts by the filter, their figures as of `asOf` or the day of a stock filter when given. */
export async function listContracts(ctx: AppContext, filter: ContractFilterInput) {
  const page = await selectContracts(ctx.db, filter);
  const days = [filter.asOf, filter.liabilityAt, filter.receivableAt, filter.backlogAt].filter(
    (d): d is string => d !== undefined,
  );
  const day = filter.asOf ?? days.sort()[0];
  if (day === undefined || day >= today(ctx)) return page;
  return { ...page, contracts: await summariesOn(ctx, page.contracts, day) };
}
export const listEntries = (ctx: AppContext, filter: EntryFilterInput) => selectEntries(ctx.db, filter);

export type { OpenTranche } from './open-tranches.js';

export type RecordedDelivery = Awaited<ReturnType<typeof deliveriesBetween>>[number];

/** Machines delivered in the months from `from` to `to`, tranche by tranche, in the order they went. */
export function listDeliveries(ctx: AppContext, from: Month, to: Month): Promise<RecordedDelivery[]> {
  return deliveriesBetween(ctx.db, firstDayOfMonth(from), lastDayOfMonth(to));
}

/** Every open tranche, earliest month first (then contract, line, tranche). */
/** The tranches still to deliver today, or at the end of `asOf` rebuilt from the events. */
export async function listOpenTranches(
  ctx: AppContext,
  filter: OpenTrancheFilterInput = {},
): Promise<OpenTranche[]> {
  const day = today(ctx);
  if (filter.asOf !== undefined && filter.asOf < day) return openTranchesOn(ctx, filter.asOf, filter);
  const ids = await contractsWithOpenTranches(ctx.db, filter);
  const states = await loadStates(ctx.db, ids);
  const customers = await customersById(ctx.db, [
    ...new Set([...states.values()].map((s) => s.contract.customerId)),
  ]);
  return openTrancheRows(
    ids.map((id) => {
      const state = states.get(id)!;
      return { state, customer: customers.get(state.contract.customerId)?.name ?? '' };
    }),
    day,
    filter,
  );
}
