/**
 * How the company sold machines forward in the year before a scenario's as-of day, read from the
 * contracts it signed then (as they were signed): how many months after signing their tranches
 * fell due (the lead profile a new booking on a path is delivered by), and what share of their
 * value buyers paid ahead as a deposit. Spot contracts and AI chips are left out: spot ships at
 * once, chips are their own revenue line.
 */
import type { AppContext } from '../app/context.js';
import { addDays, type Day, monthOf, monthsBetween } from '../kernel/calendar.js';
import { contractsSignedBy } from '../sales/as-of.js';
import { type Contract, lineAmount } from '../sales/model.js';

/** The longest lead a profile keeps: the longest horizon a scenario has. */
const MAX_LEAD_MONTHS = 60;
const YEAR_DAYS = 365;

export interface SellingTerms {
  /** Share of a forward booking's value due k months after signing; empty with no forward contract. */
  leadProfile: number[];
  /** Value-weighted deposit share of those contracts, undefined with none. */
  depositShare: number | undefined;
  /** The forward contracts read. */
  contracts: number;
}

/** The terms of the forward machine contracts signed in the year up to `asOf`. Pure. */
export function sellingTermsOf(contracts: readonly Contract[]): SellingTerms {
  const due = new Array<number>(MAX_LEAD_MONTHS + 1).fill(0);
  let value = 0;
  let deposits = 0;
  let read = 0;
  for (const c of contracts) {
    if (c.kind === 'spot') continue;
    let ofContract = 0;
    for (const line of c.lines) {
      if (line.productKind !== 'machine') continue;
      for (const t of line.tranches) {
        const k = Math.min(MAX_LEAD_MONTHS, Math.max(0, monthsBetween(monthOf(c.signedOn), t.month)));
        const cents = Number(lineAmount(line, t.units));
        due[k] = due[k]! + cents;
        ofContract += cents;
      }
    }
    if (ofContract === 0) continue;
    read++;
    value += ofContract;
    deposits += (ofContract * c.terms.depositPercent) / 100;
  }
  if (value === 0) return { leadProfile: [], depositShare: undefined, contracts: 0 };
  const last = due.findLastIndex((x) => x > 0);
  return {
    leadProfile: due.slice(0, last + 1).map((x) => x / value),
    depositShare: deposits / value,
    contracts: read,
  };
}

export async function sellingTerms(ctx: AppContext, asOf: Day): Promise<SellingTerms> {
  const since = addDays(asOf, -YEAR_DAYS + 1);
  // As signed, so the signings alone: not every later event of every contract.
  const signed = (await contractsSignedBy(ctx, asOf)).filter((c) => c.signedOn >= since);
  return sellingTermsOf(signed);
}
