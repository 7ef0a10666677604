/** A plan as of a past month sees the wafer orders as they then stood. */
import { describe, expect, it } from 'vitest';
import { ordersKnownBy } from './planning.js';
import type { WaferOrder } from './store.js';

const order = (over: Partial<WaferOrder>): WaferOrder => ({
  id: 1,
  partnershipId: 1,
  agreementId: 1,
  wafers: 100,
  placedMonth: '2020-10',
  leadTimeMonths: 3,
  outMonth: '2021-01',
  expectedDies: 50_000,
  status: 'placed',
  receivedMonth: null,
  chipsReceived: null,
  ...over,
});

describe('orders known by a month', () => {
  it('leaves out orders placed later, and forgets a later receipt or cancellation', () => {
    const orders = [
      order({ id: 1, status: 'received', receivedMonth: '2021-01', chipsReceived: 48_000 }),
      order({ id: 2, status: 'cancelled', cancelled: { month: '2021-02', reason: 'late' } }),
      order({ id: 3, placedMonth: '2021-01' }),
      order({ id: 4, status: 'received', receivedMonth: '2020-12', chipsReceived: 49_000 }),
    ];
    const known = ordersKnownBy(orders, '2020-12');
    expect(known.map((o) => o.id)).toEqual([1, 2, 4]);
    expect(known[0]).toMatchObject({ status: 'placed', receivedMonth: null, chipsReceived: null });
    expect(known[1]!.status).toBe('placed');
    expect(known[1]!.cancelled).toBeUndefined();
    expect(known[2]).toMatchObject({ status: 'received', chipsReceived: 49_000 });
  });
});
