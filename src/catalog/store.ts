import type { Selectable } from 'kysely';
import type { Db } from '../db/db.js';
import type { Day } from '../kernel/calendar.js';
import type { AiChip, AiTier, Algorithm, Machine, Product, Stage } from './model.js';
import type { ProductFilterInput } from './schemas.js';

export type CatalogTables = {
  products: {
    id: string;
    kind: 'machine' | 'ai-chip';
    name: string;
    family: string;
    stage: string;
    launch_date: string | null;
    generation: number | null;
    algorithm: string | null;
    ths: number | null;
    watts: number | null;
    chips_per_machine: number | null;
    hashboards: number | null;
    tier: string | null;
    tops: number | null;
    process_nm: number | null;
    predecessor: string | null;
    updated_at: Date;
    added_on: string | null;
  };
  catalog_stage_changes: {
    event_id: bigint;
    product_id: string;
    stage: string;
    effective_on: string | null;
  };
};

type Row = Selectable<CatalogTables['products']>;
const tables = (db: Db) => db.withTables<CatalogTables>();

export async function findProduct(db: Db, id: string): Promise<Product | undefined> {
  const row = await tables(db).selectFrom('products').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toProduct(row);
}

export async function selectProducts(db: Db, filter: ProductFilterInput): Promise<Product[]> {
  let q = tables(db).selectFrom('products').selectAll().orderBy('kind').orderBy('family').orderBy('id');
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.stage) q = q.where('stage', '=', filter.stage);
  if (filter.family) q = q.where('family', '=', filter.family);
  return (await q.execute()).map(toProduct);
}

export async function upsertProduct(db: Db, p: Product, at: Date): Promise<void> {
  const row = toRow(p, at);
  await tables(db)
    .insertInto('products')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet(row))
    .execute();
}

function toRow(p: Product, at: Date): Row {
  const machine = p.kind === 'machine' ? p : undefined;
  const chip = p.kind === 'ai-chip' ? p : undefined;
  return {
    id: p.id,
    kind: p.kind,
    name: p.name,
    family: p.family,
    stage: p.stage,
    launch_date: p.launchDate,
    generation: machine?.generation ?? null,
    algorithm: machine?.algorithm ?? null,
    ths: machine?.ths ?? null,
    watts: machine?.watts ?? null,
    chips_per_machine: machine?.chipsPerMachine ?? null,
    hashboards: machine?.hashboards ?? null,
    tier: chip?.tier ?? null,
    tops: chip?.tops ?? null,
    process_nm: chip?.processNm ?? null,
    predecessor: chip?.predecessor ?? null,
    updated_at: at,
    // The events recorded before addedOn was given carry none: in the catalogue from the start.
    added_on: p.addedOn ?? null,
  };
}

function toProduct(r: Row): Product {
  const base = {
    id: r.id,
    name: r.name,
    family: r.family,
    stage: r.stage as Stage,
    launchDate: r.launch_date,
    addedOn: r.added_on,
  };
  if (r.kind === 'machine') {
    return {
      ...base,
      kind: 'machine',
      generation: r.generation!,
      algorithm: r.algorithm as Algorithm,
      ths: r.ths!,
      watts: r.watts!,
      chipsPerMachine: r.chips_per_machine!,
      hashboards: r.hashboards!,
    } satisfies Machine;
  }
  return {
    ...base,
    kind: 'ai-chip',
    tier: r.tier as AiTier,
    tops: r.tops!,
    processNm: r.process_nm!,
    predecessor: r.predecessor,
  } satisfies AiChip;
}

/** A product's latest change of stage: the stage and the day it took effect (null: from the start). */
export async function latestStageChange(
  db: Db,
  productId: string,
): Promise<{ stage: Stage; effectiveOn: Day | null } | undefined> {
  const row = await tables(db)
    .selectFrom('catalog_stage_changes')
    .select(['stage', 'effective_on'])
    .where('product_id', '=', productId)
    .orderBy('event_id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { stage: row.stage as Stage, effectiveOn: row.effective_on };
}

/** Records a change of stage; an event that leaves the stage as it was changes nothing. */
export async function insertStageChange(
  db: Db,
  change: { eventId: bigint; productId: string; stage: Stage; effectiveOn: Day | null },
): Promise<void> {
  if ((await latestStageChange(db, change.productId))?.stage === change.stage) return;
  await tables(db)
    .insertInto('catalog_stage_changes')
    .values({
      event_id: change.eventId,
      product_id: change.productId,
      stage: change.stage,
      effective_on: change.effectiveOn,
    })
    .execute();
}

/** Each product's stage at the end of `day`: its last change effective on or before it. */
export async function stagesOn(db: Db, day: Day): Promise<Map<string, Stage>> {
  const rows = await tables(db)
    .selectFrom('catalog_stage_changes')
    .select(['product_id', 'stage'])
    .where((eb) => eb.or([eb('effective_on', 'is', null), eb('effective_on', '<=', day)]))
    .orderBy('product_id')
    .orderBy('event_id')
    .execute();
  return new Map(rows.map((r) => [r.product_id, r.stage as Stage]));
}
