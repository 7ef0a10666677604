/** The demo's service network, written through the service module's own services. */
import { sql } from 'kysely';
import type { Actor, AppContext } from '../app/context.js';
import type { Day, Month } from '../kernel/calendar.js';
import { selectCustomers } from '../sales/store.js';
import { setCentre, transferParts } from '../service/centres.js';
import { importTickets } from '../service/imports.js';
import { PARTS } from '../service/model.js';
import { serialiseDeliveries, stockSerials } from '../service/serials.js';
import { selectDelivered } from '../service/store.js';
import { selectBuilds } from '../supply/store-production.js';
import { DEMO_CENTRES, PARTS_PER_TECHNICIAN, planServiceHistory } from './service-plan.js';

/** Spares held back per model for the history's replacements (a fifth of its RMAs at most). */
const SPARES_PER_MODEL = 2000;

export interface ServiceLoad {
  centres: number;
  serialised: number;
  tickets: number;
}

/**
 * Centres with their parts, serials for every machine delivered, then the customers' RMAs up to
 * `until` as one import. The centres and parts carry keys; the serials are recorded only for
 * deliveries without them; the import runs only when no history was imported before (it is one
 * transaction, so a load cut short left none) — loading twice changes nothing.
 */
export async function loadService(ctx: AppContext, actor: Actor, until: Day): Promise<ServiceLoad> {
  for (const c of DEMO_CENTRES) {
    await setCentre(ctx, actor, c, `demo:service:centre:${c.id}`);
    for (const part of PARTS) {
      await transferParts(
        ctx,
        actor,
        { centreId: c.id, part, qty: PARTS_PER_TECHNICIAN[part] * c.technicians },
        `demo:service:parts:${c.id}:${part}`,
      );
    }
  }
  const serialised = await serialiseDeliveries(ctx, actor);
  if (await historyImported(ctx)) return { centres: DEMO_CENTRES.length, serialised, tickets: 0 };

  const [delivered, builds, customers] = await Promise.all([
    selectDelivered(ctx.db),
    selectBuilds(ctx.db),
    selectCustomers(ctx.db, {}),
  ]);
  const firstBuild = new Map<string, Month>();
  for (const b of builds) if (!firstBuild.has(b.productId)) firstBuild.set(b.productId, b.month);
  const spares = new Map<string, string[]>();
  for (const productId of firstBuild.keys())
    spares.set(productId, await stockSerials(ctx.db, productId, SPARES_PER_MODEL));
  const histories = planServiceHistory({
    delivered,
    customers: new Map(customers.map((c) => [c.id, { country: c.country, region: c.region }])),
    firstBuild,
    spares: (productId, n) => (spares.get(productId) ?? []).slice(0, n),
    until,
  });
  const ids = await importTickets(ctx, actor, histories);
  return { centres: DEMO_CENTRES.length, serialised, tickets: ids.length };
}

async function historyImported(ctx: AppContext): Promise<boolean> {
  const r = await sql`select 1 from events where stream = 'service:imports' limit 1`.execute(ctx.db);
  return r.rows.length > 0;
}
