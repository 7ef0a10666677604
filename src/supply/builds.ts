/** Machines built, assembly capacity and self-mining's share: what turns chips into machines and where they go. */

import type { Actor, AppContext } from '../app/context.js';
import { refuseIfMonthClosed } from '../books/guard.js';
import type { Month } from '../kernel/calendar.js';
import { invalid, ruleBroken } from '../kernel/errors.js';
import { type Cents, parseUsd } from '../kernel/money.js';
import { checkBuildChips } from './model.js';
import type { BuildRecord } from './plan.js';
import { recordSupply } from './projections.js';
import type { NewBuildInput } from './schemas.js';
import * as store from './store.js';
import * as production from './store-production.js';
import { percentToBasisPoints } from './yield.js';

export async function recordBuild(
  ctx: AppContext,
  actor: Actor,
  input: NewBuildInput,
  idempotencyKey?: string,
): Promise<BuildRecord & { designId: string; chipsUsed: number }> {
  const design = await store.findDesignOfProduct(ctx.db, input.productId);
  if (!design) {
    throw ruleBroken(
      'supply.no-design',
      `No ASIC design lists ${input.productId} among its machine models, so there are no chips to build it from.`,
      'productId',
    );
  }
  return recordSupply(
    ctx,
    // The design's stream: two builds drawing on the same chips are serialised.
    { actor, kind: 'supply.build-recorded', stream: `design:${design.id}`, idempotencyKey, request: input },
    async (tx) => {
      await refuseIfMonthClosed(tx, input.month, 'month');
      const cpm = new Map(design.models.map((m) => [m.productId, m.chipsPerMachine]));
      const others = (await production.selectBuilds(tx, { productIds: [...cpm.keys()] })).filter(
        (b) => !(b.productId === input.productId && b.month === input.month),
      );
      checkBuildChips({
        productId: input.productId,
        designName: design.name,
        month: input.month,
        units: input.units,
        chipsPerMachine: cpm.get(input.productId)!,
        movements: [
          ...(await production.chipsReceivedByMonth(tx, design.id)),
          ...others.map((b) => ({ month: b.month, chips: -b.units * cpm.get(b.productId)! })),
        ],
      });
      const unitCostCents = input.unitCost === undefined ? undefined : unitCostOf(input.unitCost);
      return {
        productId: input.productId,
        month: input.month,
        units: input.units,
        ...(unitCostCents !== undefined ? { unitCostCents } : {}),
      } satisfies BuildRecord;
    },
    async (_tx, event) => {
      const build = event.payload;
      const chipsPerMachine = design.models.find((m) => m.productId === build.productId)!.chipsPerMachine;
      return { ...build, designId: design.id, chipsUsed: build.units * chipsPerMachine };
    },
  );
}

/** A machine's build cost: whole cents, more than nothing. */
function unitCostOf(value: string | number): Cents {
  const cents = parseUsd(value, 'unitCost', { wholeCents: true });
  if (cents <= 0n) throw invalid('unitCost', `unitCost must be more than $0.00, got ${value}.`);
  return cents;
}

export const listBuilds = (ctx: AppContext) => production.selectBuilds(ctx.db);

export async function setAssemblyCapacity(
  ctx: AppContext,
  actor: Actor,
  input: { fromMonth: Month; machinesPerMonth: number },
  idempotencyKey?: string,
): Promise<{ fromMonth: Month; machinesPerMonth: number }> {
  return recordSupply(
    ctx,
    {
      actor,
      kind: 'supply.assembly-capacity-set',
      stream: 'supply:assembly',
      idempotencyKey,
      request: input,
    },
    async () => {
      if (!Number.isInteger(input.machinesPerMonth) || input.machinesPerMonth < 0) {
        throw invalid(
          'machinesPerMonth',
          `machinesPerMonth must be a whole number of machines, 0 or more, got ${input.machinesPerMonth}.`,
        );
      }
      return input;
    },
    async () => input,
  );
}

export async function setSelfMiningShare(
  ctx: AppContext,
  actor: Actor,
  input: { fromMonth: Month; sharePct: number },
  idempotencyKey?: string,
): Promise<{ fromMonth: Month; sharePct: number }> {
  return recordSupply(
    ctx,
    {
      actor,
      kind: 'supply.self-mining-share-set',
      stream: 'supply:self-mining-share',
      idempotencyKey,
      request: input,
    },
    async () => ({ fromMonth: input.fromMonth, shareBp: selfMiningBasisPoints(input.sharePct, 'sharePct') }),
    async () => input,
  );
}

/** A self-mining share as basis points: a percentage of production, 0 to 100. */
export function selfMiningBasisPoints(pct: number, field: string): number {
  const bp = percentToBasisPoints(pct, field);
  if (bp < 0 || bp > 10_000) {
    throw invalid(field, `${field} must be a share of production between 0% and 100%, got ${pct}%.`);
  }
  return bp;
}

export const listAssemblyCapacity = (ctx: AppContext) => production.selectAssemblyCapacity(ctx.db);

export async function listSelfMiningShares(
  ctx: AppContext,
): Promise<{ fromMonth: Month; sharePct: number }[]> {
  return (await production.selectSelfMiningShares(ctx.db)).map((s) => ({
    fromMonth: s.fromMonth,
    sharePct: s.shareBp / 100,
  }));
}
