import { describe, expect, it } from 'vitest';
import { AppError } from '../kernel/errors.js';
import {
  checkStep,
  checkWait,
  chooseCentre,
  formatSerial,
  parseSerial,
  policyFor,
  stockAfter,
  type TicketState,
  takeFirstBuilt,
  warrantyOn,
} from './model.js';

const refusal = (f: () => unknown): AppError => {
  try {
    f();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('serials', () => {
  it('read back what they were made from, and refuse what is not one', () => {
    const s = formatSerial({ productId: 'A1246', month: '2021-01', seq: 123 });
    expect(s).toBe('A1246-202101-000123');
    expect(parseSerial(s)).toEqual({ productId: 'A1246', month: '2021-01', seq: 123 });
    expect(parseSerial('A1246-202113-000001')).toBeUndefined();
    expect(parseSerial('A1246-202101-000000')).toBeUndefined();
    expect(parseSerial('nonsense')).toBeUndefined();
  });

  it('are taken first built, first shipped, around ranges already delivered', () => {
    const builds = [
      { productId: 'A', month: '2021-02', units: 5 },
      { productId: 'A', month: '2021-01', units: 10 },
    ];
    const used = [{ productId: 'A', month: '2021-01', first: 3, last: 8 }];
    expect(takeFirstBuilt(builds, used, 'A', 7)).toEqual([
      { productId: 'A', month: '2021-01', first: 1, last: 2 },
      { productId: 'A', month: '2021-01', first: 9, last: 10 },
      { productId: 'A', month: '2021-02', first: 1, last: 3 },
    ]);
    expect(refusal(() => takeFirstBuilt(builds, used, 'A', 10)).code).toBe('service.not-enough-built');
  });
});

describe('warranty', () => {
  const policy = {
    productId: 'A',
    batch: null,
    termDays: 365,
    startsAt: 'delivery',
    doaDays: 30,
    repairedDays: 90,
  } as const;
  const delivery = { dispatchedOn: '2021-01-01', deliveredOn: '2021-01-20' };

  it('runs the term from delivery or dispatch, with a dead-on-arrival window', () => {
    expect(warrantyOn({ policy, delivery, repairsShippedOn: [] }, '2021-02-01')).toEqual({
      inWarranty: true,
      until: '2022-01-19',
      basis: 'sale',
      deadOnArrival: true,
    });
    const fromDispatch = warrantyOn(
      { policy: { ...policy, startsAt: 'dispatch' }, delivery, repairsShippedOn: [] },
      '2022-01-05',
    );
    expect(fromDispatch).toMatchObject({ inWarranty: false, until: '2021-12-31', deadOnArrival: false });
  });

  it('extends to the repaired-item term after a repair, never shortens', () => {
    const late = warrantyOn({ policy, delivery, repairsShippedOn: ['2022-01-01'] }, '2022-03-01');
    expect(late).toMatchObject({ inWarranty: true, until: '2022-03-31', basis: 'repair' });
    const early = warrantyOn({ policy, delivery, repairsShippedOn: ['2021-03-01'] }, '2021-06-01');
    expect(early).toMatchObject({ until: '2022-01-19', basis: 'sale' });
    // A replacement unit never sold: its warranty is the repaired-item term alone.
    expect(warrantyOn({ policy, repairsShippedOn: ['2021-05-01'] }, '2021-06-01')).toMatchObject({
      inWarranty: true,
      until: '2021-07-29',
      basis: 'repair',
    });
    expect(warrantyOn({ policy, repairsShippedOn: [] }, '2021-06-01')).toMatchObject({
      inWarranty: false,
      basis: 'none',
    });
  });

  it('takes the batch policy over the model policy, and a default without either', () => {
    const batch = { ...policy, batch: 'B1', termDays: 180 };
    expect(policyFor([policy, batch], 'A', 'B1').termDays).toBe(180);
    expect(policyFor([policy, batch], 'A', 'B2').termDays).toBe(365);
    expect(policyFor([], 'X', null)).toMatchObject({ productId: 'X', termDays: 365, repairedDays: 90 });
  });
});

describe('the RMA flow', () => {
  const at = (
    step: TicketState['step'],
    ticketClass: TicketState['ticketClass'] = 'board-rma',
  ): TicketState => ({
    ticketClass,
    step,
    waitingFor: null,
  });

  it('goes requested → … → closed, one step at a time', () => {
    const path = ['authorised', 'received', 'diagnosed', 'replaced', 'burn-in', 'shipped', 'closed'] as const;
    let state = at('requested');
    for (const step of path) {
      checkStep(1, state, step);
      state = at(step);
    }
  });

  it('refuses shipping before diagnosis, naming the rule and what may come next', () => {
    const e = refusal(() => checkStep(7, at('received'), 'shipped'));
    expect(e).toMatchObject({ kind: 'conflict', code: 'service.step-order', field: 'step' });
    expect(e.message).toBe('Ticket 7 is received; it cannot go to shipped: next may come: diagnosed.');
    expect(refusal(() => checkStep(7, at('closed'), 'authorised')).message).toMatch(/it is finished/);
    expect(refusal(() => checkStep(7, at('received'), 'cancelled')).code).toBe('service.step-order');
  });

  it('sends site-operations tickets from requested straight to closed', () => {
    checkStep(1, at('requested', 'network'), 'closed');
    expect(refusal(() => checkStep(1, at('requested', 'environment'), 'authorised')).code).toBe(
      'service.step-order',
    );
  });

  it('waits only when not waiting, and resumes only when waiting', () => {
    checkWait(1, at('received'), 'parts');
    expect(refusal(() => checkWait(1, { ...at('received'), waitingFor: 'parts' }, 'customs')).code).toBe(
      'service.already-waiting',
    );
    expect(refusal(() => checkWait(1, at('received'), null)).code).toBe('service.not-waiting');
    expect(refusal(() => checkWait(1, at('closed'), 'parts')).code).toBe('service.ticket-finished');
  });
});

describe('parts and routing', () => {
  it('never lets stock go below zero', () => {
    expect(stockAfter('SG1', 'psu', 3, -3)).toBe(0);
    expect(refusal(() => stockAfter('SG1', 'psu', 2, -3))).toMatchObject({
      code: 'service.parts-short',
      field: 'qty',
    });
  });

  it('routes to the nearest centre with room: country, then region, then anywhere', () => {
    const c = (id: string, country: string, region: string, backlog: number) => ({
      id,
      country,
      region,
      technicians: 1,
      repairsPerDay: { '*': 1 },
      backlog,
    });
    const centres = [
      c('SG1', 'SG', 'asia-pacific', 3),
      c('MY1', 'MY', 'asia-pacific', 0),
      c('US1', 'US', 'north-america', 0),
    ];
    expect(chooseCentre(centres, { country: 'SG', region: 'asia-pacific' }, 'A')?.id).toBe('SG1');
    // SG1 full (10 days of one repair a day): the region's other centre.
    const full = centres.map((x) => (x.id === 'SG1' ? { ...x, backlog: 10 } : x));
    expect(chooseCentre(full, { country: 'SG', region: 'asia-pacific' }, 'A')?.id).toBe('MY1');
    expect(chooseCentre(centres, { country: 'DE', region: 'europe' }, 'A')?.id).toBe('MY1');
    expect(chooseCentre([], { country: 'DE', region: 'europe' }, 'A')).toBeUndefined();
  });
});
