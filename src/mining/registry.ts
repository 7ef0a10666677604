/**
 * The site registry's one check, apart from the rest of self-mining's sites (which read the fleet's
 * measurements): the fleet, the agents and every list's site filter ask it without depending on
 * what depends on them.
 */
import type { Db } from '../db/db.js';
import { invalid } from '../kernel/errors.js';
import { findSite } from './store.js';

/**
 * One site registry: a fleet machine, an agent and every list's site filter name a self-mining site
 * by its code, so that what the poller measures lands beside what self-mining installed there.
 * Refuses a code this module does not know, naming the field and how to register it.
 */
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
