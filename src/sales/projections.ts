/**
 * How sales events keep the order book's tables current. One implementation serves both paths:
 * `record` and replay project one event at a time, bulk imports project thousands at once, and
 * both go through `projectSalesEvents`, so the tables cannot differ by path.
 *
 * A contract event's payload carries the event and the effect worked out when it was decided.
 * The projection applies the event to the stored state again with the same model and refuses to
 * continue if the effect comes out different: the tables then always agree with the recorded
 * history, and a change to the rules that would rewrite history is caught by replay.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Db } from '../db/db.js';
import { type Day, type Quarter, quarterOf } from '../kernel/calendar.js';
import { toWireJson } from '../kernel/json.js';
import { defineProjections, type Recorded, recorder } from '../ledger/events.js';
import { withBatch } from '../ledger/replay.js';
import { type ContractStep, quarterEndsOf } from './as-of.js';
import { SALES_EVENT, type SalesEvent } from './events.js';
import type { ContractKind, Customer } from './model.js';
import {
  applyEvent,
  type ContractFigures,
  type ContractState,
  contractFigures,
  type EventEffect,
  openContract,
} from './model-events.js';
import { movementBetween, type Rollups, type Snapshot, snapshot, sumRollups } from './model-figures.js';
import {
  addToRollups,
  type ChangedParts,
  type DeliveryRow,
  type EntryRow,
  insertCustomers,
  insertDeliveries,
  insertEntries,
  loadStates,
  saveContracts,
  saveQuarterEnds,
} from './store.js';

export const contractStream = (id: number) => `contract:${id}`;
export const customerStream = (id: number) => `customer:${id}`;

function entryAmount(effect: EventEffect): { amount: bigint; units: number } {
  switch (effect.type) {
    case 'payment-received':
    case 'refund':
    case 'payment-adjustment':
      return { amount: effect.amountCents, units: 0 };
    case 'delivery':
      return { amount: effect.revenueCents, units: effect.lines.reduce((s, l) => s + l.units, 0) };
    case 'cancellation':
      return { amount: effect.valueCents, units: effect.lines.reduce((s, l) => s + l.units, 0) };
    case 'reschedule':
      return { amount: 0n, units: effect.moves.reduce((s, m) => s + m.units, 0) };
  }
}

type DeliveredLine = Extract<EventEffect, { type: 'delivery' }>['lines'][number];

/** A delivery's line, tranche by tranche, with the model it was of. */
function deliveryRows(
  event: Recorded<SalesEvent>,
  state: ContractState,
  day: Day,
  l: DeliveredLine,
): DeliveryRow[] {
  const productId = state.lines.find((s) => s.line.lineId === l.lineId)!.line.productId;
  return l.tranches
    .filter((t) => t.units > 0)
    .map((t) => ({
      event_id: String(event.id),
      contract_id: state.contract.id,
      line_id: l.lineId,
      tranche: t.tranche,
      product_id: productId,
      due_month: t.month,
      day,
      units: t.units,
    }));
}

function entry(
  event: Recorded<SalesEvent>,
  state: ContractState,
  f: ContractFigures,
  type: string,
  day: string,
  amount: bigint,
  units: number,
  effect?: EventEffect,
): EntryRow {
  return {
    event_id: String(event.id),
    contract_id: state.contract.id,
    type,
    day,
    quarter: quarterOf(day),
    amount_cents: String(amount),
    units,
    liability_cents: String(f.liabilityCents),
    receivable_cents: String(f.receivableCents),
    backlog_cents: String(f.backlogCents),
    forfeited_cents: String(effect?.type === 'cancellation' ? effect.forfeitedCents : 0n),
    corrects_event_id: effect?.type === 'payment-adjustment' ? String(effect.correctsEventId) : null,
  };
}

/**
 * Applies sales events, in order, to the tables. `known` may hold the stored state of contracts
 * the caller has already loaded (a bulk import); it is brought up to date as events apply.
 */
export async function projectSalesEvents(
  tx: Db,
  events: readonly Recorded<SalesEvent>[],
  known: Map<number, ContractState> = new Map(),
): Promise<void> {
  const customers: Customer[] = [];
  const signedHere = new Set<number>();
  const needed = new Set<number>();
  for (const e of events) {
    if (e.kind === SALES_EVENT.contractSigned) signedHere.add(e.payload.contract.id);
    else if (e.kind !== SALES_EVENT.customerAdded && e.kind !== SALES_EVENT.importCompleted) {
      const id = e.payload.contractId;
      if (!signedHere.has(id) && !known.has(id)) needed.add(id);
    }
  }
  const states = known;
  for (const [id, state] of await loadStates(tx, [...needed])) states.set(id, state);
  const touched = new Set<number>();
  const changed = new Map<number, ChangedParts>();
  const change = (id: number, lineId: number, tranches: number[]) => {
    let parts = changed.get(id);
    if (!parts) {
      parts = { lines: new Set(), tranches: new Set() };
      changed.set(id, parts);
    }
    parts.lines.add(lineId);
    for (const t of tranches) parts.tranches.add(`${lineId}/${t}`);
  };
  const entries: EntryRow[] = [];
  const deliveries: DeliveryRow[] = [];
  const movements: Rollups[] = [];
  const figures = new Map<number, ContractFigures>();
  // What events change is filed by quarter. Consecutive events of a contract in one quarter make
  // one run, and the run's movement is the difference between the contract's snapshots at its two
  // ends: the same sum as event by event (the differences telescope), for two snapshots a run.
  const runs = new Map<number, { quarter: Quarter; day: Day; kind: ContractKind; start: Snapshot | null }>();
  const endRun = (id: number): Snapshot => {
    const run = runs.get(id)!;
    const end = snapshot(states.get(id)!, figures.get(id)!);
    movements.push(movementBetween(run.start, end, run.kind, run.day));
    runs.delete(id);
    return end;
  };
  const startRun = (id: number, day: Day, kind: ContractKind, start: Snapshot | null) =>
    runs.set(id, { quarter: quarterOf(day), day, kind, start });
  // Each contract's steps through these events, for its quarter ends (`quarterEndsOf`).
  const steps = new Map<number, ContractStep[]>();
  const stepOf = (id: number, day: Day) => {
    const step = { day, state: states.get(id)!, figures: figures.get(id)! };
    const of = steps.get(id);
    if (of) of.push(step);
    else steps.set(id, [step]);
  };

  for (const e of events) {
    switch (e.kind) {
      case SALES_EVENT.customerAdded:
        customers.push(e.payload.customer);
        break;
      case SALES_EVENT.importCompleted:
        break;
      case SALES_EVENT.contractSigned: {
        const { contract } = e.payload;
        const state = openContract(contract);
        const f = contractFigures(state);
        states.set(contract.id, state);
        figures.set(contract.id, f);
        startRun(contract.id, contract.signedOn, contract.kind, null);
        stepOf(contract.id, contract.signedOn);
        entries.push(entry(e, state, f, 'signed', contract.signedOn, state.value, f.units));
        touched.add(contract.id);
        for (const l of contract.lines)
          change(
            contract.id,
            l.lineId,
            l.tranches.map((t) => t.tranche),
          );
        break;
      }
      default: {
        const p = e.payload;
        const before = states.get(p.contractId);
        if (!before) throw new Error(`Event ${e.id} is for contract ${p.contractId}, which has no state.`);
        const run = runs.get(p.contractId);
        let start: Snapshot | undefined;
        if (!run) start = snapshot(before);
        else if (run.quarter !== quarterOf(p.event.day)) start = endRun(p.contractId);
        const { state, effect } = applyEvent(before, p.event);
        // Compared as values: a payload read back from jsonb has its keys in another order.
        if (!isDeepStrictEqual(effect, p.effect)) {
          throw new Error(
            `Event ${e.id} (${e.kind}) on contract ${p.contractId} recorded the effect ${toWireJson(p.effect)}, but the rules now give ${toWireJson(effect)}.`,
          );
        }
        const f = contractFigures(state);
        states.set(p.contractId, state);
        figures.set(p.contractId, f);
        if (start) startRun(p.contractId, p.event.day, state.contract.kind, start);
        stepOf(p.contractId, p.event.day);
        const { amount, units } = entryAmount(effect);
        entries.push(entry(e, state, f, p.event.type, p.event.day, amount, units, effect));
        touched.add(p.contractId);
        if (effect.type === 'delivery') {
          for (const l of effect.lines) {
            change(
              p.contractId,
              l.lineId,
              l.tranches.map((t) => t.tranche),
            );
            deliveries.push(...deliveryRows(e, state, p.event.day, l));
          }
        } else if (effect.type === 'cancellation') {
          for (const l of state.lines)
            change(
              p.contractId,
              l.line.lineId,
              l.tranches.map((t) => t.tranche),
            );
        } else if (effect.type === 'reschedule') {
          for (const m of effect.moves) change(p.contractId, m.lineId, [m.tranche, m.toTranche]);
        }
      }
    }
  }

  for (const id of [...runs.keys()]) endRun(id);

  if (customers.length > 0) await insertCustomers(tx, customers, events[0]!.recordedAt);
  await saveContracts(
    tx,
    [...touched].map((id) => ({ state: states.get(id)!, figures: figures.get(id)! })),
    changed,
  );
  await insertEntries(tx, entries);
  if (deliveries.length > 0) await insertDeliveries(tx, deliveries);
  if (movements.length > 0) await addToRollups(tx, sumRollups(movements));
  const quarterEnds = [...steps].flatMap(([id, of]) => quarterEndsOf(id, of));
  if (quarterEnds.length > 0) await saveQuarterEnds(tx, quarterEnds);
}

/** Writes one of the module's events, its payload checked against its kind. */
export const recordSales = recorder<SalesEvent>();

// A replay hands a run of events recorded together (a bulk import's) to one call, as the import did.
const one = withBatch(
  async (tx: Db, event: Recorded<SalesEvent>) => projectSalesEvents(tx, [event]),
  projectSalesEvents,
);

export const salesProjections = defineProjections<SalesEvent>({
  [SALES_EVENT.customerAdded]: one,
  [SALES_EVENT.contractSigned]: one,
  [SALES_EVENT.paymentReceived]: one,
  [SALES_EVENT.refundPaid]: one,
  [SALES_EVENT.deliveryRecorded]: one,
  [SALES_EVENT.contractCancelled]: one,
  [SALES_EVENT.tranchesRescheduled]: one,
  [SALES_EVENT.paymentAdjusted]: one,
  [SALES_EVENT.importCompleted]: one,
});
