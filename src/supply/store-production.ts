/** The supply module's SQL for wafer orders, builds, assembly capacity and self-mining's share. */
import type { Db } from '../db/db.js';
import type { Month } from '../kernel/calendar.js';
import type { PageAfter } from '../kernel/paging.js';
import type { BuildRecord, WaferOrderStatus } from './plan.js';
import { type SupplyTables, t, type WaferOrder } from './store.js';

export async function insertWaferOrder(db: Db, o: WaferOrder, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_wafer_orders')
    .values({
      id: BigInt(o.id),
      agreement_id: BigInt(o.agreementId),
      partnership_id: BigInt(o.partnershipId),
      wafers: o.wafers,
      placed_month: o.placedMonth,
      lead_time_months: o.leadTimeMonths,
      out_month: o.outMonth,
      status: o.status,
      expected_dies: o.expectedDies,
      received_month: o.receivedMonth,
      chips_received: o.chipsReceived,
      placed_at: at,
    })
    .execute();
}

export async function markOrderOut(db: Db, id: number, outMonth: Month, expectedDies: number): Promise<void> {
  await t(db)
    .updateTable('supply_wafer_orders')
    .set({ status: 'out', out_month: outMonth, expected_dies: expectedDies })
    .where('id', '=', BigInt(id))
    .execute();
}

export async function markOrderReceived(db: Db, id: number, month: Month, chips: number): Promise<void> {
  await t(db)
    .updateTable('supply_wafer_orders')
    .set({ status: 'received', received_month: month, chips_received: chips })
    .where('id', '=', BigInt(id))
    .execute();
}

export async function markOrderCancelled(db: Db, id: number, month: Month, reason: string): Promise<void> {
  await t(db)
    .updateTable('supply_wafer_orders')
    .set({ status: 'cancelled', cancelled_month: month, cancel_reason: reason })
    .where('id', '=', BigInt(id))
    .execute();
}

export async function upsertBuild(db: Db, b: BuildRecord, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_builds')
    .values({
      product_id: b.productId,
      month: b.month,
      units: b.units,
      unit_cost_cents: b.unitCostCents ?? null,
      recorded_at: at,
    })
    // A later record replaces the month's whole record, its unit cost too.
    .onConflict((oc) =>
      oc
        .columns(['product_id', 'month'])
        .doUpdateSet({ units: b.units, unit_cost_cents: b.unitCostCents ?? null, recorded_at: at }),
    )
    .execute();
}

export async function upsertAssemblyCapacity(
  db: Db,
  fromMonth: Month,
  machines: number,
  at: Date,
): Promise<void> {
  await t(db)
    .insertInto('supply_assembly_capacity')
    .values({ from_month: fromMonth, machines_per_month: machines, recorded_at: at })
    .onConflict((oc) =>
      oc.column('from_month').doUpdateSet({ machines_per_month: machines, recorded_at: at }),
    )
    .execute();
}

export async function upsertSelfMiningShare(
  db: Db,
  fromMonth: Month,
  shareBp: number,
  at: Date,
): Promise<void> {
  await t(db)
    .insertInto('supply_self_mining_share')
    .values({ from_month: fromMonth, share_bp: shareBp, recorded_at: at })
    .onConflict((oc) => oc.column('from_month').doUpdateSet({ share_bp: shareBp, recorded_at: at }))
    .execute();
}

export async function wafersPlaced(db: Db, agreementId: number, month: Month): Promise<number> {
  const row = await t(db)
    .selectFrom('supply_wafer_orders')
    .select((eb) => eb.fn.sum<bigint | null>('wafers').as('wafers'))
    .where('agreement_id', '=', BigInt(agreementId))
    .where('placed_month', '=', month)
    // A cancelled order frees its wafers for another order (a take-or-pay minimum is still owed).
    .where('status', '<>', 'cancelled')
    .executeTakeFirst();
  return Number(row?.wafers ?? 0);
}

type OrderRow = SupplyTables['supply_wafer_orders'];
const toOrder = (r: OrderRow): WaferOrder => ({
  id: Number(r.id),
  agreementId: Number(r.agreement_id),
  partnershipId: Number(r.partnership_id),
  wafers: r.wafers,
  placedMonth: r.placed_month,
  leadTimeMonths: r.lead_time_months,
  outMonth: r.out_month,
  status: r.status as WaferOrderStatus,
  expectedDies: r.expected_dies,
  receivedMonth: r.received_month,
  chipsReceived: r.chips_received,
  ...(r.cancelled_month !== null
    ? { cancelled: { month: r.cancelled_month, reason: r.cancel_reason ?? '' } }
    : {}),
});

export async function selectWaferOrders(
  db: Db,
  filter: { status?: WaferOrderStatus | undefined } & PageAfter = {},
): Promise<WaferOrder[]> {
  let q = t(db).selectFrom('supply_wafer_orders').selectAll().orderBy('id');
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.after !== undefined) q = q.where('id', '>', BigInt(filter.after));
  if (filter.limit !== undefined) q = q.limit(filter.limit);
  return (await q.execute()).map(toOrder);
}

export async function findWaferOrder(db: Db, id: number): Promise<WaferOrder | undefined> {
  const row = await t(db)
    .selectFrom('supply_wafer_orders')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return row && toOrder(row);
}

/** Chips of a design received, by month: what builds may use. */
export async function chipsReceivedByMonth(
  db: Db,
  designId: string,
): Promise<{ month: Month; chips: number }[]> {
  const rows = await t(db)
    .selectFrom('supply_wafer_orders as o')
    .innerJoin('supply_partnerships as p', 'p.id', 'o.partnership_id')
    .select(['o.received_month', (eb) => eb.fn.sum<bigint>('o.chips_received').as('chips')])
    .where('p.design_id', '=', designId)
    .where('o.status', '=', 'received')
    .groupBy('o.received_month')
    .execute();
  return rows.map((r) => ({ month: r.received_month!, chips: Number(r.chips) }));
}

export async function selectBuilds(db: Db, filter: { productIds?: string[] } = {}): Promise<BuildRecord[]> {
  let q = t(db).selectFrom('supply_builds').selectAll().orderBy('month').orderBy('product_id');
  if (filter.productIds) {
    if (filter.productIds.length === 0) return [];
    q = q.where('product_id', 'in', filter.productIds);
  }
  return (await q.execute()).map((r) => ({
    productId: r.product_id,
    month: r.month,
    units: r.units,
    ...(r.unit_cost_cents !== null ? { unitCostCents: r.unit_cost_cents } : {}),
  }));
}

export async function selectAssemblyCapacity(
  db: Db,
): Promise<{ fromMonth: Month; machinesPerMonth: number }[]> {
  const rows = await t(db).selectFrom('supply_assembly_capacity').selectAll().orderBy('from_month').execute();
  return rows.map((r) => ({ fromMonth: r.from_month, machinesPerMonth: r.machines_per_month }));
}

export async function selectSelfMiningShares(db: Db): Promise<{ fromMonth: Month; shareBp: number }[]> {
  const rows = await t(db).selectFrom('supply_self_mining_share').selectAll().orderBy('from_month').execute();
  return rows.map((r) => ({ fromMonth: r.from_month, shareBp: r.share_bp }));
}
