/**
 * One site registry: a fleet machine belongs to a self-mining site, known by its code, so that what
 * the poller measures lands beside what self-mining installed there. The sites themselves (country,
 * power, compliance) are the self-mining module's.
 */
import type { Db } from '../db/db.js';
import { invalid } from '../kernel/errors.js';
import { findSite } from '../mining/store.js';

/** Refuses a site code self-mining does not know, naming the field and how to register it. */
export async function requireRegisteredSite(db: Db, code: string, field = 'site'): Promise<void> {
  if (await findSite(db, code)) return;
  throw invalid(
    field,
    `${field} ${code} is not a registered self-mining site; register it first (hashforge mining site add --code ${code} …, or POST /api/mining/sites).`,
    'fleet.unknown-site',
  );
}

/**
 * A list's site filter: an unknown code is a mistake to say (a typo would read as an empty site),
 * so every list and command that filters by site refuses it, as the writes do.
 */
export async function requireSiteFilter(db: Db, site: string | undefined): Promise<void> {
  if (site !== undefined) await requireRegisteredSite(db, site);
}
