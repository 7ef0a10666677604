/** A contract's tranches that still have units to deliver, as the action forms offer them. */
import { count } from '../format.js';
import type { ContractDetail } from '../replies.js';

export interface OpenTranche {
  lineId: number;
  productId: string;
  tranche: number;
  month: string;
  open: number;
}

/** Earliest month first, as deliveries fill them; the last is the one furthest out. */
export function openTranches(contract: ContractDetail): OpenTranche[] {
  return contract.lines
    .flatMap((l) =>
      l.tranches
        .filter((t) => t.open > 0)
        .map((t) => ({
          lineId: l.lineId,
          productId: l.productId,
          tranche: t.tranche,
          month: t.month,
          open: t.open,
        })),
    )
    .sort((a, b) => (a.month !== b.month ? (a.month < b.month ? -1 : 1) : a.lineId - b.lineId));
}

/** The value a list of tranches keys one by: `1/2`, line 1's tranche 2. */
export const trancheKey = (t: OpenTranche): string => `${t.lineId}/${t.tranche}`;

export const trancheLabel = (t: OpenTranche): string =>
  `${t.month}: line ${t.lineId} (${t.productId}), tranche ${t.tranche}, ${count(t.open)} open`;
