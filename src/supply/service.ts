/**
 * Supply's writes, each one ledger event whose `decide` loads what the rules in model.ts need and
 * returns the payload: foundries, designs, partnerships and agreements here; wafer orders in
 * wafer-orders.ts; builds and capacity settings in builds.ts. The plan, the recommendation and
 * self-mining's allocation are in planning.ts.
 */
import type { Actor, AppContext } from '../app/context.js';
import { getProduct } from '../catalog/service.js';
import { dayOf, monthOf } from '../kernel/calendar.js';
import { AppError, invalid, notFound, ruleBroken } from '../kernel/errors.js';
import { nextNumber } from '../ledger/ledger.js';
import { requireDesign, requireFoundry, txCtx } from './lookups.js';
import {
  checkAgreementTerms,
  checkDesignModels,
  checkDiesPerWafer,
  checkLeadTime,
  checkProcessNm,
} from './model.js';
import { recordSupply } from './projections.js';
import type { NewAgreementInput, NewDesignInput, NewFoundryInput, NewPartnershipInput } from './schemas.js';
import * as store from './store.js';
import { type PartnershipSpec, parseYieldCurve } from './yield.js';

export {
  listAssemblyCapacity,
  listBuilds,
  listSelfMiningShares,
  recordBuild,
  selfMiningBasisPoints,
  setAssemblyCapacity,
  setSelfMiningShare,
} from './builds.js';
export {
  cancelWaferOrder,
  listWaferOrders,
  markWaferOrderOut,
  placeWaferOrder,
  receiveWaferOrder,
} from './wafer-orders.js';

export async function addFoundry(
  ctx: AppContext,
  actor: Actor,
  input: NewFoundryInput,
  idempotencyKey?: string,
): Promise<store.Foundry> {
  return recordSupply(
    ctx,
    { actor, kind: 'supply.foundry-added', stream: `foundry:${input.id}`, idempotencyKey, request: input },
    async (tx) => {
      if (await store.findFoundry(tx, input.id)) {
        throw ruleBroken(
          'supply.duplicate-foundry',
          `A foundry with the code ${input.id} already exists.`,
          'id',
        );
      }
      if (await store.findFoundryByName(tx, input.name)) {
        throw ruleBroken('supply.duplicate-foundry', `A foundry named ${input.name} already exists.`, 'name');
      }
      checkLeadTime(input.leadTimeMonths);
      return { id: input.id, name: input.name, country: input.country, leadTimeMonths: input.leadTimeMonths };
    },
    async (_tx, event) => event.payload,
  );
}

export const listFoundries = (ctx: AppContext) => store.selectFoundries(ctx.db);

export async function addDesign(
  ctx: AppContext,
  actor: Actor,
  input: NewDesignInput,
  idempotencyKey?: string,
): Promise<store.Design> {
  return recordSupply(
    ctx,
    { actor, kind: 'supply.design-added', stream: `design:${input.id}`, idempotencyKey, request: input },
    async (tx) => {
      if ((await store.selectDesigns(tx, input.id)).length > 0) {
        throw ruleBroken(
          'supply.duplicate-design',
          `A design with the code ${input.id} already exists.`,
          'id',
        );
      }
      const processNm = checkProcessNm(input.processNm);
      const diesPerWafer = checkDiesPerWafer(input.diesPerWafer);
      const withChips = [];
      for (const [i, m] of input.models.entries()) {
        const product = await getProduct(txCtx(ctx, tx), m.productId).catch((e: unknown) => {
          throw e instanceof AppError && e.kind === 'not-found'
            ? notFound('Product', m.productId, `models.${i}.productId`)
            : e;
        });
        if (product.kind !== 'machine') {
          throw invalid(`models.${i}.productId`, `${m.productId} is an AI chip, not a mining machine.`);
        }
        withChips.push({ ...m, chipsPerMachine: m.chipsPerMachine ?? product.chipsPerMachine });
      }
      const models = checkDesignModels(withChips);
      const taken = await store.productsInDesigns(
        tx,
        models.map((m) => m.productId),
      );
      if (taken.length > 0) {
        const [first] = taken;
        throw ruleBroken(
          'supply.model-has-design',
          `${first!.productId} is already built from the ${first!.designId} design; a machine model uses one design's chips.`,
          `models.${input.models.findIndex((m) => m.productId === first!.productId)}.productId`,
        );
      }
      return { id: input.id, name: input.name, processNm, diesPerWafer, models } satisfies store.Design;
    },
    async (_tx, event) => event.payload,
  );
}

export const listDesigns = (ctx: AppContext) => store.selectDesigns(ctx.db);

export async function startPartnership(
  ctx: AppContext,
  actor: Actor,
  input: NewPartnershipInput,
  idempotencyKey?: string,
): Promise<PartnershipSpec> {
  return recordSupply(
    ctx,
    {
      actor,
      kind: 'supply.partnership-started',
      stream: `partnership:${input.foundryId}/${input.designId}`,
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const curve = parseYieldCurve(input.yieldCurve, 'yieldCurve');
      const foundry = await requireFoundry(tx, input.foundryId);
      const design = await requireDesign(tx, input.designId);
      if (await store.findPartnershipOf(tx, foundry.id, design.id)) {
        throw ruleBroken(
          'supply.duplicate-partnership',
          `${foundry.name} already makes the ${design.name} design; a foundry and a design have one yield curve.`,
          'designId',
        );
      }
      const id = await nextNumber(tx, 'supply-partnership');
      return {
        id,
        foundryId: foundry.id,
        designId: design.id,
        startMonth: input.startMonth,
        curve,
      } satisfies PartnershipSpec;
    },
    async (_tx, event) => event.payload,
  );
}

export const listPartnerships = (ctx: AppContext) => store.selectPartnerships(ctx.db);

export async function signAgreement(
  ctx: AppContext,
  actor: Actor,
  input: NewAgreementInput,
  idempotencyKey?: string,
): Promise<store.Agreement> {
  let signed: store.Agreement | undefined;
  return recordSupply(
    ctx,
    {
      actor,
      kind: 'supply.agreement-signed',
      stream: `foundry:${input.foundryId}`,
      idempotencyKey,
      request: input,
    },
    async (tx) => {
      const terms = checkAgreementTerms(input);
      const thisMonth = monthOf(dayOf(ctx.clock.now()));
      const signedMonth = input.signedMonth ?? thisMonth;
      if (signedMonth > thisMonth)
        throw invalid(
          'signedMonth',
          `signedMonth (${signedMonth}) must not be after this month (${thisMonth}).`,
        );
      await requireFoundry(tx, input.foundryId);
      const id = await nextNumber(tx, 'supply-agreement');
      signed = { id, foundryId: input.foundryId, ...terms, signedMonth };
      return signed;
    },
    // The event as written now always names its month; only older ones lack it.
    async () => signed!,
  );
}

export const listAgreements = (ctx: AppContext) => store.selectAgreements(ctx.db);
