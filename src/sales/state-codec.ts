/**
 * How a contract's model state is kept in sales_contracts.state: a compact positional JSON array,
 * cents as decimal strings. Every event decided on a contract reads its state and every write
 * stores it again, and at a million events the generic stored-JSON form (named keys, tagged
 * bigints undone by a walk) was a fifth of the import's CPU. Pure; the store calls it.
 */
import type { Contract, ContractKind, ContractLine, ProductKind, Tranche } from './model.js';
import type { ContractState, LineState, TrancheState } from './model-events.js';

const FORMAT = 1;

type Encoded = [
  format: typeof FORMAT,
  id: number,
  customerId: number,
  kind: ContractKind,
  signedOn: string,
  reference: string | null,
  spotCentsPerTh: string | null,
  terms: [depositPercent: number, creditDays: number | null, forfeited: 0 | 1],
  lines: EncodedLine[],
  value: string,
  deposit: string,
  paid: string,
  refunded: string,
  forfeited: string,
  cancelledOn: string | null,
  lastDay: string,
  /** day, earned after, day, earned after, … */
  deliveries: string[],
];

type EncodedLine = [
  lineId: number,
  productId: string,
  productKind: ProductKind,
  family: string,
  units: number,
  thsPerUnit: number | null,
  per: 'th' | 'unit',
  priceCents: string,
  /** tranche, month, units, … as signed */
  signed: (number | string)[],
  delivered: number,
  cancelled: number,
  /** tranche, month, units, delivered, cancelled, … as they stand */
  tranches: (number | string)[],
];

export function encodeState(s: ContractState): string {
  const c = s.contract;
  const t = c.terms;
  const encoded: Encoded = [
    FORMAT,
    c.id,
    c.customerId,
    c.kind,
    c.signedOn,
    c.reference,
    c.spotCentsPerTh === null ? null : String(c.spotCentsPerTh),
    [
      t.depositPercent,
      t.balance.due === 'on-delivery' ? t.balance.creditDays : null,
      t.depositForfeitedOnCancel ? 1 : 0,
    ],
    s.lines.map((l): EncodedLine => {
      const line = l.line;
      return [
        line.lineId,
        line.productId,
        line.productKind,
        line.family,
        line.units,
        line.thsPerUnit,
        line.price.per,
        String(line.price.per === 'th' ? line.price.centsPerTh : line.price.centsPerUnit),
        line.tranches.flatMap((x) => [x.tranche, x.month, x.units]),
        l.delivered,
        l.cancelled,
        l.tranches.flatMap((x) => [x.tranche, x.month, x.units, x.delivered, x.cancelled]),
      ];
    }),
    String(s.value),
    String(s.deposit),
    String(s.paid),
    String(s.refunded),
    String(s.forfeited),
    s.cancelledOn,
    s.lastDay,
    s.deliveries.flatMap((d) => [d.day, String(d.earnedAfter)]),
  ];
  return JSON.stringify(encoded);
}

export function decodeState(text: string): ContractState {
  const e = JSON.parse(text) as Encoded;
  if (e[0] !== FORMAT) throw new Error(`Unknown contract state format ${String(e[0])}.`);
  const [, id, customerId, kind, signedOn, reference, spot, [depositPercent, creditDays, forfeit], lines] = e;
  const contractLines: ContractLine[] = [];
  const lineStates: LineState[] = [];
  for (const [
    lineId,
    productId,
    productKind,
    family,
    units,
    thsPerUnit,
    per,
    price,
    signed,
    delivered,
    cancelled,
    now,
  ] of lines) {
    const signedTranches: Tranche[] = [];
    for (let i = 0; i < signed.length; i += 3) {
      signedTranches.push({
        tranche: signed[i] as number,
        month: signed[i + 1] as string,
        units: signed[i + 2] as number,
      });
    }
    const line: ContractLine = {
      lineId,
      productId,
      productKind,
      family,
      units,
      thsPerUnit,
      price: per === 'th' ? { per, centsPerTh: BigInt(price) } : { per, centsPerUnit: BigInt(price) },
      tranches: signedTranches,
    };
    const tranches: TrancheState[] = [];
    for (let i = 0; i < now.length; i += 5) {
      tranches.push({
        tranche: now[i] as number,
        month: now[i + 1] as string,
        units: now[i + 2] as number,
        delivered: now[i + 3] as number,
        cancelled: now[i + 4] as number,
      });
    }
    contractLines.push(line);
    lineStates.push({ line, delivered, cancelled, tranches });
  }
  const contract: Contract = {
    id,
    customerId,
    kind,
    signedOn,
    terms: {
      depositPercent,
      balance: creditDays === null ? { due: 'before-shipment' } : { due: 'on-delivery', creditDays },
      depositForfeitedOnCancel: forfeit === 1,
    },
    lines: contractLines,
    spotCentsPerTh: spot === null ? null : BigInt(spot),
    reference,
  };
  const deliveries: ContractState['deliveries'] = [];
  const d = e[16];
  for (let i = 0; i < d.length; i += 2) deliveries.push({ day: d[i]!, earnedAfter: BigInt(d[i + 1]!) });
  return {
    contract,
    value: BigInt(e[9]),
    deposit: BigInt(e[10]),
    lines: lineStates,
    paid: BigInt(e[11]),
    refunded: BigInt(e[12]),
    forfeited: BigInt(e[13]),
    cancelledOn: e[14],
    lastDay: e[15],
    deliveries,
  };
}
