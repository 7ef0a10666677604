/**
 * Machines by serial: a build implies its serials, a lot labels a range with its batch and foundry
 * lot, a delivery records which serials went to which customer, and a fleet machine (known by DNA
 * or MAC) is linked to its serial.
 */
import type { Actor, AppContext } from '../app/context.js';
import type { Db } from '../db/db.js';
import { fleetDb } from '../fleet/store.js';
import { type Day, dayOf } from '../kernel/calendar.js';
import { notFound, ruleBroken } from '../kernel/errors.js';
import { appendEvents, type BatchWrite, inTransaction, lockStreams, project } from '../ledger/ledger.js';
import { selectBuilds } from '../supply/store-production.js';
import type { SerialsDelivered, ServiceEvent } from './events.js';
import {
  checkRange,
  formatSerial,
  parseSerial,
  rangeSize,
  requireSerial,
  type SerialLot,
  type SerialParts,
  type SerialRange,
  takeFirstBuilt,
} from './model.js';
import { recordService } from './projections.js';
import type { DeliverySerialsInput, LotInput } from './schemas.js';
import * as store from './store.js';

const serialStream = (productId: string) => `serials:${productId}`;

async function unitsBuilt(db: Db, productId: string, month: string): Promise<number> {
  return (await selectBuilds(db, { productIds: [productId] })).find((b) => b.month === month)?.units ?? 0;
}

/** A serial's parts once it is known to have been built; else a 404 naming the field. */
export async function requireBuiltSerial(db: Db, serial: string, field = 'serial'): Promise<SerialParts> {
  const parts = requireSerial(serial, field);
  if (parts.seq > (await unitsBuilt(db, parts.productId, parts.month)))
    throw notFound('Machine serial', serial, field);
  return parts;
}

export async function assignLot(ctx: AppContext, actor: Actor, input: LotInput, idempotencyKey?: string) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.serials-lotted',
      stream: serialStream(input.productId),
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const lots = await store.selectLots(tx, { productId: input.productId });
      checkRange(input, await unitsBuilt(tx, input.productId, input.month), lots, 'in a lot', 'first');
      return input satisfies SerialLot;
    },
    async (_tx, e) => ({
      ...e.payload,
      firstSerial: formatSerial({ ...input, seq: input.first }),
      units: rangeSize(input),
    }),
  );
}

/**
 * Records which serials a contract's delivered machines carry: the ranges named, or else the
 * oldest built machines that no delivery has taken yet (first built, first shipped).
 */
export async function recordDeliverySerials(
  ctx: AppContext,
  actor: Actor,
  input: DeliverySerialsInput,
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.serials-delivered',
      stream: serialStream(input.productId),
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const sale = await store
        .selectDeliveries(tx, input.contractId)
        .then((ds) =>
          ds.filter((d) => Number(d.contract_id) === input.contractId && d.product_id === input.productId),
        );
      if (sale.length === 0) {
        throw ruleBroken(
          'service.no-delivery',
          `Contract ${input.contractId} has no delivery of ${input.productId} recorded in sales.`,
          'contractId',
        );
      }
      const { delivered, serialised } = await store.deliveredUnits(tx, input.contractId, input.productId);
      const open = delivered - serialised;
      const already = await store.selectDelivered(tx, { productId: input.productId });
      const builds = await selectBuilds(tx, { productIds: [input.productId] });
      let ranges: SerialRange[];
      if (input.ranges) {
        ranges = input.ranges.map((r) => ({ productId: input.productId, ...r }));
        const seen: SerialRange[] = [...already];
        ranges.forEach((r, i) => {
          const built = builds.find((b) => b.month === r.month)?.units ?? 0;
          checkRange(r, built, seen, 'recorded on a delivery', `ranges.${i}`);
          seen.push(r);
        });
      } else {
        ranges = takeFirstBuilt(builds, already, input.productId, open);
      }
      const units = ranges.reduce((n, r) => n + rangeSize(r), 0);
      if (units === 0 || units > open) {
        throw ruleBroken(
          'service.serials-exceed-delivery',
          `Contract ${input.contractId} has ${open} delivered ${input.productId} without serials; ${units} were given.`,
          'ranges',
          { delivered, serialised },
        );
      }
      const deliveredOn: Day = sale
        .map((d) => d.day)
        .sort()
        .at(-1)!;
      return {
        contractId: input.contractId,
        customerId: Number(sale[0]!.customer_id),
        dispatchedOn: input.dispatchedOn ?? deliveredOn,
        deliveredOn,
        ranges,
      } satisfies SerialsDelivered;
    },
    async (_tx, e) => e.payload,
  );
}

/**
 * Serials for every delivered machine that has none yet, oldest deliveries first (first built,
 * first shipped); returns how many. One transaction for them all, an event per contract and model
 * as `recordDeliverySerials` writes it: the demo's 679,567 machines were thousands of writes, each
 * re-reading every range of its model recorded so far.
 */
export async function serialiseDeliveries(ctx: AppContext, actor: Actor): Promise<number> {
  return inTransaction(ctx.db, async (tx) => {
    const pending = await store.unserialisedDeliveries(tx);
    if (pending.length === 0) return 0;
    const products = [...new Set(pending.map((p) => p.productId))];
    // Another writer of these models' serials waits for this one; then what is recorded is read.
    await lockStreams(tx, products.map(serialStream));
    const builds = await selectBuilds(tx, { productIds: products });
    const used = new Map<string, SerialRange[]>(products.map((p) => [p, []]));
    for (const r of await store.selectDelivered(tx)) used.get(r.productId)?.push(r);
    let units = 0;
    const writes = pending.map((p): BatchWrite<ServiceEvent> => {
      const taken = used.get(p.productId)!;
      const ranges = takeFirstBuilt(builds, taken, p.productId, p.delivered - p.serialised);
      taken.push(...ranges);
      units += p.delivered - p.serialised;
      const payload: SerialsDelivered = {
        contractId: p.contractId,
        customerId: p.customerId,
        dispatchedOn: p.deliveredOn,
        deliveredOn: p.deliveredOn,
        ranges,
      };
      return { event: { kind: 'service.serials-delivered', payload }, stream: serialStream(p.productId) };
    });
    for (const e of await appendEvents(tx, actor, ctx.clock.now(), writes, { lockStreams: false }))
      await project(ctx.projections, tx, e);
    return units;
  });
}

export async function linkFleetMachine(
  ctx: AppContext,
  actor: Actor,
  input: { machineId: number; serial: string },
  idempotencyKey?: string,
) {
  return recordService(
    ctx,
    {
      actor,
      kind: 'service.machine-linked',
      stream: `machine:${input.machineId}`,
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const machine = await fleetDb(tx)
        .selectFrom('fleet_machines')
        .select(['id'])
        .where('id', '=', BigInt(input.machineId))
        .executeTakeFirst();
      if (!machine) throw notFound('Fleet machine', input.machineId, 'machineId');
      await requireBuiltSerial(tx, input.serial);
      const other = await store.machineOfSerial(tx, input.serial);
      if (other !== undefined && other !== input.machineId) {
        throw ruleBroken(
          'service.serial-linked',
          `${input.serial} is already fleet machine ${other}.`,
          'serial',
        );
      }
      return input;
    },
    async (_tx, e) => e.payload,
  );
}

/**
 * Up to `count` serials of a model built and still in stock — never delivered, never sent as a
 * replacement, not in the fleet — oldest first: what a replacement or a new fleet machine takes.
 */
export async function stockSerials(db: Db, productId: string, count: number): Promise<string[]> {
  const [builds, delivered, out] = await Promise.all([
    selectBuilds(db, { productIds: [productId] }),
    store.selectDelivered(db, { productId }),
    store.serialsOutOfStock(db, productId),
  ]);
  const used: SerialRange[] = [...delivered];
  for (const serial of out) {
    const p = parseSerial(serial);
    if (p) used.push({ productId, month: p.month, first: p.seq, last: p.seq });
  }
  const built = builds.reduce((n, b) => n + b.units, 0);
  const free = built - used.reduce((n, r) => n + rangeSize(r), 0);
  const take = Math.min(count, free);
  if (take <= 0) return [];
  return takeFirstBuilt(builds, used, productId, take).flatMap((r) =>
    Array.from({ length: rangeSize(r) }, (_, i) => formatSerial({ ...r, seq: r.first + i })),
  );
}

/** What the service network knows of one machine: build, lot, sale, fleet link, tickets. */
export async function serialRecord(ctx: AppContext, serial: string) {
  const parts = await requireBuiltSerial(ctx.db, serial);
  const lot = (await store.selectLots(ctx.db, { builds: [parts] })).find(
    (l) => parts.seq >= l.first && parts.seq <= l.last,
  );
  const sale = await store.saleOf(ctx.db, parts);
  const tickets = await store.selectTickets(ctx.db, { serial, limit: 500 });
  return {
    serial,
    productId: parts.productId,
    buildMonth: parts.month,
    batch: lot?.batch ?? parts.month,
    foundryLot: lot?.foundryLot ?? null,
    customerId: sale?.customerId ?? null,
    contractId: sale?.contractId ?? null,
    dispatchedOn: sale?.dispatchedOn ?? null,
    deliveredOn: sale?.deliveredOn ?? null,
    fleetMachineId: (await store.machineOfSerial(ctx.db, serial)) ?? null,
    tickets: tickets.map((t) => ({
      id: t.id,
      ticketClass: t.ticketClass,
      step: t.step,
      openedOn: dayOf(t.openedAt),
    })),
  };
}
