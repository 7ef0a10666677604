/**
 * The supply module's SQL for what chips come from: foundries, designs, partnerships, agreements
 * (wafer orders, builds and settings are in store-production.ts). Writes are called only by
 * projections; reads by the services.
 */
import { sql } from 'kysely';
import type { Db } from '../db/db.js';
import type { Month } from '../kernel/calendar.js';
import type { DesignSpec } from './output.js';
import type { WaferOrderSpec } from './plan.js';
import type { AgreementSpec } from './recommend.js';
import type { PartnershipSpec, YieldShape } from './yield.js';

export type SupplyTables = {
  supply_foundries: { id: string; name: string; country: string; lead_time_months: number; added_at: Date };
  supply_designs: { id: string; name: string; process_nm: number; dies_per_wafer: number; added_at: Date };
  supply_design_models: {
    design_id: string;
    product_id: string;
    chips_per_machine: number;
    share_pct: number;
  };
  supply_partnerships: {
    id: bigint;
    foundry_id: string;
    design_id: string;
    start_month: string;
    start_bp: number;
    mature_bp: number;
    months_to_mature: number;
    shape: string;
    added_at: Date;
  };
  supply_agreements: {
    id: bigint;
    foundry_id: string;
    wafers_per_month: number;
    take_or_pay_wafers: number;
    start_month: string;
    term_months: number;
    end_month: string;
    signed_at: Date;
    signed_month: string;
  };
  supply_wafer_orders: {
    id: bigint;
    agreement_id: bigint;
    partnership_id: bigint;
    wafers: number;
    placed_month: string;
    lead_time_months: number;
    out_month: string;
    status: string;
    expected_dies: number;
    received_month: string | null;
    chips_received: number | null;
    placed_at: Date;
    cancelled_month: string | null;
    cancel_reason: string | null;
  };
  supply_builds: {
    product_id: string;
    month: string;
    units: number;
    unit_cost_cents: bigint | null;
    recorded_at: Date;
  };
  supply_assembly_capacity: { from_month: string; machines_per_month: number; recorded_at: Date };
  supply_self_mining_share: { from_month: string; share_bp: number; recorded_at: Date };
};

/** The database with supply's tables typed. */
export const t = (db: Db) => db.withTables<SupplyTables>();

// --- what the events carry, and how they land in the tables --------------------------------------

export interface Foundry {
  id: string;
  name: string;
  country: string;
  leadTimeMonths: number;
}

export interface Design extends DesignSpec {
  processNm: number;
}

export interface Agreement {
  id: number;
  foundryId: string;
  wafersPerMonth: number;
  takeOrPayWafers: number;
  startMonth: Month;
  termMonths: number;
  endMonth: Month;
  /** The month it was signed, a business date: a past month's recommendation knows it from then. */
  signedMonth: Month;
}

export interface WaferOrder extends WaferOrderSpec {
  agreementId: number;
  leadTimeMonths: number;
  expectedDies: number;
  /** Present once the order is cancelled: when, and why. */
  cancelled?: { month: Month; reason: string };
}

export async function insertFoundry(db: Db, f: Foundry, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_foundries')
    .values({ id: f.id, name: f.name, country: f.country, lead_time_months: f.leadTimeMonths, added_at: at })
    .execute();
}

export async function insertDesign(db: Db, d: Design, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_designs')
    .values({ id: d.id, name: d.name, process_nm: d.processNm, dies_per_wafer: d.diesPerWafer, added_at: at })
    .execute();
  await t(db)
    .insertInto('supply_design_models')
    .values(
      d.models.map((m) => ({
        design_id: d.id,
        product_id: m.productId,
        chips_per_machine: m.chipsPerMachine,
        share_pct: m.sharePct,
      })),
    )
    .execute();
}

export async function insertPartnership(db: Db, p: PartnershipSpec, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_partnerships')
    .values({
      id: BigInt(p.id),
      foundry_id: p.foundryId,
      design_id: p.designId,
      start_month: p.startMonth,
      start_bp: p.curve.startBp,
      mature_bp: p.curve.matureBp,
      months_to_mature: p.curve.monthsToMature,
      shape: p.curve.shape,
      added_at: at,
    })
    .execute();
}

export async function insertAgreement(db: Db, a: Agreement, at: Date): Promise<void> {
  await t(db)
    .insertInto('supply_agreements')
    .values({
      id: BigInt(a.id),
      foundry_id: a.foundryId,
      wafers_per_month: a.wafersPerMonth,
      take_or_pay_wafers: a.takeOrPayWafers,
      start_month: a.startMonth,
      term_months: a.termMonths,
      end_month: a.endMonth,
      signed_at: at,
      signed_month: a.signedMonth,
    })
    .execute();
}

// --- reads ----------------------------------------------------------------------------------------

const toFoundry = (r: { id: string; name: string; country: string; lead_time_months: number }): Foundry => ({
  id: r.id,
  name: r.name,
  country: r.country,
  leadTimeMonths: r.lead_time_months,
});

export async function findFoundry(db: Db, id: string): Promise<Foundry | undefined> {
  const row = await t(db).selectFrom('supply_foundries').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toFoundry(row);
}

export async function findFoundryByName(db: Db, name: string): Promise<Foundry | undefined> {
  const row = await t(db)
    .selectFrom('supply_foundries')
    .selectAll()
    .where(sql`lower(name)`, '=', name.toLowerCase())
    .executeTakeFirst();
  return row && toFoundry(row);
}

export async function selectFoundries(db: Db): Promise<Foundry[]> {
  return (await t(db).selectFrom('supply_foundries').selectAll().orderBy('id').execute()).map(toFoundry);
}

export async function selectDesigns(db: Db, id?: string): Promise<Design[]> {
  let q = t(db).selectFrom('supply_designs').selectAll().orderBy('id');
  if (id !== undefined) q = q.where('id', '=', id);
  const designs = await q.execute();
  if (designs.length === 0) return [];
  const models = await t(db)
    .selectFrom('supply_design_models')
    .selectAll()
    .where(
      'design_id',
      'in',
      designs.map((d) => d.id),
    )
    .orderBy('design_id')
    .orderBy('product_id')
    .execute();
  return designs.map((d) => ({
    id: d.id,
    name: d.name,
    processNm: d.process_nm,
    diesPerWafer: d.dies_per_wafer,
    models: models
      .filter((m) => m.design_id === d.id)
      .map((m) => ({ productId: m.product_id, chipsPerMachine: m.chips_per_machine, sharePct: m.share_pct })),
  }));
}

/** The design whose chips a machine model is built from. */
export async function findDesignOfProduct(db: Db, productId: string): Promise<Design | undefined> {
  const row = await t(db)
    .selectFrom('supply_design_models')
    .select('design_id')
    .where('product_id', '=', productId)
    .executeTakeFirst();
  return row ? (await selectDesigns(db, row.design_id))[0] : undefined;
}

/** Which of these products some design already uses. */
export async function productsInDesigns(
  db: Db,
  productIds: string[],
): Promise<{ productId: string; designId: string }[]> {
  if (productIds.length === 0) return [];
  const rows = await t(db)
    .selectFrom('supply_design_models')
    .select(['product_id', 'design_id'])
    .where('product_id', 'in', productIds)
    .execute();
  return rows.map((r) => ({ productId: r.product_id, designId: r.design_id }));
}

type PartnershipRow = SupplyTables['supply_partnerships'];
const toPartnership = (r: PartnershipRow): PartnershipSpec => ({
  id: Number(r.id),
  foundryId: r.foundry_id,
  designId: r.design_id,
  startMonth: r.start_month,
  curve: {
    startBp: r.start_bp,
    matureBp: r.mature_bp,
    monthsToMature: r.months_to_mature,
    shape: r.shape as YieldShape,
  },
});

export async function selectPartnerships(db: Db): Promise<PartnershipSpec[]> {
  return (await t(db).selectFrom('supply_partnerships').selectAll().orderBy('id').execute()).map(
    toPartnership,
  );
}

export async function findPartnership(db: Db, id: number): Promise<PartnershipSpec | undefined> {
  const row = await t(db)
    .selectFrom('supply_partnerships')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return row && toPartnership(row);
}

export async function findPartnershipOf(
  db: Db,
  foundryId: string,
  designId: string,
): Promise<PartnershipSpec | undefined> {
  const row = await t(db)
    .selectFrom('supply_partnerships')
    .selectAll()
    .where('foundry_id', '=', foundryId)
    .where('design_id', '=', designId)
    .executeTakeFirst();
  return row && toPartnership(row);
}

type AgreementRow = SupplyTables['supply_agreements'];
const toAgreement = (r: AgreementRow): Agreement => ({
  id: Number(r.id),
  foundryId: r.foundry_id,
  wafersPerMonth: r.wafers_per_month,
  takeOrPayWafers: r.take_or_pay_wafers,
  startMonth: r.start_month,
  termMonths: r.term_months,
  endMonth: r.end_month,
  signedMonth: r.signed_month,
});

export async function selectAgreements(db: Db): Promise<Agreement[]> {
  return (await t(db).selectFrom('supply_agreements').selectAll().orderBy('id').execute()).map(toAgreement);
}

export async function findAgreement(db: Db, id: number): Promise<Agreement | undefined> {
  const row = await t(db)
    .selectFrom('supply_agreements')
    .selectAll()
    .where('id', '=', BigInt(id))
    .executeTakeFirst();
  return row && toAgreement(row);
}

/** Agreements with what the recommendation needs of their foundry. */
/** An agreement's terms and the month it was signed, to tell what a past month knew of it. */
export type KnownAgreement = AgreementSpec & { signedMonth: Month };

export async function selectAgreementSpecs(db: Db): Promise<KnownAgreement[]> {
  const rows = await t(db)
    .selectFrom('supply_agreements as a')
    .innerJoin('supply_foundries as f', 'f.id', 'a.foundry_id')
    .select([
      'a.id',
      'a.foundry_id',
      'f.name',
      'f.lead_time_months',
      'a.wafers_per_month',
      'a.take_or_pay_wafers',
      'a.start_month',
      'a.end_month',
      'a.signed_month',
    ])
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    foundryId: r.foundry_id,
    foundryName: r.name,
    leadTimeMonths: r.lead_time_months,
    wafersPerMonth: r.wafers_per_month,
    takeOrPayWafers: r.take_or_pay_wafers,
    startMonth: r.start_month,
    endMonth: r.end_month,
    signedMonth: r.signed_month,
  }));
}
