/**
 * Self-mining rules: where machines may go, what a site's power costs on a day, when a machine
 * costs more to run than it earns, luck and the cost of a mined bitcoin. Pure; no IO.
 */
import { SATS_PER_BTC, type Sats } from '../kernel/bitcoin.js';
import { type Day, daysBetween } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import { type Cents, numberToExactDecimal, roundHalfEven } from '../kernel/money.js';

export const COMPLIANCE_STATUSES = ['approved', 'pending', 'suspended'] as const;
export type ComplianceStatus = (typeof COMPLIANCE_STATUSES)[number];

export interface Compliance {
  status: ComplianceStatus;
  /** The licence or permit the status rests on (an approval needs one). */
  permitRef: string | null;
  permitFrom: Day | null;
  permitUntil: Day | null;
}

export interface SitePrice {
  effectiveFrom: Day;
  /** USD per kWh, e.g. 0.045; read through its decimal form, so 0.045 means exactly 45/1000. */
  usdPerKwh: number;
}

export const WATTS_PER_MW = 1_000_000;

/** Megawatts (as typed: 12.5) to whole watts, exactly; a fraction of a watt is refused, not rounded. */
export function megawattsToWatts(mw: number, field = 'capacityMw'): number {
  const exact = numberToExactDecimal(mw);
  if (!exact || exact.numerator < 0n)
    throw invalid(field, `${field} must be a number of megawatts of zero or more, got ${mw}.`);
  const scaled = exact.numerator * BigInt(WATTS_PER_MW);
  if (scaled % exact.denominator !== 0n)
    throw invalid(field, `${field} has more than 6 decimals; the capacity is kept to the watt.`);
  return Number(scaled / exact.denominator);
}

/** The price in force on `day`: the latest change effective on or before it; undefined before the first. */
export function priceOn(prices: readonly SitePrice[], day: Day): number | undefined {
  let found: SitePrice | undefined;
  for (const p of prices) {
    if (p.effectiveFrom <= day && (!found || p.effectiveFrom > found.effectiveFrom)) found = p;
  }
  return found?.usdPerKwh;
}

/** A site's compliance from a day on (its history, a business date each). */
export interface ComplianceFrom {
  effectiveOn: Day;
  compliance: Compliance;
}

/**
 * The day a site came into the books: its first price or its first status in force, whichever is
 * earlier (a site added today with a price from last year has been one since then).
 */
export function siteOpenedOn(prices: readonly SitePrice[], history: readonly ComplianceFrom[]): Day {
  const days = [...prices.map((p) => p.effectiveFrom), ...history.map((c) => c.effectiveOn)].sort();
  if (!days[0]) throw new Error('A site has a price and a status from the day it is added.');
  return days[0];
}

/**
 * The compliance in force at the end of `day` with the day it took effect: the latest change
 * effective by then; before the first, the status the site was added with (it held from the site's
 * opening, as a product's first stage does). `history` is in effective order.
 */
export function complianceOn(history: readonly ComplianceFrom[], day: Day): ComplianceFrom {
  const first = history[0];
  if (!first) throw new Error('A site has a status from the day it is added.');
  return history.filter((c) => c.effectiveOn <= day).at(-1) ?? first;
}

/** An approval rests on a permit: reference required, its dates in order. */
export function checkCompliance(c: Compliance): Compliance {
  if (c.status === 'approved' && !c.permitRef) {
    throw ruleBroken(
      'mining.permit-required',
      'A site can be approved only with the reference of the permit that allows mining there.',
      'permitRef',
    );
  }
  if (c.permitFrom && c.permitUntil && c.permitUntil < c.permitFrom) {
    throw invalid(
      'permitUntil',
      `permitUntil (${c.permitUntil}) must not be before permitFrom (${c.permitFrom}).`,
    );
  }
  return c;
}

export interface SiteForDeployment {
  code: string;
  compliance: Compliance;
  capacityW: number;
  /** Nominal W of every machine already deployed there (in transit or installed). */
  deployedW: number;
}

/**
 * Machines go only to a site that is approved on the day they ship, with a permit in force, and
 * only while the site's power capacity holds the nominal W of everything deployed there.
 */
export function checkDeployment(site: SiteForDeployment, addW: number, day: Day): void {
  const c = site.compliance;
  if (c.status !== 'approved') {
    throw ruleBroken(
      'mining.site-not-approved',
      `Site ${site.code} is ${c.status}: machines can be deployed only to an approved site.`,
      'site',
      { site: site.code, status: c.status },
    );
  }
  if (c.permitFrom && day < c.permitFrom) {
    throw ruleBroken(
      'mining.permit-not-in-force',
      `Site ${site.code}'s permit ${c.permitRef} is in force from ${c.permitFrom}, after ${day}.`,
      'shippedOn',
      { site: site.code, permitFrom: c.permitFrom },
    );
  }
  if (c.permitUntil && day > c.permitUntil) {
    throw ruleBroken(
      'mining.permit-expired',
      `Site ${site.code}'s permit ${c.permitRef} expired on ${c.permitUntil}, before ${day}.`,
      'shippedOn',
      { site: site.code, permitUntil: c.permitUntil },
    );
  }
  checkCapacity(site.code, site.capacityW, site.deployedW + addW, addW);
}

/** The machines at a site must fit its power capacity (nominal W against MW). */
export function checkCapacity(code: string, capacityW: number, neededW: number, addW = 0): void {
  if (neededW <= capacityW) return;
  const mw = (w: number) => `${(w / WATTS_PER_MW).toFixed(3)} MW`;
  const adding =
    addW > 0 ? ` Adding ${mw(addW)} to the ${mw(neededW - addW)} already deployed` : ' The machines there';
  throw ruleBroken(
    'mining.over-capacity',
    `Site ${code} has ${mw(capacityW)} of power capacity.${adding} would need ${mw(neededW)}, ${mw(neededW - capacityW)} more than it has.`,
    addW > 0 ? 'serials' : 'capacityMw',
    { site: code, capacityW, neededW, overW: neededW - capacityW },
  );
}

/** What a machine costs in energy a day, per TH/s of its nameplate: the hashprice it must beat. */
export function curtailmentHashprice(m: { ths: number; watts: number }, usdPerKwh: number): number {
  if (!(m.ths > 0)) throw invalid('ths', `A machine's hashrate must be above 0 TH/s, got ${m.ths}.`);
  return (m.watts * 24 * usdPerKwh) / 1000 / m.ths;
}

export type Advice = 'switch-off' | 'keep-on';

export interface SiteModelEconomics {
  site: string;
  productId: string;
  machines: number;
  ths: number;
  watts: number;
  usdPerKwh: number;
  /** Expected revenue of one machine on the day, in cents (market model). */
  revenueCentsPerMachine: Cents;
  /** Energy cost of one machine on the day, in cents. */
  energyCentsPerMachine: Cents;
  hashprice: number;
  /** A compliance reason (site suspended) forces a switch-off whatever the economics. */
  forcedBy?: string;
}

export interface SiteModelAdvice {
  site: string;
  productId: string;
  machines: number;
  advice: Advice;
  reason: string;
  thresholdUsdPerThDay: number;
  hashpriceUsdPerThDay: number;
  /** What switching every one of them off saves a day (energy minus the revenue given up); 0 when kept on. */
  savedCentsPerDay: Cents;
}

/**
 * Switch a group off when it earns less than its power costs (net below zero), or when compliance
 * says so. The saving is the loss avoided, so a forced switch-off of a profitable group saves a
 * negative amount, which is shown as it is.
 */
export function adviseGroup(g: SiteModelEconomics): SiteModelAdvice {
  const threshold = curtailmentHashprice(g, g.usdPerKwh);
  const lossPerMachine = g.energyCentsPerMachine - g.revenueCentsPerMachine;
  const base = {
    site: g.site,
    productId: g.productId,
    machines: g.machines,
    thresholdUsdPerThDay: threshold,
    hashpriceUsdPerThDay: g.hashprice,
  };
  if (g.forcedBy) {
    return {
      ...base,
      advice: 'switch-off',
      reason: g.forcedBy,
      savedCentsPerDay: lossPerMachine * BigInt(g.machines),
    };
  }
  if (lossPerMachine > 0n) {
    return {
      ...base,
      advice: 'switch-off',
      reason: `hashprice $${g.hashprice.toFixed(4)} is below the $${threshold.toFixed(4)} per TH/s a day that power costs at $${g.usdPerKwh}/kWh`,
      savedCentsPerDay: lossPerMachine * BigInt(g.machines),
    };
  }
  return {
    ...base,
    advice: 'keep-on',
    reason: `hashprice $${g.hashprice.toFixed(4)} covers the $${threshold.toFixed(4)} per TH/s a day that power costs`,
    savedCentsPerDay: 0n,
  };
}

/**
 * The BTC price at which a machine's expected earnings just pay its power: energy cents a day ÷
 * expected BTC a day. Undefined when it is expected to earn nothing.
 */
export function breakevenBtcPriceCents(
  energyCentsPerDay: Cents,
  expectedSatsPerDay: Sats,
): Cents | undefined {
  if (expectedSatsPerDay <= 0n) return undefined;
  return roundHalfEven(energyCentsPerDay * SATS_PER_BTC, expectedSatsPerDay);
}

/** What each mined bitcoin cost: energy ÷ BTC mined, in cents per BTC. Undefined when nothing was mined. */
export function costPerBtcCents(energyCents: Cents, minedSats: Sats): Cents | undefined {
  if (minedSats <= 0n) return undefined;
  return roundHalfEven(energyCents * SATS_PER_BTC, minedSats);
}

/** Luck: what the pools paid ÷ what the hashrate was expected to earn. Undefined when nothing was expected. */
export function luck(actualSats: Sats, expectedSats: Sats): number | undefined {
  if (expectedSats <= 0n) return undefined;
  return Number(actualSats) / Number(expectedSats);
}

export const MACHINE_STATES = ['in-transit', 'installed', 'hashing'] as const;
export type MachineState = (typeof MACHINE_STATES)[number];

/**
 * A machine ships (in transit), is installed on a day, and is hashing once the fleet poller sees it
 * report a hashrate. The first two are recorded; the last is what the fleet observes.
 */
export function machineState(
  m: { installedOn: Day | null; fleetThs: number | null },
  day: Day,
): MachineState {
  if (!m.installedOn || m.installedOn > day) return 'in-transit';
  return m.fleetThs !== null && m.fleetThs > 0 ? 'hashing' : 'installed';
}

export interface HashrateTarget {
  byDay: Day;
  lowThs: number;
  highThs: number;
  /** The share of production that goes to self-mining, in basis points (1000 = 10 %). */
  shareBp: number;
}

export function checkTarget(t: HashrateTarget): HashrateTarget {
  if (!(t.lowThs > 0))
    throw invalid('low', `The low end of the target must be above 0, got ${t.lowThs} TH/s.`);
  if (t.highThs < t.lowThs)
    throw invalid(
      'high',
      `The high end of the target (${t.highThs} TH/s) is below its low end (${t.lowThs} TH/s).`,
    );
  if (!Number.isInteger(t.shareBp) || t.shareBp < 0 || t.shareBp > 10_000)
    throw invalid('sharePercent', 'The share of production must be between 0 and 100 %, to 2 decimals.');
  return t;
}

export type TargetStanding = 'below' | 'within' | 'above';

export interface TargetProgress {
  standing: TargetStanding;
  /** ths ÷ the low end, as a fraction (0.5 = halfway to the low end). */
  ofLow: number;
  ofHigh: number;
  /** TH/s still missing to reach the low end; 0 once reached. */
  missingToLowThs: number;
  /** Days to the target's by-day; 0 on it and after. */
  daysLeft: number;
  /** Once the by-day is behind: whether it was met, judged on the hashrate of that day; null before. */
  outcome: 'met' | 'missed' | null;
}

/** What the target's progress counts: the fleet's polls, the books' installed machines, or each site by what it has. */
export type ProgressBasis = 'measured' | 'installed' | 'mixed';

/**
 * The hashrate a target's progress is judged on: each site's measured hashrate where the fleet
 * polls it, its installed hashrate where it does not. Measuring one site must not make the other
 * sites' machines vanish from the progress (a demo lab polled beside unpolled mines read 0 %).
 */
export function targetBasis(sites: { installedThs: number; measuredThs: number | null }[]): {
  ths: number;
  on: ProgressBasis;
} {
  const measured = sites.filter((s) => s.measuredThs !== null).length;
  const installedOnly = sites.filter((s) => s.measuredThs === null && s.installedThs > 0).length;
  return {
    ths: sites.reduce((a, s) => a + (s.measuredThs ?? s.installedThs), 0),
    on: measured === 0 ? 'installed' : installedOnly === 0 ? 'measured' : 'mixed',
  };
}

/** A target's by-day is behind `day`: its progress is as it ended, on that day's hashrate. */
export const targetEnded = (t: Pick<HashrateTarget, 'byDay'>, day: Day): boolean => day > t.byDay;

/** How an ended target came out, from its standing on its by-day: reaching the low end meets it. */
export const targetOutcome = (standing: TargetStanding): 'met' | 'missed' =>
  standing === 'below' ? 'missed' : 'met';

/**
 * Progress on `day` at `ths`; for a target that has ended, `ths` is its by-day's (`targetEnded`),
 * and the standing then says whether it was met: reaching the low end meets it.
 */
export function targetProgress(t: HashrateTarget, ths: number, day: Day): TargetProgress {
  const standing = ths < t.lowThs ? 'below' : ths > t.highThs ? 'above' : 'within';
  return {
    standing,
    ofLow: ths / t.lowThs,
    ofHigh: ths / t.highThs,
    missingToLowThs: Math.max(0, t.lowThs - ths),
    daysLeft: Math.max(0, daysBetween(day, t.byDay)),
    outcome: targetEnded(t, day) ? targetOutcome(standing) : null,
  };
}

/** Self-mining's share of the machines built, in basis points; undefined when nothing was built. */
export function shareOfProductionBp(selfMiningUnits: number, builtUnits: number): number | undefined {
  if (builtUnits <= 0) return undefined;
  return Math.round((selfMiningUnits * 10_000) / builtUnits);
}

/**
 * Self-mining's share of production in words, one text for the CLI, the report and the dashboard
 * (`figure` and `detail` for a dashboard's figure and the line under it, `text` the two as one).
 * Machines shipped to sites from stock built in an earlier period can outnumber those built in this
 * one: a share over 100 % (the demo rack's 200 in a quarter that built 11 read as 1818.18 %) looked
 * like a bug to finance, so then the counts are said instead, and what the difference is.
 */
export function shareOfProduction(
  s: { shipped: number; built: number },
  period = 'this quarter',
): { figure: string; detail: string; text: string } {
  const units = (n: number) => n.toLocaleString('en-US');
  if (s.shipped > s.built) {
    const figure = `${units(s.shipped)} shipped`;
    const detail =
      s.built === 0
        ? `none built ${period}: all from earlier stock`
        : `${units(s.built)} built ${period}: ${units(s.shipped - s.built)} from earlier stock`;
    return { figure, detail, text: `${figure}, ${detail}` };
  }
  const bp = shareOfProductionBp(s.shipped, s.built);
  if (bp === undefined) {
    const detail = `none built or shipped ${period}`;
    return { figure: '—', detail, text: detail };
  }
  const figure = shareOfProductionPercent(bp);
  const detail = `${units(s.shipped)} shipped of ${units(s.built)} built ${period}`;
  return { figure, detail, text: `${figure} (${detail})` };
}

/**
 * A share of production (basis points) as every text says it, one decimal ("10.0%"): the CLI's
 * allocation line said the share and its plan side by side, "10.0% …; plan 10.00%". null: n/a.
 */
export const shareOfProductionPercent = (bp: number | null): string =>
  bp === null ? 'n/a' : `${(bp / 100).toFixed(1)}%`;

/**
 * A quarterly report's share of production, for its text and the overview alike: the counts are its
 * supply section's allocation (the builds and shipments the share is computed from), which the
 * report computes whenever it has the self-mining section. Supply unavailable: nothing was recorded
 * in supply by the quarter's end, so nothing built.
 */
export function reportedShareOfProduction(
  supply:
    | { available: false }
    | { available: true; allocation: { selfMiningUnits: number; builtUnits: number } },
): { figure: string; detail: string; text: string } {
  if (!supply.available) {
    const detail = 'no machines built by the end of the quarter';
    return { figure: '—', detail, text: detail };
  }
  return shareOfProduction({
    shipped: supply.allocation.selfMiningUnits,
    built: supply.allocation.builtUnits,
  });
}

/** Serials for a batch: `prefix` + a zero-padded running number (A1246-2103-0001 …). */
export function batchSerials(prefix: string, first: number, units: number): string[] {
  const width = Math.max(4, String(first + units - 1).length);
  return Array.from({ length: units }, (_, i) => `${prefix}${String(first + i).padStart(width, '0')}`);
}

/** A list of serials must not repeat one. */
export function checkSerials(serials: readonly string[], field = 'serials'): void {
  if (serials.length === 0) throw invalid(field, 'Name at least one machine serial.');
  const seen = new Set<string>();
  for (const [i, s] of serials.entries()) {
    if (seen.has(s)) throw invalid(`${field}.${i}`, `The serial ${s} appears twice in the list.`);
    seen.add(s);
  }
}

/** A machine as the fleet poller knows it (by the identity its controller reports). */
export interface FleetMachineRef {
  id: number;
  serial: string;
  dna: string | null;
  mac: string | null;
  site: string;
  status: string;
  /** The last good measured hashrate; null before the first answer. */
  hashrateThs: number | null;
}

/**
 * Which fleet machine each deployed machine is. The fleet knows a machine by its controller's DNA,
 * else its MAC; deployment knows the serial on the label and, where recorded, the MAC. A deployed
 * serial may be any of the fleet's identities; its MAC must be the fleet's MAC. Case is ignored
 * (firmware prints hex in either case).
 */
export function matchFleetMachines(
  deployed: readonly { serial: string; mac: string | null }[],
  fleet: readonly FleetMachineRef[],
): Map<string, FleetMachineRef> {
  const byIdentity = new Map<string, FleetMachineRef>();
  const byMac = new Map<string, FleetMachineRef>();
  for (const f of fleet) {
    for (const key of [f.serial, f.dna, f.mac]) if (key) byIdentity.set(key.toLowerCase(), f);
    if (f.mac) byMac.set(f.mac.toLowerCase(), f);
  }
  const matched = new Map<string, FleetMachineRef>();
  for (const d of deployed) {
    const f = byIdentity.get(d.serial.toLowerCase()) ?? (d.mac ? byMac.get(d.mac.toLowerCase()) : undefined);
    if (f) matched.set(d.serial, f);
  }
  return matched;
}
