/**
 * The order book as it stood on past days, rebuilt from the recorded events with the same model
 * that decided them. The stored rows hold each contract as it stands today; a figure "as of" a day
 * (the report's, the opportunity cost's) reads this instead. Read-only.
 */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import {
  addDays,
  type Day,
  firstDayOfQuarter,
  lastDayOfQuarter,
  type Quarter,
  quarterOf,
} from '../kernel/calendar.js';
import { eventFromTextRow, isEventOf } from '../ledger/events.js';
import { isContractEvent, SALES_EVENT, SALES_KINDS, type SalesEvent } from './events.js';
import { type Contract, lineAmount } from './model.js';
import {
  applyEvent,
  type ContractFigures,
  type ContractState,
  contractFigures,
  type MoneyStep,
  moneyStep,
  openContract,
} from './model-events.js';
import { type OpenTranche, openTrancheRows } from './open-tranches.js';
import type { OpenTrancheFilterInput } from './schemas.js';
import {
  customersById,
  type EntriesThrough,
  entriesThrough,
  type QuarterEnd,
  quarterEndsAround,
  sales,
} from './store.js';
import type { ContractSummary } from './store-reads.js';

/** A contract after each of its events up to a day, the signing first, in the order recorded. */
export interface ContractTrail {
  customer: string;
  steps: { day: Day; state: ContractState }[];
}

/** The contract as it stood at the end of `day`, or null if it was not signed yet. */
export function stateOn(trail: ContractTrail, day: Day): ContractState | null {
  let found: ContractState | null = null;
  for (const s of trail.steps) {
    if (s.day > day) break;
    found = s.state;
  }
  return found;
}

/** The sales events with an entry dated up to `day` (of these contracts), in the order recorded. */
function eventsBy(ctx: AppContext, day: Day, contractIds?: readonly number[], kind?: string) {
  return sales(ctx.db)
    .selectFrom('events as v')
    .select(['v.id', 'v.recorded_at', 'v.actor', 'v.kind', 'v.stream', 'v.version'])
    .select(sql<string>`v.payload::text`.as('payload_text'))
    .$if(kind !== undefined, (q) => q.where('v.kind', '=', kind!))
    .where('v.id', 'in', (eb) =>
      eb
        .selectFrom('sales_entries as e')
        .select('e.event_id')
        .where('e.day', '<=', day)
        .$if(contractIds !== undefined, (q) =>
          q.where('e.contract_id', '=', sql<bigint>`any(${(contractIds ?? []).map(BigInt)}::int8[])`),
        ),
    )
    .orderBy('v.id')
    .execute();
}

/**
 * The contracts signed by `day` as they were signed, in the order recorded: each trail's first
 * step (`contractTrails`), from the signing events alone rather than every event of every contract.
 */
export async function contractsSignedBy(ctx: AppContext, day: Day): Promise<Contract[]> {
  return (await eventsBy(ctx, day, undefined, SALES_EVENT.contractSigned)).flatMap((row) => {
    const e = eventFromTextRow(row);
    return isEventOf<SalesEvent>(SALES_KINDS, e) && e.kind === SALES_EVENT.contractSigned
      ? [e.payload.contract]
      : [];
  });
}

/** The contracts signed by `day`, with their states after each event dated up to `day`. */
export async function contractTrails(
  ctx: AppContext,
  day: Day,
  /** Only these contracts; every one when absent. */
  contractIds?: readonly number[],
): Promise<Map<number, ContractTrail>> {
  const rows = await eventsBy(ctx, day, contractIds);
  const trails = new Map<number, ContractTrail>();
  for (const row of rows) {
    const e = eventFromTextRow(row);
    if (!isEventOf<SalesEvent>(SALES_KINDS, e)) continue;
    if (e.kind === SALES_EVENT.contractSigned) {
      const { contract } = e.payload;
      trails.set(contract.id, {
        customer: '',
        steps: [{ day: contract.signedOn, state: openContract(contract) }],
      });
    } else if (isContractEvent(e)) {
      const trail = trails.get(e.payload.contractId);
      if (!trail)
        throw new Error(`Event ${e.id} is for contract ${e.payload.contractId}, not signed before it.`);
      const before = trail.steps.at(-1)!.state;
      trail.steps.push({ day: e.payload.event.day, state: applyEvent(before, e.payload.event).state });
    }
  }
  const ids = [...new Set([...trails.values()].map((t) => t.steps[0]!.state.contract.customerId))];
  const customers = await customersById(ctx.db, ids);
  for (const t of trails.values()) {
    t.customer = customers.get(t.steps[0]!.state.contract.customerId)?.name ?? '';
  }
  return trails;
}

/** Every contract signed by `day`, as it stood at the end of it. */
export async function statesOn(ctx: AppContext, day: Day): Promise<ContractState[]> {
  return [...(await contractTrails(ctx, day)).values()].flatMap((t) => stateOn(t, day) ?? []);
}

/**
 * A contract as a quarter's report reads it: as it stood when the quarter began and at its end, and
 * its money through the quarter.
 */
export interface ContractAtQuarter {
  customer: string;
  /** At the end of the day before the quarter; null: signed in it. */
  start: ContractState | null;
  /** At the end of the quarter's last day. */
  end: ContractState;
  /** Its money at `start` (when signed before the quarter), then after each of its events dated in the quarter. */
  money: MoneyStep[];
  /** The first day anything was paid on it, by the quarter's end. */
  firstPaidOn: Day | null;
}

/** `ContractAtQuarter` from the contract's trail through the quarter's end: the events replayed. */
function atQuarterFromTrail(trail: ContractTrail, quarter: Quarter): ContractAtQuarter | null {
  const from = firstDayOfQuarter(quarter);
  const to = lastDayOfQuarter(quarter);
  const end = stateOn(trail, to);
  if (!end) return null;
  const before = addDays(from, -1);
  const start = stateOn(trail, before);
  const during = trail.steps.filter((s) => s.day >= from && s.day <= to);
  return {
    customer: trail.customer,
    start,
    end,
    money: [
      ...(start ? [moneyStep(before, contractFigures(start))] : []),
      ...during.map((s) => moneyStep(s.day, contractFigures(s.state))),
    ],
    firstPaidOn: trail.steps.find((x) => x.day <= to && x.state.paid > 0n)?.day ?? null,
  };
}

/**
 * `ContractAtQuarter` from the stored quarter ends (sales_contract_quarters), or undefined when
 * they do not account for every one of the contract's events by the quarter's end (events recorded
 * before migration 1260): its latest row before the quarter must be of the quarter of its latest
 * event before it, and its row of the quarter must hold a step for each of its events dated there.
 */
function atQuarterFromRows(
  quarter: Quarter,
  e: EntriesThrough,
  before: QuarterEnd | undefined,
  during: QuarterEnd | undefined,
): Omit<ContractAtQuarter, 'customer'> | undefined {
  if ((before?.quarter ?? null) !== e.lastQuarterBefore) return undefined;
  if ((during?.steps.length ?? 0) !== e.eventsIn) return undefined;
  const start = before?.state ?? null;
  const end = during?.state ?? start;
  if (!end) return undefined;
  const day = addDays(firstDayOfQuarter(quarter), -1);
  return {
    start,
    end,
    money: [...(start ? [moneyStep(day, contractFigures(start))] : []), ...(during?.steps ?? [])],
    firstPaidOn: e.firstPaidOn,
  };
}

/** A contract after one of its events: the event's day, the state it left, that state's figures. */
export interface ContractStep {
  day: Day;
  state: ContractState;
  figures: ContractFigures;
}

/**
 * A contract's rows of sales_contract_quarters from its steps in the order recorded: one a quarter
 * (a run of consecutive steps in it), the state after the last and the money after each. The one
 * rule for both writers: the projections (with the steps of the events they apply, a row then
 * growing by each batch's) and the fill (with a contract's whole trail, `trailQuarterEnds`).
 */
export function quarterEndsOf(id: number, steps: readonly ContractStep[]): QuarterEnd[] {
  const ends: QuarterEnd[] = [];
  for (const { day, state, figures } of steps) {
    const quarter = quarterOf(day);
    let end = ends.at(-1);
    if (end?.quarter !== quarter) {
      end = { contractId: id, quarter, state, steps: [] };
      ends.push(end);
    }
    end.state = state;
    end.steps.push(moneyStep(day, figures));
  }
  return ends;
}

/** A contract's rows of sales_contract_quarters as its whole trail makes them. */
export function trailQuarterEnds(id: number, trail: ContractTrail): QuarterEnd[] {
  return quarterEndsOf(
    id,
    trail.steps.map((s) => ({ ...s, figures: contractFigures(s.state) })),
  );
}

/**
 * Every contract signed by the end of `quarter`, in the order signed, as the quarter's report reads
 * it: two stored states a contract (the projections keep them), not a replay of every sales event
 * up to the quarter's end; a contract whose stored quarters are incomplete is replayed.
 */
export async function contractsAtQuarter(
  ctx: AppContext,
  quarter: Quarter,
): Promise<Map<number, ContractAtQuarter>> {
  const [entries, stored] = await Promise.all([
    entriesThrough(ctx.db, quarter),
    quarterEndsAround(ctx.db, quarter),
  ]);
  const fromRows = new Map(
    entries.map((e) => [
      e.contractId,
      atQuarterFromRows(quarter, e, stored.before.get(e.contractId), stored.during.get(e.contractId)),
    ]),
  );
  const replay = entries.filter((e) => !fromRows.get(e.contractId)).map((e) => e.contractId);
  const trails =
    replay.length > 0
      ? await contractTrails(ctx, lastDayOfQuarter(quarter), replay)
      : new Map<number, ContractTrail>();
  const customers = await customersById(ctx.db, [
    ...new Set(entries.flatMap((e) => fromRows.get(e.contractId)?.end.contract.customerId ?? [])),
  ]);
  const contracts = new Map<number, ContractAtQuarter>();
  for (const { contractId: id } of entries) {
    const rows = fromRows.get(id);
    const trail = trails.get(id);
    const c = rows
      ? { customer: customers.get(rows.end.contract.customerId)?.name ?? '', ...rows }
      : trail && atQuarterFromTrail(trail, quarter);
    if (c) contracts.set(id, c);
  }
  return contracts;
}

/** Futures machines still to deliver on a day, by product (`states`: the contracts as they stood then): units, TH/s per unit, locked value. */
export function openFuturesOn(states: Iterable<ContractState>) {
  const by = new Map<
    string,
    {
      productId: string;
      family: string;
      thsPerUnit: number;
      openUnits: number;
      lockedCents: bigint;
      ids: Set<number>;
    }
  >();
  for (const s of states) {
    if (s.contract.kind !== 'futures') continue;
    for (const l of s.lines) {
      const open = l.line.units - l.delivered - l.cancelled;
      if (open <= 0 || l.line.price.per !== 'th') continue;
      const key = `${l.line.productId}/${l.line.thsPerUnit}`;
      const row = by.get(key) ?? {
        productId: l.line.productId,
        family: l.line.family,
        thsPerUnit: l.line.thsPerUnit!,
        openUnits: 0,
        lockedCents: 0n,
        ids: new Set<number>(),
      };
      row.openUnits += open;
      row.lockedCents += lineAmount(l.line, l.line.units) - lineAmount(l.line, l.delivered + l.cancelled);
      row.ids.add(s.contract.id);
      by.set(key, row);
    }
  }
  return [...by.values()]
    .sort((a, b) =>
      a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : a.thsPerUnit - b.thsPerUnit,
    )
    .map(({ ids, ...p }) => ({ ...p, contracts: ids.size }));
}

/**
 * A contract list's rows with each contract's figures as they stood at the end of `day`: the rows a
 * figure's drill-down lists must add up to the figure, which is as of its day.
 */
export async function summariesOn(
  ctx: AppContext,
  rows: readonly ContractSummary[],
  day: Day,
): Promise<ContractSummary[]> {
  const trails = await contractTrails(
    ctx,
    day,
    rows.map((r) => r.id),
  );
  return rows.flatMap((r) => {
    const trail = trails.get(r.id);
    const s = trail && stateOn(trail, day);
    if (!s) return [];
    const f = contractFigures(s);
    return [
      {
        ...r,
        status: f.status,
        units: f.units,
        th: f.th,
        valueCents: f.valueCents,
        paidCents: f.netPaidCents,
        revenueCents: f.revenueCents,
        deliveredUnits: f.deliveredUnits,
        backlogUnits: f.backlogUnits,
        backlogCents: f.backlogCents,
        cancelledValueCents: f.cancelledValueCents,
        forfeitedDepositCents: f.forfeitedDepositCents,
        liabilityCents: f.liabilityCents,
        receivableCents: f.receivableCents,
      },
    ];
  });
}

/** The tranches still to deliver at the end of `day`, as the order book stood then. */
export async function openTranchesOn(
  ctx: AppContext,
  day: Day,
  filter: OpenTrancheFilterInput = {},
): Promise<OpenTranche[]> {
  const contracts = [];
  for (const trail of (await contractTrails(ctx, day)).values()) {
    const state = stateOn(trail, day);
    if (state) contracts.push({ state, customer: trail.customer });
  }
  return openTrancheRows(contracts, day, filter);
}
