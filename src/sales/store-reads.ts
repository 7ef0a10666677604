/**
 * The order book's read queries: contract lists with the filters a figure's drill-down uses, the
 * entries behind the figures, a contract's history, and what supply and the opportunity cost need.
 */
import { type ExpressionBuilder, sql } from 'kysely';
import type { Db } from '../db/db.js';
import { type Day, firstDayOfQuarter, lastDayOfQuarter, type Month } from '../kernel/calendar.js';
import { containing } from '../kernel/like.js';
import { eventFromRow } from '../ledger/events.js';
import type { RecordedEvent } from '../ledger/ledger.js';
import type { ContractFilterInput, ContractSort, EntryFilterInput } from './schemas.js';
import { type SalesTables, sales } from './store.js';

/** The days of `2020Q4` or `2020`. */
export function periodDays(period: string): { from: Day; to: Day } {
  if (period.includes('Q')) return { from: firstDayOfQuarter(period), to: lastDayOfQuarter(period) };
  return { from: `${period}-01-01`, to: `${period}-12-31` };
}

export interface ContractSummary {
  id: number;
  customerId: number;
  customer: string;
  kind: string;
  signedOn: Day;
  status: string;
  units: number;
  th: number;
  valueCents: bigint;
  paidCents: bigint;
  revenueCents: bigint;
  deliveredUnits: number;
  backlogUnits: number;
  backlogCents: bigint;
  cancelledValueCents: bigint;
  forfeitedDepositCents: bigint;
  liabilityCents: bigint;
  receivableCents: bigint;
}

type Eb = ExpressionBuilder<SalesTables & { c: SalesTables['sales_contracts'] }, 'c'>;

const hasEntry = (eb: Eb, types: string[], period: string) => {
  const { from, to } = periodDays(period);
  return eb.exists(
    eb
      .selectFrom('sales_entries as e')
      .select(sql`1`.as('one'))
      .whereRef('e.contract_id', '=', 'c.id')
      .where('e.type', 'in', types)
      .where('e.day', '>=', from)
      .where('e.day', '<=', to),
  );
};

/** The contract's stocks as they stood at the end of `day`: its latest entry up to then. */
const stockAt = (eb: Eb, column: 'liability_cents' | 'receivable_cents' | 'backlog_cents', day: Day) =>
  eb(
    eb
      .selectFrom('sales_entries as e')
      .select(`e.${column}`)
      .whereRef('e.contract_id', '=', 'c.id')
      .where('e.day', '<=', day)
      .orderBy('e.day', 'desc')
      .orderBy('e.event_id', 'desc')
      .limit(1),
    '>',
    0n,
  );

/** The column each sort key orders by; ties go by contract number, so pages never overlap. */
const SORT_COLUMNS = {
  id: 'c.id',
  customer: 'k.name',
  kind: 'c.kind',
  signedOn: 'c.signed_on',
  status: 'c.status',
  value: 'c.value_cents',
  delivered: 'c.delivered_units',
  paid: sql`c.paid_cents - c.refunded_cents`,
  liability: 'c.liability_cents',
  receivable: 'c.receivable_cents',
  backlog: 'c.backlog_cents',
} as const satisfies Record<ContractSort, unknown>;

export async function selectContracts(
  db: Db,
  f: ContractFilterInput,
): Promise<{ total: number; contracts: ContractSummary[] }> {
  let q = sales(db)
    .selectFrom('sales_contracts as c')
    .innerJoin('sales_customers as k', 'k.id', 'c.customer_id');
  if (f.search) {
    const like = containing(f.search);
    q = q.where((eb) =>
      eb.or([
        eb(sql`c.id::text`, '=', f.search!.replace(/^#/, '')),
        eb('k.name', 'ilike', like),
        eb('c.reference', 'ilike', like),
      ]),
    );
  }
  if (f.customerId) q = q.where('c.customer_id', '=', BigInt(f.customerId));
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  if (f.status === 'open') q = q.where('c.status', 'in', ['signed', 'delivering']);
  else if (f.status) q = q.where('c.status', '=', f.status);
  if (f.signedIn) {
    const { from, to } = periodDays(f.signedIn);
    q = q.where('c.signed_on', '>=', from).where('c.signed_on', '<=', to);
  }
  if (f.productId || f.family || f.productKind) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('sales_lines as l')
          .select(sql`1`.as('one'))
          .whereRef('l.contract_id', '=', 'c.id')
          .$if(!!f.productId, (s) => s.where('l.product_id', '=', f.productId!))
          .$if(!!f.family, (s) => s.where('l.family', '=', f.family!))
          .$if(!!f.productKind, (s) => s.where('l.product_kind', '=', f.productKind!)),
      ),
    );
  }
  if (f.deliveredIn) q = q.where((eb) => hasEntry(eb, ['delivery'], f.deliveredIn!));
  if (f.cancelledIn) q = q.where((eb) => hasEntry(eb, ['cancellation'], f.cancelledIn!));
  if (f.paidIn)
    q = q.where((eb) => hasEntry(eb, ['payment-received', 'refund', 'payment-adjustment'], f.paidIn!));
  if (f.liabilityAt) q = q.where((eb) => stockAt(eb, 'liability_cents', f.liabilityAt!));
  if (f.receivableAt) q = q.where((eb) => stockAt(eb, 'receivable_cents', f.receivableAt!));
  if (f.backlogAt) q = q.where((eb) => stockAt(eb, 'backlog_cents', f.backlogAt!));

  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
    q
      .select([
        'c.id',
        'c.customer_id',
        'k.name',
        'c.kind',
        'c.signed_on',
        'c.status',
        'c.units',
        'c.th',
        'c.value_cents',
        'c.paid_cents',
        'c.refunded_cents',
        'c.revenue_cents',
        'c.delivered_units',
        'c.backlog_units',
        'c.backlog_cents',
        'c.cancelled_value_cents',
        'c.forfeited_cents',
        'c.liability_cents',
        'c.receivable_cents',
      ])
      .$call((s) => {
        const key = (f.sort ?? 'id').replace(/^-/, '') as ContractSort;
        const direction = f.sort?.startsWith('-') ? 'desc' : 'asc';
        const ordered = s.orderBy(SORT_COLUMNS[key], direction);
        return key === 'id' ? ordered : ordered.orderBy('c.id', direction);
      })
      .limit(f.limit)
      .offset(f.offset)
      .execute(),
  ]);
  return {
    total: Number(count.n),
    contracts: rows.map((r) => ({
      id: Number(r.id),
      customerId: Number(r.customer_id),
      customer: r.name,
      kind: r.kind,
      signedOn: r.signed_on,
      status: r.status,
      units: r.units,
      th: r.th,
      valueCents: r.value_cents,
      paidCents: r.paid_cents - r.refunded_cents,
      revenueCents: r.revenue_cents,
      deliveredUnits: r.delivered_units,
      backlogUnits: r.backlog_units,
      backlogCents: r.backlog_cents,
      cancelledValueCents: r.cancelled_value_cents,
      forfeitedDepositCents: r.forfeited_cents,
      liabilityCents: r.liability_cents,
      receivableCents: r.receivable_cents,
    })),
  };
}

/** Every event of a contract, its signing first, in the order they were recorded. */
export async function contractHistory(db: Db, contractId: number): Promise<RecordedEvent[]> {
  const rows = await sales(db)
    .selectFrom('sales_entries as e')
    .innerJoin('events as v', 'v.id', 'e.event_id')
    .select(['v.id', 'v.recorded_at', 'v.actor', 'v.kind', 'v.stream', 'v.version', 'v.payload'])
    .where('e.contract_id', '=', BigInt(contractId))
    .orderBy('v.id')
    .execute();
  return rows.map(eventFromRow);
}

export async function selectEntries(db: Db, f: EntryFilterInput) {
  let q = sales(db).selectFrom('sales_entries');
  if (f.quarter) q = q.where('quarter', '=', f.quarter);
  if (f.type) q = q.where('type', '=', f.type);
  if (f.contractId) q = q.where('contract_id', '=', BigInt(f.contractId));
  const [count, rows] = await Promise.all([
    q.select((eb) => eb.fn.countAll<bigint>().as('n')).executeTakeFirstOrThrow(),
    q.selectAll().orderBy('event_id').limit(f.limit).offset(f.offset).execute(),
  ]);
  return {
    total: Number(count.n),
    entries: rows.map((r) => ({
      eventId: r.event_id,
      contractId: Number(r.contract_id),
      type: r.type,
      day: r.day,
      quarter: r.quarter,
      amountCents: r.amount_cents,
      units: r.units,
      forfeitedCents: r.forfeited_cents,
      correctsEventId: r.corrects_event_id,
      after: {
        liabilityCents: r.liability_cents,
        receivableCents: r.receivable_cents,
        backlogCents: r.backlog_cents,
      },
    })),
  };
}

/** Contracts with tranches still to deliver, optionally only those due by a month or of a product. */
export async function contractsWithOpenTranches(
  db: Db,
  f: { until?: Month | undefined; productId?: string | undefined },
): Promise<number[]> {
  let q = sales(db)
    .selectFrom('sales_tranches as t')
    .innerJoin('sales_contracts as c', 'c.id', 't.contract_id')
    .select('t.contract_id')
    .distinct()
    .where('t.open_units', '>', 0)
    .where('c.status', 'in', ['signed', 'delivering']);
  if (f.until) q = q.where('t.month', '<=', f.until);
  if (f.productId) {
    q = q
      .innerJoin('sales_lines as l', (j) =>
        j.onRef('l.contract_id', '=', 't.contract_id').onRef('l.line_id', '=', 't.line_id'),
      )
      .where('l.product_id', '=', f.productId);
  }
  return (await q.orderBy('t.contract_id').execute()).map((r) => Number(r.contract_id));
}

/** Deliveries made between two days (inclusive), tranche by tranche, in day then contract order. */
export async function deliveriesBetween(db: Db, from: Day, to: Day) {
  const rows = await sales(db)
    .selectFrom('sales_deliveries as d')
    .innerJoin('sales_contracts as c', 'c.id', 'd.contract_id')
    .innerJoin('sales_customers as k', 'k.id', 'c.customer_id')
    .select([
      'd.contract_id',
      'd.line_id',
      'd.tranche',
      'd.product_id',
      'd.due_month',
      'd.day',
      'd.units',
      'c.kind',
      'k.name as customer',
    ])
    .where('d.day', '>=', from)
    .where('d.day', '<=', to)
    .orderBy('d.day')
    .orderBy('d.event_id')
    .orderBy('d.line_id')
    .orderBy('d.tranche')
    .execute();
  return rows.map((r) => ({
    contractId: Number(r.contract_id),
    lineId: r.line_id,
    tranche: r.tranche,
    productId: r.product_id,
    dueMonth: r.due_month,
    day: r.day,
    units: r.units,
    kind: r.kind,
    customer: r.customer,
  }));
}

/** A recorded payment: its contract, day and amount, and the sum of the adjustments made to it. */
export async function findPayment(
  db: Db,
  eventId: bigint,
): Promise<{ contractId: number; day: Day; amountCents: bigint; adjustedCents: bigint } | undefined> {
  const row = await sales(db)
    .selectFrom('sales_entries as p')
    .select([
      'p.contract_id',
      'p.day',
      'p.amount_cents',
      (eb) =>
        eb
          .selectFrom('sales_entries as a')
          .select(sql<bigint>`coalesce(sum(a.amount_cents), 0)::int8`.as('s'))
          .whereRef('a.corrects_event_id', '=', 'p.event_id')
          .as('adjusted'),
    ])
    .where('p.event_id', '=', eventId)
    .where('p.type', '=', 'payment-received')
    .executeTakeFirst();
  return (
    row && {
      contractId: Number(row.contract_id),
      day: row.day,
      amountCents: row.amount_cents,
      adjustedCents: row.adjusted ?? 0n,
    }
  );
}

/** The adjustments recorded against a payment, oldest first, with who recorded them and why. */
export async function paymentAdjustments(db: Db, eventId: bigint) {
  const rows = await sales(db)
    .selectFrom('sales_entries as a')
    .innerJoin('events as v', 'v.id', 'a.event_id')
    .select([
      'a.event_id',
      'a.day',
      'a.quarter',
      'a.amount_cents',
      'v.recorded_at',
      'v.actor',
      sql<string>`v.payload -> 'event' ->> 'reason'`.as('reason'),
    ])
    .where('a.corrects_event_id', '=', eventId)
    .orderBy('a.event_id')
    .execute();
  return rows.map((r) => ({
    eventId: r.event_id,
    day: r.day,
    quarter: r.quarter,
    amountCents: r.amount_cents,
    reason: r.reason,
    recordedAt: r.recorded_at,
    actor: r.actor,
  }));
}
