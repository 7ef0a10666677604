/**
 * The mining module's ledger events, by kind. Each carries the state it leaves behind (the whole
 * site, every machine), so a replay needs nothing else. Pure.
 */
import type { Day } from '../kernel/calendar.js';
import type { Cents } from '../kernel/money.js';
import type { EventOf } from '../ledger/events.js';
import type { Advice, AppliedAdvice, GroupEconomics } from './advice.js';
import type { HashrateTarget, SitePrice } from './model.js';
import type { SiteChangesInput } from './schemas.js';
import type { DeploymentFact, Site } from './store.js';

export interface ComplianceChanged {
  site: Site;
  effectiveOn: Day;
  reason: string;
  /** The machines flagged for curtailment when the site is suspended. */
  flag?: { serials: string[]; reason: string };
  clearFlags: boolean;
}

export interface CurtailmentApplied {
  day: Day;
  machines: number;
  savedCentsPerDay: Cents;
  groups: Pick<
    GroupEconomics,
    'site' | 'productId' | 'machines' | 'reason' | 'savedCentsPerDay' | 'fleetMachineIds'
  >[];
  flaggedFleetOnly: Advice['flaggedFleetOnly'];
  control: AppliedAdvice['control'];
}

export type MiningEvent =
  | EventOf<'mining.site-added', { site: Site; price: SitePrice; reason: string }>
  | EventOf<'mining.site-changed', { site: Site; changes: SiteChangesInput }>
  | EventOf<'mining.price-set', { site: string; price: SitePrice }>
  | EventOf<'mining.compliance-changed', ComplianceChanged>
  | EventOf<'mining.machines-deployed', DeploymentFact>
  | EventOf<
      'mining.machines-installed',
      { installedOn: Day; machines: { serial: string; mac: string | null }[] }
    >
  | EventOf<
      'mining.target-set',
      // setOn is absent from the targets set before it was recorded: they hold from the start.
      HashrateTarget & { id: number; note: string | null; setOn?: Day }
    >
  | EventOf<'mining.curtailment-applied', CurtailmentApplied>;
