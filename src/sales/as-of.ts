/**
 * The order book as it stood on past days, rebuilt from the recorded events with the same model
 * that decided them. The stored rows hold each contract as it stands today; a figure "as of" a day
 * (the report's, the opportunity cost's) reads this instead. Read-only.
 */
import { sql } from 'kysely';
import type { AppContext } from '../app/context.js';
import type { Day } from '../kernel/calendar.js';
import { eventFromTextRow, isEventOf } from '../ledger/events.js';
import { isContractEvent, SALES_EVENT, SALES_KINDS, type SalesEvent } from './events.js';
import { type Contract, lineAmount } from './model.js';
import { applyEvent, type ContractState, contractFigures, openContract } from './model-events.js';
import { type OpenTranche, openTrancheRows } from './open-tranches.js';
import type { OpenTrancheFilterInput } from './schemas.js';
import { customersById, sales } from './store.js';
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

/** Futures machines still to deliver at the end of `day`, by product: units, TH/s per unit, locked value. */
export function openFuturesOn(trails: Iterable<ContractTrail>, day: Day) {
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
  for (const trail of trails) {
    const s = stateOn(trail, day);
    if (s?.contract.kind !== 'futures') continue;
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
