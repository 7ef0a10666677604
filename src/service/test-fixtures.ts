/**
 * Shared set-up for the service tests and benchmark: machines built through supply's real services
 * (a foundry, a design, a partnership, an agreement, a wafer order received, then the build).
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Month } from '../kernel/calendar.js';
import { addCustomer, recordDelivery, recordPayment } from '../sales/service.js';
import { futuresContract, seedCatalog } from '../sales/test-fixtures.js';
import {
  addDesign,
  addFoundry,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
  recordBuild,
  signAgreement,
  startPartnership,
} from '../supply/service.js';
import type { TestApp } from '../testing/index.js';
import { setCentre } from './centres.js';
import type { CentreInputT } from './schemas.js';
import { assignLot, serialiseDeliveries } from './serials.js';

/** Chips enough for `units` machines of `productId` in `month`, then the build itself. */
export async function buildMachines(
  ctx: AppContext,
  actor: Actor,
  productId: string,
  month: Month,
  units: number,
) {
  const id = `F${productId}`.slice(0, 20);
  await addFoundry(ctx, actor, { id, name: `Foundry of ${productId}`, country: 'TW', leadTimeMonths: 0 });
  await addDesign(ctx, actor, {
    id: `D${productId}`,
    name: `Chip of ${productId}`,
    processNm: 8,
    diesPerWafer: 1000,
    models: [{ productId, chipsPerMachine: 10 }],
  });
  await startPartnership(ctx, actor, {
    foundryId: id,
    designId: `D${productId}`,
    startMonth: month,
    yieldCurve: { startPct: 100, maturePct: 100, monthsToMature: 0, shape: 'linear' },
  });
  const wafers = Math.ceil((units * 10) / 1000);
  const agreement = await signAgreement(ctx, actor, {
    foundryId: id,
    wafersPerMonth: wafers,
    takeOrPayWafers: 0,
    startMonth: month,
    termMonths: 12,
  });
  const order = await placeWaferOrder(ctx, actor, {
    agreementId: agreement.id,
    designId: `D${productId}`,
    wafers,
    placedMonth: month,
  });
  await markWaferOrderOut(ctx, actor, order.id, { month });
  await receiveWaferOrder(ctx, actor, order.id, { month, chipsReceived: units * 10 });
  return recordBuild(ctx, actor, { productId, month, units });
}

/**
 * A small service desk's world (the catalog seeded first): 20 A1246 built in December 2020, a
 * customer in Singapore with a contract for 10, paid, and 5 delivered on 2021-01-10.
 */
export async function soldMachines(ctx: AppContext, actor: Actor) {
  await buildMachines(ctx, actor, 'A1246', '2020-12', 20);
  const customer = await addCustomer(ctx, actor, {
    name: 'Lion Mining',
    country: 'SG',
    region: 'asia-pacific',
  });
  const contract = await futuresContract(ctx, actor, customer.id, 10);
  await recordPayment(ctx, actor, contract.id, { day: '2020-11-12', amountUsd: 2_700_000n });
  await recordDelivery(ctx, actor, contract.id, { day: '2021-01-10', lines: [{ lineId: 1, units: 5 }] });
  return { customerId: customer.id };
}

/** The steps of an RMA that waited for parts once and ended in a replacement, as its events list them. */
export const REPLACED_RMA_STEPS = [
  'requested',
  'authorised',
  'received',
  'waiting',
  'resumed',
  'diagnosed',
  'replaced',
  'burn-in',
  'shipped',
];

const weekdays = (from: string, to: string) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, from, to }));

/** A repair centre's request body: two technicians, open 09:00-18:00 on weekdays in its own time. */
export const centreInput = (id: string, country: string, region: string, utcOffsetMinutes: number) => ({
  id,
  name: `Centre ${id}`,
  region,
  country,
  technicians: 2,
  repairsPerDay: { '*': 3 },
  burnInPositions: 20,
  calendar: { utcOffsetMinutes, hours: weekdays('09:00', '18:00'), holidays: [] as string[] },
});

/**
 * The SLA tests' world: the catalog, machines sold and delivered, serials 1-10 of A1246's 2020-12
 * lot (batch B1) assigned and serialised, and `centre` set up. Gives the customer who bought them.
 */
export async function serialisedWithCentre(app: TestApp, actor: Actor, centre: CentreInputT) {
  await seedCatalog(app);
  const { customerId } = await soldMachines(app, actor);
  const lot = {
    productId: 'A1246',
    month: '2020-12',
    first: 1,
    last: 10,
    batch: 'B1',
    foundryLot: 'L1',
  } as const;
  await assignLot(app, actor, lot);
  await serialiseDeliveries(app, actor);
  await setCentre(app, actor, centre);
  return customerId;
}
