/**
 * The tranches still to deliver, as supply allocates monthly output to them: one rule for today's
 * order book (the stored states) and for the book as it stood on a past day (as-of.ts).
 */
import type { Day, Month } from '../kernel/calendar.js';
import type { ContractKind } from './model.js';
import { type ContractState, openTranches } from './model-events.js';
import type { OpenTrancheFilterInput } from './schemas.js';

/** A tranche still to deliver, as supply allocates monthly output to it. */
export interface OpenTranche {
  contractId: number;
  lineId: number;
  tranche: number;
  productId: string;
  month: Month;
  unitsOpen: number;
  kind: ContractKind;
  customer: string;
  /** Whether it may ship on the day asked (today by default) under the contract's payment terms. */
  paidForShipment: boolean;
}

/** The open tranches of these contracts at the end of `day`, by month, contract, line and tranche. */
export function openTrancheRows(
  contracts: Iterable<{ state: ContractState; customer: string }>,
  day: Day,
  filter: OpenTrancheFilterInput,
): OpenTranche[] {
  const open: OpenTranche[] = [];
  for (const { state: s, customer } of contracts) {
    for (const t of openTranches(s, day)) {
      if (filter.until && t.month > filter.until) continue;
      if (filter.productId && t.productId !== filter.productId) continue;
      open.push({
        contractId: s.contract.id,
        lineId: t.lineId,
        tranche: t.tranche,
        productId: t.productId,
        month: t.month,
        unitsOpen: t.unitsOpen,
        kind: s.contract.kind,
        customer,
        paidForShipment: t.paidForShipment,
      });
    }
  }
  return open.sort(
    (a, b) =>
      (a.month < b.month ? -1 : a.month > b.month ? 1 : 0) ||
      a.contractId - b.contractId ||
      a.lineId - b.lineId ||
      a.tranche - b.tranche,
  );
}
