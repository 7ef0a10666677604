/**
 * The order book's SQL. Writes come only from the projections (src/sales/projections.ts); reads
 * serve the services. Bulk writes go a thousand rows a statement, in key order, so that two
 * writers touching the same rows lock them in the same order.
 */
import { type Selectable, sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Day, Month, Quarter } from '../kernel/calendar.js';
import type { PageAfter } from '../kernel/paging.js';
import {
  type ContractKind,
  type Customer,
  lineAmount,
  lineParts,
  lineValue,
  type ProductKind,
  type Region,
} from './model.js';
import type { ContractFigures, ContractState, MoneyStep } from './model-events.js';
import type { LineRollup, MoneyRollup, Rollups, ScheduleRollup } from './model-figures.js';
import { decodeState, encodeState } from './state-codec.js';

export type SalesTables = {
  sales_customers: { id: bigint; name: string; country: string; region: string; added_at: Date };
  sales_contracts: {
    id: bigint;
    customer_id: bigint;
    kind: ContractKind;
    signed_on: Day;
    reference: string | null;
    status: string;
    value_cents: bigint;
    deposit_cents: bigint;
    paid_cents: bigint;
    refunded_cents: bigint;
    revenue_cents: bigint;
    cancelled_value_cents: bigint;
    forfeited_cents: bigint;
    liability_cents: bigint;
    receivable_cents: bigint;
    backlog_cents: bigint;
    units: number;
    th: number;
    delivered_units: number;
    delivered_th: number;
    cancelled_units: number;
    backlog_units: number;
    backlog_th: number;
    cancelled_on: Day | null;
    last_day: Day;
    state: string;
  };
  sales_lines: {
    contract_id: bigint;
    line_id: number;
    product_id: string;
    product_kind: ProductKind;
    family: string;
    units: number;
    ths_per_unit: number | null;
    price_per: 'th' | 'unit';
    price_cents: bigint;
    value_cents: bigint;
    delivered_units: number;
    cancelled_units: number;
    revenue_cents: bigint;
    backlog_cents: bigint;
  };
  sales_tranches: {
    contract_id: bigint;
    line_id: number;
    tranche: number;
    month: Month;
    units: number;
    delivered_units: number;
    cancelled_units: number;
    open_units: number;
  };
  sales_entries: {
    event_id: bigint;
    contract_id: bigint;
    type: string;
    day: Day;
    quarter: Quarter;
    amount_cents: bigint;
    units: number;
    liability_cents: bigint;
    receivable_cents: bigint;
    backlog_cents: bigint;
    /** The deposit a cancellation forfeited; 0 for other events. */
    forfeited_cents: bigint;
    /** The payment event a payment adjustment corrects; null for other events. */
    corrects_event_id: bigint | null;
  };
  sales_deliveries: {
    event_id: bigint;
    contract_id: bigint;
    line_id: number;
    tranche: number;
    product_id: string;
    due_month: Month;
    day: Day;
    units: number;
  };
  sales_contract_quarters: {
    contract_id: bigint;
    quarter: Quarter;
    state: string;
    steps: unknown;
  };
  sales_rollup_lines: {
    quarter: Quarter;
    contract_kind: ContractKind;
    product_kind: ProductKind;
    family: string;
    booked_units: bigint;
    booked_th: number;
    booked_cents: bigint;
    delivered_units: bigint;
    delivered_th: number;
    revenue_cents: bigint;
    cancelled_units: bigint;
    cancelled_th: number;
    cancelled_cents: bigint;
    futures_th: number;
    futures_locked_cents: bigint;
    futures_spot_cents: bigint;
  };
  sales_rollup_money: {
    quarter: Quarter;
    contract_kind: ContractKind;
    contracts: bigint;
    paid_cents: bigint;
    refunded_cents: bigint;
    forfeited_cents: bigint;
    liability_cents: bigint;
    receivable_cents: bigint;
  };
  sales_rollup_schedule: {
    quarter: Quarter;
    scheduled_quarter: Quarter;
    product_kind: ProductKind;
    units: bigint;
    th: number;
    value_cents: bigint;
  };
};

export const sales = (db: Db) => db.withTables<SalesTables>();
export type SalesDb = ReturnType<typeof sales>;
export type ContractRow = Selectable<SalesTables['sales_contracts']>;

type PgType = 'int4' | 'int8' | 'float8' | 'text' | 'date' | 'timestamptz' | 'jsonb';

/**
 * Writes rows as one JSON document a statement, unpacked by PostgreSQL (jsonb_to_recordset):
 * bulk writes pay per round trip and per value bound, and this is one of each per few thousand
 * rows. Rows must be JSON already: cents and other int8 values as decimal strings.
 * `conflict` is the statement's ON CONFLICT clause, if any.
 */
async function insertJson(
  tx: Db,
  table: keyof SalesTables,
  columns: Record<string, PgType>,
  rows: readonly object[],
  conflict = '',
): Promise<void> {
  const names = Object.keys(columns);
  const list = sql.raw(names.join(', '));
  const types = sql.raw(names.map((n) => `${n} ${columns[n]}`).join(', '));
  for (let i = 0; i < rows.length; i += 5000) {
    const json = JSON.stringify(rows.slice(i, i + 5000));
    await sql`insert into ${sql.table(table)} (${list})
      select ${list} from jsonb_to_recordset(${json}::jsonb) as x(${types}) ${sql.raw(conflict)}`.execute(tx);
  }
}

/** `on conflict (keys) do update set col = excluded.col, …` */
const replace = (keys: string[], columns: string[]) =>
  `on conflict (${keys.join(', ')}) do update set ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** `on conflict (keys) do update set col = table.col + excluded.col, …`: an upsert that adds. */
const add = (table: string, keys: string[], columns: string[]) =>
  `on conflict (${keys.join(', ')}) do update set ${columns.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ')}`;

// --- customers ----------------------------------------------------------------------------------

const toCustomer = (r: Selectable<SalesTables['sales_customers']>): Customer => ({
  id: Number(r.id),
  name: r.name,
  country: r.country,
  region: r.region as Region,
});

export async function insertCustomers(tx: Db, customers: readonly Customer[], at: Date): Promise<void> {
  await insertJson(
    tx,
    'sales_customers',
    { id: 'int8', name: 'text', country: 'text', region: 'text', added_at: 'timestamptz' },
    customers.map((c) => ({
      id: c.id,
      name: c.name,
      country: c.country,
      region: c.region,
      added_at: at.toISOString(),
    })),
  );
}

export async function findCustomer(db: Db, id: number): Promise<Customer | undefined> {
  const row = await sales(db)
    .selectFrom('sales_customers')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return row && toCustomer(row);
}

/** Customers whose names match any of `names`, compared without case. */
export async function customersNamed(db: Db, names: readonly string[]): Promise<Customer[]> {
  if (names.length === 0) return [];
  const rows = await sales(db)
    .selectFrom('sales_customers')
    .selectAll()
    .where(sql<boolean>`lower(name) = any(${names.map((n) => n.toLowerCase())}::text[])`)
    .execute();
  return rows.map(toCustomer);
}

export async function customersById(db: Db, ids: readonly number[]): Promise<Map<number, Customer>> {
  if (ids.length === 0) return new Map();
  const rows = await sales(db)
    .selectFrom('sales_customers')
    .selectAll()
    .where('id', '=', sql<bigint>`any(${ids.map(BigInt)}::int8[])`)
    .execute();
  return new Map(rows.map((r) => [Number(r.id), toCustomer(r)]));
}

export async function selectCustomers(
  db: Db,
  filter: { region?: string | undefined; country?: string | undefined } & PageAfter,
): Promise<Customer[]> {
  let q = sales(db).selectFrom('sales_customers').selectAll().orderBy('id');
  if (filter.region) q = q.where('region', '=', filter.region);
  if (filter.country) q = q.where('country', '=', filter.country);
  if (filter.after !== undefined) q = q.where('id', '>', BigInt(filter.after));
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toCustomer);
}

// --- contract state -----------------------------------------------------------------------------

/**
 * The model states of contracts. `forUpdate` locks their rows, in id order, until the transaction
 * ends: whoever decides an event on a contract holds its row, so two writers never both decide.
 */
export async function loadStates(
  db: Db,
  ids: readonly number[],
  opts: { forUpdate?: boolean } = {},
): Promise<Map<number, ContractState>> {
  const states = new Map<number, ContractState>();
  const sorted = [...ids].sort((a, b) => a - b);
  for (let i = 0; i < sorted.length; i += 10_000) {
    const rows = await sales(db)
      .selectFrom('sales_contracts')
      .select(['id', 'state'])
      .where('id', '=', sql<bigint>`any(${sorted.slice(i, i + 10_000).map(BigInt)}::int8[])`)
      .orderBy('id')
      .$if(opts.forUpdate === true, (q) => q.forUpdate())
      .execute();
    for (const r of rows) states.set(Number(r.id), decodeState(r.state));
  }
  return states;
}

const CONTRACT_COLUMNS = {
  id: 'int8',
  customer_id: 'int8',
  kind: 'text',
  signed_on: 'date',
  reference: 'text',
  status: 'text',
  value_cents: 'int8',
  deposit_cents: 'int8',
  paid_cents: 'int8',
  refunded_cents: 'int8',
  revenue_cents: 'int8',
  cancelled_value_cents: 'int8',
  forfeited_cents: 'int8',
  liability_cents: 'int8',
  receivable_cents: 'int8',
  backlog_cents: 'int8',
  units: 'int4',
  th: 'float8',
  delivered_units: 'int4',
  delivered_th: 'float8',
  cancelled_units: 'int4',
  backlog_units: 'int4',
  backlog_th: 'float8',
  cancelled_on: 'date',
  last_day: 'date',
  state: 'text',
} as const;

function contractRow(s: ContractState, f: ContractFigures): Record<keyof typeof CONTRACT_COLUMNS, unknown> {
  const c = s.contract;
  return {
    id: c.id,
    customer_id: c.customerId,
    kind: c.kind,
    signed_on: c.signedOn,
    reference: c.reference,
    status: f.status,
    value_cents: String(f.valueCents),
    deposit_cents: String(f.depositCents),
    paid_cents: String(f.paidCents),
    refunded_cents: String(f.refundedCents),
    revenue_cents: String(f.revenueCents),
    cancelled_value_cents: String(f.cancelledValueCents),
    forfeited_cents: String(f.forfeitedDepositCents),
    liability_cents: String(f.liabilityCents),
    receivable_cents: String(f.receivableCents),
    backlog_cents: String(f.backlogCents),
    units: f.units,
    th: f.th,
    delivered_units: f.deliveredUnits,
    delivered_th: f.deliveredTh,
    cancelled_units: f.cancelledUnits,
    backlog_units: f.backlogUnits,
    backlog_th: f.backlogTh,
    cancelled_on: s.cancelledOn,
    last_day: s.lastDay,
    state: encodeState(s),
  };
}

/** The lines and tranches (`line/tranche`) of a contract that events changed. */
export interface ChangedParts {
  lines: Set<number>;
  tranches: Set<string>;
}

/**
 * Writes each contract's row as its state now stands (with `figures`, already worked out by the
 * caller), and the lines and tranches that changed. Rows go in id order, so two writers lock them
 * in the same order.
 */
export async function saveContracts(
  tx: Db,
  contracts: readonly { state: ContractState; figures: ContractFigures }[],
  changed: ReadonlyMap<number, ChangedParts>,
): Promise<void> {
  const sorted = [...contracts].sort((a, b) => a.state.contract.id - b.state.contract.id);
  const updatable = Object.keys(CONTRACT_COLUMNS).filter(
    (c) =>
      ![
        'id',
        'customer_id',
        'kind',
        'signed_on',
        'reference',
        'value_cents',
        'deposit_cents',
        'units',
        'th',
      ].includes(c),
  );
  await insertJson(
    tx,
    'sales_contracts',
    CONTRACT_COLUMNS,
    sorted.map((c) => contractRow(c.state, c.figures)),
    replace(['id'], updatable),
  );

  const lines: Record<string, unknown>[] = [];
  const tranches: Record<string, unknown>[] = [];
  for (const { state: s } of sorted) {
    const parts = changed.get(s.contract.id);
    if (!parts) continue;
    for (const l of s.lines) {
      const lineId = l.line.lineId;
      if (parts.lines.has(lineId)) {
        const value = lineValue(l.line);
        lines.push({
          contract_id: s.contract.id,
          line_id: lineId,
          product_id: l.line.productId,
          product_kind: l.line.productKind,
          family: l.line.family,
          units: l.line.units,
          ths_per_unit: l.line.thsPerUnit,
          price_per: l.line.price.per,
          price_cents: String(
            l.line.price.per === 'th' ? l.line.price.centsPerTh : l.line.price.centsPerUnit,
          ),
          value_cents: String(value),
          delivered_units: l.delivered,
          cancelled_units: l.cancelled,
          revenue_cents: String(lineAmount(l.line, l.delivered)),
          backlog_cents: String(lineParts(l.line, l.delivered, l.cancelled).open),
        });
      }
      for (const t of [...l.tranches].sort((a, b) => a.tranche - b.tranche)) {
        if (!parts.tranches.has(`${lineId}/${t.tranche}`)) continue;
        tranches.push({
          contract_id: s.contract.id,
          line_id: lineId,
          tranche: t.tranche,
          month: t.month,
          units: t.units,
          delivered_units: t.delivered,
          cancelled_units: t.cancelled,
          open_units: t.units - t.delivered - t.cancelled,
        });
      }
    }
  }
  await insertJson(
    tx,
    'sales_lines',
    {
      contract_id: 'int8',
      line_id: 'int4',
      product_id: 'text',
      product_kind: 'text',
      family: 'text',
      units: 'int4',
      ths_per_unit: 'float8',
      price_per: 'text',
      price_cents: 'int8',
      value_cents: 'int8',
      delivered_units: 'int4',
      cancelled_units: 'int4',
      revenue_cents: 'int8',
      backlog_cents: 'int8',
    },
    lines,
    replace(
      ['contract_id', 'line_id'],
      ['delivered_units', 'cancelled_units', 'revenue_cents', 'backlog_cents'],
    ),
  );
  await insertJson(
    tx,
    'sales_tranches',
    {
      contract_id: 'int8',
      line_id: 'int4',
      tranche: 'int4',
      month: 'text',
      units: 'int4',
      delivered_units: 'int4',
      cancelled_units: 'int4',
      open_units: 'int4',
    },
    tranches,
    replace(
      ['contract_id', 'line_id', 'tranche'],
      ['month', 'units', 'delivered_units', 'cancelled_units', 'open_units'],
    ),
  );
}

/** One row per contract event; cents as decimal strings. */
export interface EntryRow {
  event_id: string;
  contract_id: number;
  type: string;
  day: Day;
  quarter: Quarter;
  amount_cents: string;
  units: number;
  liability_cents: string;
  receivable_cents: string;
  backlog_cents: string;
  forfeited_cents: string;
  corrects_event_id: string | null;
}

export async function insertEntries(tx: Db, entries: readonly EntryRow[]): Promise<void> {
  await insertJson(
    tx,
    'sales_entries',
    {
      event_id: 'int8',
      contract_id: 'int8',
      type: 'text',
      day: 'date',
      quarter: 'text',
      amount_cents: 'int8',
      units: 'int4',
      liability_cents: 'int8',
      receivable_cents: 'int8',
      backlog_cents: 'int8',
      forfeited_cents: 'int8',
      corrects_event_id: 'int8',
    },
    entries,
  );
}

// --- contracts at quarter ends -------------------------------------------------------------------

/** A contract's state after its last event of a quarter, with the money of each of that quarter's events. */
export interface QuarterEnd {
  contractId: number;
  quarter: Quarter;
  state: ContractState;
  steps: MoneyStep[];
}

type StoredStep = [day: Day, paid: string, refunded: string, forfeited: string, earned: string];

/**
 * Brings each contract's row for a quarter up to its `state` there, adding the quarter's `steps`
 * after those stored (a contract's events come in date order, so a quarter's rows only grow).
 */
export async function saveQuarterEnds(tx: Db, ends: readonly QuarterEnd[]): Promise<void> {
  await insertJson(
    tx,
    'sales_contract_quarters',
    { contract_id: 'int8', quarter: 'text', state: 'text', steps: 'jsonb' },
    [...ends]
      .sort((a, b) => a.contractId - b.contractId || (a.quarter < b.quarter ? -1 : 1))
      .map((e) => ({
        contract_id: e.contractId,
        quarter: e.quarter,
        state: encodeState(e.state),
        steps: e.steps.map(
          (s): StoredStep => [
            s.day,
            String(s.paidCents),
            String(s.refundedCents),
            String(s.forfeitedCents),
            String(s.earnedCents),
          ],
        ),
      })),
    `on conflict (contract_id, quarter) do update set state = excluded.state,
      steps = sales_contract_quarters.steps || excluded.steps`,
  );
}

/**
 * Each contract's row for `quarter` (with its steps) and its latest row before it (without): what
 * it was at the end of the quarter before and at this one's.
 */
export async function quarterEndsAround(
  db: Db,
  quarter: Quarter,
): Promise<{ before: Map<number, QuarterEnd>; during: Map<number, QuarterEnd> }> {
  const rows = await sql<{ contract_id: string; quarter: Quarter; state: string; steps: string | null }>`
    select contract_id::text, quarter, state, null as steps from (
      select distinct on (contract_id) contract_id, quarter, state from sales_contract_quarters
      where quarter < ${quarter} order by contract_id, quarter desc
    ) b
    union all
    select contract_id::text, quarter, state, steps::text from sales_contract_quarters where quarter = ${quarter}`.execute(
    db,
  );
  const before = new Map<number, QuarterEnd>();
  const during = new Map<number, QuarterEnd>();
  for (const r of rows.rows) {
    const end: QuarterEnd = {
      contractId: Number(r.contract_id),
      quarter: r.quarter,
      state: decodeState(r.state),
      steps:
        r.steps === null
          ? []
          : (JSON.parse(r.steps) as StoredStep[]).map(([day, paid, refunded, forfeited, earned]) => ({
              day,
              paidCents: BigInt(paid),
              refundedCents: BigInt(refunded),
              forfeitedCents: BigInt(forfeited),
              earnedCents: BigInt(earned),
            })),
    };
    (r.steps === null ? before : during).set(end.contractId, end);
  }
  return { before, during };
}

/** Whether every contract event (sales_entries) has its step in sales_contract_quarters. */
export async function quarterEndsComplete(db: Db): Promise<boolean> {
  const r = await sql<{ complete: boolean }>`
    select (select count(*) from sales_entries)
      = (select coalesce(sum(jsonb_array_length(steps)), 0) from sales_contract_quarters) as complete`.execute(
    db,
  );
  return r.rows[0]!.complete;
}

/**
 * The next `limit` contracts after id `after`, their rows locked until the transaction ends: an
 * event recorded on one of them waits (its projection writes the row) and is then seen whole.
 */
export async function lockContractsAfter(db: Db, after: number, limit: number): Promise<number[]> {
  // Ordered by the column, not by its text (an `order by id` beside `id::text` sorted "10" before "2").
  const rows = await sql<{ id: bigint }>`
    select c.id from sales_contracts c where c.id > ${after} order by c.id limit ${limit} for update`.execute(
    db,
  );
  return rows.rows.map((r) => Number(r.id));
}

/** Replaces the stored quarter ends of the contracts `ids` with `ends`. */
export async function replaceQuarterEnds(tx: Db, ids: readonly number[], ends: readonly QuarterEnd[]) {
  await sql`delete from sales_contract_quarters where contract_id = any(${ids.map(BigInt)}::int8[])`.execute(
    tx,
  );
  await saveQuarterEnds(tx, ends);
}

/** What the entries say of each contract signed by the end of `quarter`, to check its rows against. */
export interface EntriesThrough {
  contractId: number;
  /** The quarter of its latest event before `quarter`; null: signed in it. */
  lastQuarterBefore: Quarter | null;
  /** Its events dated in `quarter`. */
  eventsIn: number;
  /** The day of its first payment, if any by then. */
  firstPaidOn: Day | null;
}

/** Each contract signed by the end of `quarter`, in the order the signings were recorded. */
export async function entriesThrough(db: Db, quarter: Quarter): Promise<EntriesThrough[]> {
  const rows = await sql<{
    contract_id: string;
    last_before: Quarter | null;
    events_in: number;
    first_paid: Day | null;
  }>`
    select contract_id::text,
      max(quarter) filter (where quarter < ${quarter}) as last_before,
      (count(*) filter (where quarter = ${quarter}))::int4 as events_in,
      to_char(min(day) filter (where type = 'payment-received'), 'YYYY-MM-DD') as first_paid
    from sales_entries where quarter <= ${quarter}
    group by contract_id
    order by min(event_id) filter (where type = 'signed')`.execute(db);
  return rows.rows.map((r) => ({
    contractId: Number(r.contract_id),
    lastQuarterBefore: r.last_before,
    eventsIn: r.events_in,
    firstPaidOn: r.first_paid,
  }));
}

/** One tranche's share of a recorded delivery, with the model and the month it was due; ids as JSON carries them. */
export type DeliveryRow = Omit<SalesTables['sales_deliveries'], 'event_id' | 'contract_id'> & {
  event_id: string;
  contract_id: number;
};

export async function insertDeliveries(tx: Db, deliveries: readonly DeliveryRow[]): Promise<void> {
  await insertJson(
    tx,
    'sales_deliveries',
    {
      event_id: 'int8',
      contract_id: 'int8',
      line_id: 'int4',
      tranche: 'int4',
      product_id: 'text',
      due_month: 'text',
      day: 'date',
      units: 'int4',
    },
    deliveries,
  );
}

// --- rollups ------------------------------------------------------------------------------------

const keyOrder =
  <T>(key: (r: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

const LINE_MEASURES = {
  booked_units: 'int8',
  booked_th: 'float8',
  booked_cents: 'int8',
  delivered_units: 'int8',
  delivered_th: 'float8',
  revenue_cents: 'int8',
  cancelled_units: 'int8',
  cancelled_th: 'float8',
  cancelled_cents: 'int8',
  futures_th: 'float8',
  futures_locked_cents: 'int8',
  futures_spot_cents: 'int8',
} as const;
const MONEY_MEASURES = {
  contracts: 'int8',
  paid_cents: 'int8',
  refunded_cents: 'int8',
  forfeited_cents: 'int8',
  liability_cents: 'int8',
  receivable_cents: 'int8',
} as const;
const SCHEDULE_MEASURES = { units: 'int8', th: 'float8', value_cents: 'int8' } as const;

/** Adds movements to the rollup rows (creating the rows a new quarter or key needs), in key order. */
export async function addToRollups(tx: Db, r: Rollups): Promise<void> {
  const lineKeys = ['quarter', 'contract_kind', 'product_kind', 'family'];
  await insertJson(
    tx,
    'sales_rollup_lines',
    { quarter: 'text', contract_kind: 'text', product_kind: 'text', family: 'text', ...LINE_MEASURES },
    [...r.lines]
      .sort(keyOrder((x) => `${x.quarter}/${x.contractKind}/${x.productKind}/${x.family}`))
      .map((x) => ({
        quarter: x.quarter,
        contract_kind: x.contractKind,
        product_kind: x.productKind,
        family: x.family,
        booked_units: x.bookedUnits,
        booked_th: x.bookedTh,
        booked_cents: String(x.bookedCents),
        delivered_units: x.deliveredUnits,
        delivered_th: x.deliveredTh,
        revenue_cents: String(x.revenueCents),
        cancelled_units: x.cancelledUnits,
        cancelled_th: x.cancelledTh,
        cancelled_cents: String(x.cancelledCents),
        futures_th: x.futuresTh,
        futures_locked_cents: String(x.futuresLockedCents),
        futures_spot_cents: String(x.futuresSpotCents),
      })),
    add('sales_rollup_lines', lineKeys, Object.keys(LINE_MEASURES)),
  );
  await insertJson(
    tx,
    'sales_rollup_money',
    { quarter: 'text', contract_kind: 'text', ...MONEY_MEASURES },
    [...r.money].sort(keyOrder((x) => `${x.quarter}/${x.contractKind}`)).map((x) => ({
      quarter: x.quarter,
      contract_kind: x.contractKind,
      contracts: x.contracts,
      paid_cents: String(x.paidCents),
      refunded_cents: String(x.refundedCents),
      forfeited_cents: String(x.forfeitedCents),
      liability_cents: String(x.liabilityCents),
      receivable_cents: String(x.receivableCents),
    })),
    add('sales_rollup_money', ['quarter', 'contract_kind'], Object.keys(MONEY_MEASURES)),
  );
  await insertJson(
    tx,
    'sales_rollup_schedule',
    { quarter: 'text', scheduled_quarter: 'text', product_kind: 'text', ...SCHEDULE_MEASURES },
    [...r.schedule].sort(keyOrder((x) => `${x.quarter}/${x.scheduledQuarter}/${x.productKind}`)).map((x) => ({
      quarter: x.quarter,
      scheduled_quarter: x.scheduledQuarter,
      product_kind: x.productKind,
      units: x.units,
      th: x.th,
      value_cents: String(x.valueCents),
    })),
    add(
      'sales_rollup_schedule',
      ['quarter', 'scheduled_quarter', 'product_kind'],
      Object.keys(SCHEDULE_MEASURES),
    ),
  );
}

export async function readRollups(db: Db): Promise<Rollups> {
  const [lines, money, schedule] = await Promise.all([
    sales(db).selectFrom('sales_rollup_lines').selectAll().execute(),
    sales(db).selectFrom('sales_rollup_money').selectAll().execute(),
    sales(db).selectFrom('sales_rollup_schedule').selectAll().execute(),
  ]);
  return {
    lines: lines.map(
      (x): LineRollup => ({
        quarter: x.quarter,
        contractKind: x.contract_kind,
        productKind: x.product_kind,
        family: x.family,
        bookedUnits: Number(x.booked_units),
        bookedTh: x.booked_th,
        bookedCents: x.booked_cents,
        deliveredUnits: Number(x.delivered_units),
        deliveredTh: x.delivered_th,
        revenueCents: x.revenue_cents,
        cancelledUnits: Number(x.cancelled_units),
        cancelledTh: x.cancelled_th,
        cancelledCents: x.cancelled_cents,
        futuresTh: x.futures_th,
        futuresLockedCents: x.futures_locked_cents,
        futuresSpotCents: x.futures_spot_cents,
      }),
    ),
    money: money.map(
      (x): MoneyRollup => ({
        quarter: x.quarter,
        contractKind: x.contract_kind,
        contracts: Number(x.contracts),
        paidCents: x.paid_cents,
        refundedCents: x.refunded_cents,
        forfeitedCents: x.forfeited_cents,
        liabilityCents: x.liability_cents,
        receivableCents: x.receivable_cents,
      }),
    ),
    schedule: schedule.map(
      (x): ScheduleRollup => ({
        quarter: x.quarter,
        scheduledQuarter: x.scheduled_quarter,
        productKind: x.product_kind,
        units: Number(x.units),
        th: x.th,
        valueCents: x.value_cents,
      }),
    ),
  };
}
