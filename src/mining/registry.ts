/**
 * The site registry's one check, apart from the rest of self-mining's sites (which read the fleet's
 * measurements): the fleet, the agents and every list's site filter ask it without depending on
 * what depends on them.
 */
import type { Db } from '../db/db.js';
import { AppError, invalid, ruleBroken } from '../kernel/errors.js';
import { findSite, findSiteAnyCase } from './store.js';

/**
 * One site registry: a fleet machine, an agent and every list's site filter name a self-mining site
 * by its code, so that what the poller measures lands beside what self-mining installed there.
 * Refuses a code this module does not know, naming the field and how to register it.
 *
 * The registry's one rule for case: a code is matched exactly, and codes differ by more than case
 * (`refuseDuplicateSite`). So "lab" where LAB is registered is refused with "did you mean LAB?",
 * never with an invitation to register "lab" beside it; it is not resolved to LAB silently either,
 * since every place that stores a code (machines, deployments, agents) would then need the
 * registered spelling handed back.
 */
export async function requireRegisteredSite(db: Db, code: string, field = 'site'): Promise<void> {
  if (await findSite(db, code)) return;
  await refuseOtherCase(db, code, field);
  throw invalid(
    field,
    `${field} ${code} is not a registered self-mining site; register it first (hashforge mining site add --code ${code} …, or POST /api/mining/sites).`,
    'fleet.unknown-site',
  );
}

/**
 * A code no site has, when a site has it in another case: refused with the registered spelling
 * ("did you mean LAB?"), where each lookup of a site by its code would otherwise say "unknown".
 * `as`: a filter's or a write's field is the request's mistake (400); a site named in a path,
 * like any record looked up there, is one that does not exist (404).
 */
export async function refuseOtherCase(
  db: Db,
  code: string,
  field: string,
  as: 'invalid' | 'not-found' = 'invalid',
): Promise<void> {
  const other = await findSiteAnyCase(db, code);
  if (!other) return;
  throw new AppError(
    as,
    as === 'invalid' ? 'fleet.unknown-site' : 'not-found',
    `${field} ${code} is not a registered self-mining site; did you mean ${other.code}? (site codes are matched exactly, case included)`,
    field,
  );
}

/**
 * A list's site filter: an unknown code is a mistake to say (a typo would read as an empty site),
 * so every list and command that filters by site refuses it, as the writes do.
 */
export async function requireSiteFilter(db: Db, site: string | undefined): Promise<void> {
  if (site !== undefined) await requireRegisteredSite(db, site);
}

/** A new site's code: refused when a site has it already, in any case ("lab" beside LAB). */
export async function refuseDuplicateSite(db: Db, code: string): Promise<void> {
  const existing = await findSiteAnyCase(db, code);
  if (!existing) return;
  throw ruleBroken(
    'mining.duplicate-site',
    existing.code === code
      ? `There is already a site ${code}.`
      : `There is already a site ${existing.code}; site codes differ by more than case, so ${code} would be the same site.`,
    'code',
  );
}
