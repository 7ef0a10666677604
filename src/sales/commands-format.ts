/** How the sales commands write numbers and contracts, shared by commands.ts and commands-events.ts. */
import { parseId } from '../cli/input.js';
import { formatHashrate } from '../kernel/hashrate.js';
import { formatUsd } from '../kernel/money.js';
import type { ContractView } from './contracts.js';

export const collect = (value: string, previous: string[]) => [...previous, value];
export const usd = (c: bigint) => formatUsd(c);
export const ths = (n: number) => formatHashrate(n);
export const n = (x: number) => x.toLocaleString('en-US');

export const contractId = (text: string | undefined): number => parseId(text, 'contract');

export function describeContract(c: ContractView): string {
  const f = c.figures;
  const lines = c.lines.map((l) => {
    const price =
      l.price.per === 'th' ? `${usd(l.price.centsPerTh)}/TH` : `${usd(l.price.centsPerUnit)}/unit`;
    const tranches = l.tranches
      .map((t) => `#${t.tranche} ${t.month}: ${n(t.open)} open of ${n(t.units)}`)
      .join(', ');
    return `  line ${l.lineId}: ${n(l.units)} × ${l.productId} at ${price} = ${usd(l.valueCents)}; delivered ${n(l.deliveredUnits)}; ${tranches}`;
  });
  return [
    `contract ${c.id} (${c.kind}, ${f.status}) for ${c.customer.name}, signed ${c.signedOn}`,
    ...lines,
    `  value ${usd(f.valueCents)}, paid ${usd(f.netPaidCents)}, revenue ${usd(f.revenueCents)}, backlog ${usd(f.backlogCents)}`,
    `  contract liability ${usd(f.liabilityCents)}, receivable ${usd(f.receivableCents)}, cancelled ${usd(f.cancelledValueCents)}, deposit forfeited ${usd(f.forfeitedDepositCents)}`,
  ].join('\n');
}
