/**
 * The order book's terms: contracts, their lines and delivery tranches, payment terms, and the
 * rules a contract must satisfy when it is signed. Pure: no IO, no clock.
 *
 * Amounts of a line are computed in one place (`lineAmount`) from the locked price, rounded once.
 * Every other money figure (value, revenue recognised, backlog, cancelled value) is a difference
 * of `lineAmount` at two unit counts, so the pieces of a line always add up to its value exactly,
 * whatever order and sizes the deliveries come in.
 */
import type { Product } from '../catalog/model.js';
import { sellability } from '../catalog/model.js';
import { type Day, type Month, monthOf } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import {
  type Cents,
  type ExactDecimal,
  formatUsd,
  mulRatio,
  numberToExactDecimal,
  percentOf,
  roundHalfEven,
} from '../kernel/money.js';

export const CONTRACT_KINDS = ['spot', 'futures', 'pre-order'] as const;
export type ContractKind = (typeof CONTRACT_KINDS)[number];
export type ProductKind = Product['kind'];

export const REGIONS = [
  'north-america',
  'latin-america',
  'europe',
  'middle-east',
  'africa',
  'asia-pacific',
  'central-asia',
] as const;
export type Region = (typeof REGIONS)[number];

export interface Customer {
  id: number;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  region: Region;
}

/** When the part of the price not covered by the deposit must be paid. */
export type BalanceTerms = { due: 'before-shipment' } | { due: 'on-delivery'; creditDays: number };

export interface PaymentTerms {
  /** Share of the contract value paid as a deposit at signing, 0-100, at most 4 decimals. */
  depositPercent: number;
  balance: BalanceTerms;
  /** On cancellation the customer loses the part of the deposit not yet applied to deliveries. */
  depositForfeitedOnCancel: boolean;
}

export type LinePrice = { per: 'th'; centsPerTh: Cents } | { per: 'unit'; centsPerUnit: Cents };

export interface Tranche {
  /** 1, 2, 3… within the line; a rescheduled part of a tranche gets the next free number. */
  tranche: number;
  month: Month;
  units: number;
}

export interface ContractLine {
  lineId: number;
  productId: string;
  productKind: ProductKind;
  family: string;
  units: number;
  /** The model's TH/s when the contract was signed (machines), null for AI chips. */
  thsPerUnit: number | null;
  price: LinePrice;
  tranches: Tranche[];
}

export interface Contract {
  id: number;
  customerId: number;
  kind: ContractKind;
  signedOn: Day;
  terms: PaymentTerms;
  lines: ContractLine[];
  /** The market's spot USD/TH on the signing day, for the futures discount; null when unknown. */
  spotCentsPerTh: Cents | null;
  reference: string | null;
}

/** What the product catalogue says about a product, as far as selling it goes. */
export type ProductFacts = Pick<Product, 'id' | 'kind' | 'family' | 'stage'> & { ths: number | null };

export interface LineDraft {
  productId: string;
  units: number;
  centsPerTh?: Cents | undefined;
  centsPerUnit?: Cents | undefined;
  /** Defaults to one tranche of every unit in the signing month. */
  tranches?: { month: Month; units: number }[] | undefined;
}

export interface ContractDraft {
  customerId: number;
  kind: ContractKind;
  signedOn: Day;
  terms: PaymentTerms;
  lines: LineDraft[];
  reference?: string | null | undefined;
}

// --- amounts ------------------------------------------------------------------------------------

/**
 * The price of `units` units of a line, rounded once: units × TH/s × USD/TH for machines,
 * units × USD/unit for AI chips. Monotonic in `units`, and equal to the line value at all units.
 */
export function lineAmount(line: Pick<ContractLine, 'thsPerUnit' | 'price'>, units: number): Cents {
  const n = BigInt(units);
  if (line.price.per === 'unit') return n * line.price.centsPerUnit;
  const ths = exactThs(line.thsPerUnit);
  return roundHalfEven(n * ths.numerator * line.price.centsPerTh, ths.denominator);
}

export const lineValue = (line: ContractLine): Cents => lineAmount(line, line.units);

/**
 * A line's value in three parts that add up to it exactly: delivered units take the line's first
 * unit positions, cancelled units its last, the units still open those between. So a cancellation
 * changes only the cancelled and open parts, and a delivery only the delivered and open parts,
 * whichever comes first.
 */
export function lineParts(
  line: Pick<ContractLine, 'units' | 'thsPerUnit' | 'price'>,
  delivered: number,
  cancelled: number,
): { earned: Cents; open: Cents; cancelled: Cents } {
  const kept = lineAmount(line, line.units - cancelled);
  const earned = lineAmount(line, delivered);
  return { earned, open: kept - earned, cancelled: lineAmount(line, line.units) - kept };
}

export const contractValue = (contract: Pick<Contract, 'lines'>): Cents =>
  contract.lines.reduce((sum, line) => sum + lineValue(line), 0n);

/** TH/s of `units` units of a line (0 for AI chips). */
export const lineTh = (line: Pick<ContractLine, 'thsPerUnit'>, units: number): number =>
  units * (line.thsPerUnit ?? 0);

/** What the units would have cost at the market spot price (the futures discount's denominator). */
export function spotAmount(
  line: Pick<ContractLine, 'thsPerUnit'>,
  units: number,
  spotCentsPerTh: Cents,
): Cents {
  const ths = exactThs(line.thsPerUnit);
  return roundHalfEven(BigInt(units) * ths.numerator * spotCentsPerTh, ths.denominator);
}

export const depositDue = (contract: Contract, value: Cents = contractValue(contract)): Cents =>
  percentOf(value, contract.terms.depositPercent);

/**
 * The part of the deposit that counts towards goods worth `earned`: the deposit is spread over the
 * contract pro rata, so a 30% deposit pays 30% of each delivery and the balance pays the rest.
 */
export const depositApplied = (deposit: Cents, earned: Cents, value: Cents): Cents =>
  value === 0n ? 0n : mulRatio(deposit, earned, value);

/**
 * TH/s per unit as an exact decimal. A book has a handful of distinct values (one per model) and
 * reading one means parsing its decimal text, which figures do for every line of every event, so
 * each value is read once. The cache only ever holds what the pure conversion returns.
 */
const exactThsCache = new Map<number, ExactDecimal>();
function exactThs(ths: number | null): ExactDecimal {
  const cached = ths === null ? undefined : exactThsCache.get(ths);
  if (cached) return cached;
  const exact = ths === null ? undefined : numberToExactDecimal(ths);
  if (!exact || exact.numerator <= 0n) {
    throw new RangeError(`A line priced per TH/s needs a positive TH/s per unit, got ${ths}.`);
  }
  exactThsCache.set(ths!, exact);
  return exact;
}

// --- signing ------------------------------------------------------------------------------------

/** What may be sold under a contract of each kind, by the product's stage. */
function checkSellable(kind: ContractKind, product: ProductFacts, field: string): void {
  const what = sellability(product.stage);
  if (what === 'end-of-life') {
    throw ruleBroken(
      'sales.product-end-of-life',
      `${product.id} is at the end of its life and can no longer be sold.`,
      field,
      { productId: product.id, stage: product.stage },
    );
  }
  if (kind === 'pre-order') {
    if (what !== 'pre-order') {
      throw ruleBroken(
        'sales.product-not-in-pre-order',
        `${product.id} is in ${product.stage}, not in the pre-order stage, so it cannot be pre-ordered.`,
        field,
        { productId: product.id, stage: product.stage },
      );
    }
    return;
  }
  if (what !== 'sell') {
    const advice = what === 'pre-order' ? ' take a pre-order instead.' : ' it is not for sale yet.';
    throw ruleBroken(
      'sales.product-not-for-sale',
      `${product.id} is in ${product.stage}, so it cannot be sold under a ${kind} contract;${advice}`,
      field,
      { productId: product.id, stage: product.stage },
    );
  }
}

function checkTerms(terms: PaymentTerms): void {
  const exact = numberToExactDecimal(terms.depositPercent);
  const fourDecimals = exact !== undefined && (exact.numerator * 10_000n) % exact.denominator === 0n;
  if (!fourDecimals || terms.depositPercent < 0 || terms.depositPercent > 100) {
    throw invalid(
      'terms.depositPercent',
      `terms.depositPercent must be between 0 and 100 with at most 4 decimals, got ${terms.depositPercent}.`,
    );
  }
  if (
    terms.balance.due === 'on-delivery' &&
    (!Number.isSafeInteger(terms.balance.creditDays) || terms.balance.creditDays < 0)
  ) {
    throw invalid(
      'terms.balance.creditDays',
      `terms.balance.creditDays must be a whole number of days, 0 or more, got ${terms.balance.creditDays}.`,
    );
  }
}

function signLine(
  draft: LineDraft,
  index: number,
  contract: Pick<ContractDraft, 'kind' | 'signedOn'>,
  product: ProductFacts,
): ContractLine {
  const at = `lines.${index}`;
  if (!Number.isSafeInteger(draft.units) || draft.units <= 0) {
    throw invalid(`${at}.units`, `${at}.units must be a whole number of units above 0, got ${draft.units}.`);
  }
  checkSellable(contract.kind, product, `${at}.productId`);
  let price: LinePrice;
  let thsPerUnit: number | null = null;
  if (product.kind === 'machine') {
    if (draft.centsPerUnit !== undefined || draft.centsPerTh === undefined) {
      throw invalid(
        `${at}.usdPerTh`,
        `Line ${index + 1} sells ${product.id} mining machines, which are priced per TH/s: give usdPerTh, not usdPerUnit.`,
      );
    }
    if (product.ths === null || !(product.ths > 0)) {
      throw invalid(
        `${at}.productId`,
        `${product.id} has no TH/s in the catalogue, so it cannot be priced per TH/s.`,
      );
    }
    price = { per: 'th', centsPerTh: draft.centsPerTh };
    thsPerUnit = product.ths;
  } else {
    if (draft.centsPerTh !== undefined || draft.centsPerUnit === undefined) {
      throw invalid(
        `${at}.usdPerUnit`,
        `Line ${index + 1} sells ${product.id} AI chips, which are priced per unit: give usdPerUnit, not usdPerTh.`,
      );
    }
    price = { per: 'unit', centsPerUnit: draft.centsPerUnit };
  }
  const priceCents = price.per === 'th' ? price.centsPerTh : price.centsPerUnit;
  if (priceCents <= 0n) {
    const field = price.per === 'th' ? 'usdPerTh' : 'usdPerUnit';
    throw invalid(`${at}.${field}`, `${at}.${field} must be above $0.00, got ${formatUsd(priceCents)}.`);
  }

  const signedMonth = monthOf(contract.signedOn);
  const drafts = draft.tranches ?? [{ month: signedMonth, units: draft.units }];
  if (drafts.length === 0) {
    throw invalid(`${at}.tranches`, `Line ${index + 1} needs at least one delivery tranche.`);
  }
  const tranches = drafts.map((t, i): Tranche => {
    if (!Number.isSafeInteger(t.units) || t.units <= 0) {
      throw invalid(
        `${at}.tranches.${i}.units`,
        `${at}.tranches.${i}.units must be a whole number of units above 0, got ${t.units}.`,
      );
    }
    if (t.month < signedMonth) {
      throw invalid(
        `${at}.tranches.${i}.month`,
        `Tranche ${i + 1} of line ${index + 1} is scheduled for ${t.month}, before the contract was signed (${contract.signedOn}).`,
      );
    }
    return { tranche: i + 1, month: t.month, units: t.units };
  });
  const scheduled = tranches.reduce((sum, t) => sum + t.units, 0);
  if (scheduled !== draft.units) {
    throw invalid(
      `${at}.tranches`,
      `The tranches of line ${index + 1} add up to ${scheduled} units but the line sells ${draft.units}.`,
    );
  }
  return {
    lineId: index + 1,
    productId: product.id,
    productKind: product.kind,
    family: product.family,
    units: draft.units,
    thsPerUnit,
    price,
    tranches,
  };
}

/**
 * Checks a contract as drafted against the catalogue and returns it as it will be recorded.
 * `products` holds every product the lines name; the caller has already refused unknown ones.
 */
export function signContract(
  id: number,
  draft: ContractDraft,
  products: ReadonlyMap<string, ProductFacts>,
  spotCentsPerTh: Cents | null,
): Contract {
  if (draft.lines.length === 0) throw invalid('lines', 'A contract needs at least one line.');
  checkTerms(draft.terms);
  const lines = draft.lines.map((line, i) => {
    const product = products.get(line.productId);
    if (!product)
      throw invalid(`lines.${i}.productId`, `There is no product ${line.productId} in the catalogue.`);
    return signLine(line, i, draft, product);
  });
  return {
    id,
    customerId: draft.customerId,
    kind: draft.kind,
    signedOn: draft.signedOn,
    terms: draft.terms,
    lines,
    spotCentsPerTh,
    reference: draft.reference ?? null,
  };
}
