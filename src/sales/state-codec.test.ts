import { describe, expect, it } from 'vitest';
import { toStoredJsonText } from '../kernel/json.js';
import { type ProductFacts, signContract } from './model.js';
import { applyEvent, type ContractEvent, type ContractState, openContract } from './model-events.js';
import { decodeState, encodeState } from './state-codec.js';

const products = new Map<string, ProductFacts>([
  ['A1246', { id: 'A1246', kind: 'machine', family: 'A12', ths: 13.5, stage: 'mass-production' }],
  ['K210', { id: 'K210', kind: 'ai-chip', family: 'K', ths: null, stage: 'mass-production' }],
]);

function states(): ContractState[] {
  const contract = signContract(
    7,
    {
      customerId: 3,
      kind: 'futures',
      signedOn: '2020-11-10',
      reference: 'PO "117"',
      terms: {
        depositPercent: 33.3333,
        balance: { due: 'on-delivery', creditDays: 30 },
        depositForfeitedOnCancel: true,
      },
      lines: [
        {
          productId: 'A1246',
          units: 10,
          centsPerTh: 3001n,
          tranches: [
            { month: '2020-12', units: 4 },
            { month: '2021-01', units: 6 },
          ],
        },
        { productId: 'K210', units: 100, centsPerUnit: 999n },
      ],
    },
    products,
    4500n,
  );
  const events: ContractEvent[] = [
    { type: 'payment-received', day: '2020-11-11', amountCents: 168_345n },
    {
      type: 'delivery',
      day: '2020-12-01',
      lines: [
        { lineId: 1, units: 5 },
        { lineId: 2, units: 10 },
      ],
    },
    { type: 'reschedule', day: '2020-12-02', moves: [{ lineId: 1, tranche: 2, month: '2021-04', units: 2 }] },
    { type: 'cancellation', day: '2020-12-03' },
  ];
  const out = [openContract(contract)];
  for (const e of events) out.push(applyEvent(out.at(-1)!, e).state);
  return out;
}

describe('the stored contract state', () => {
  it('reads back exactly what was written, at every step of a history', () => {
    for (const s of states()) expect(decodeState(encodeState(s))).toEqual(s);
  });

  it('is smaller than the generic form', () => {
    const s = states().at(-1)!;
    const generic = toStoredJsonText({ ...s, lines: s.lines.map(({ line: _l, ...rest }) => rest) });
    expect(encodeState(s).length).toBeLessThan(generic.length / 2);
  });
});
