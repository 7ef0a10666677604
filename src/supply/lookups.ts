/** Loading what a supply write refers to, or saying which field names something that isn't there. */
import type { AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { notFound } from '../kernel/errors.js';
import * as store from './store.js';

export const txCtx = (ctx: AppContext, tx: Db): AppContext => ({ ...ctx, db: tx });

export async function requireFoundry(db: Db, id: string, field = 'foundryId'): Promise<store.Foundry> {
  const foundry = await store.findFoundry(db, id);
  if (!foundry) throw notFound('Foundry', id, field);
  return foundry;
}

export async function requireDesign(db: Db, id: string, field = 'designId'): Promise<store.Design> {
  const [design] = await store.selectDesigns(db, id);
  if (!design) throw notFound('Design', id, field);
  return design;
}
