import type { Actor, AppContext } from '../app/context.js';
import { refuseIfClosed } from '../books/guard.js';
import { type Day, dayOf } from '../kernel/calendar.js';
import { AppError, invalid, notFound, ruleBroken } from '../kernel/errors.js';
import { checkStageMove, joulesPerTh, type Product, type Stage } from './model.js';
import { recordCatalog } from './projections.js';
import type { NewProductInput, ProductChangesInput, ProductFilterInput } from './schemas.js';
import { findProduct, latestStageChange, selectProducts, stagesOn } from './store.js';

/** A product as the API shows it: the stored facts plus what is derived from them (its schema: responses.ts). */
export type ProductView = Product & { joulesPerTh?: number };

// J/TH compares SHA-256 machines; for another algorithm's (an Ethash prototype's MH/s in TH/s) it means nothing.
const view = (p: Product): ProductView =>
  p.kind === 'machine' && p.algorithm === 'sha256' ? { ...p, joulesPerTh: joulesPerTh(p) } : p;

/** Whether the catalogue as of the end of `day` listed the product: added by then. */
const listedOn = (p: Product, day: Day) => p.addedOn === null || p.addedOn <= day;

/**
 * Products by the filter. With `asOf`, the catalogue as it stood at the end of that day: the
 * products added by then, each in its stage then (the stage filter reads that stage).
 */
export async function listProducts(ctx: AppContext, filter: ProductFilterInput = {}): Promise<ProductView[]> {
  const { asOf } = filter;
  if (asOf === undefined) return (await selectProducts(ctx.db, filter)).map(view);
  return (await productsWithStageOn(ctx, asOf, filter)).filter((p) => listedOn(p, asOf));
}

/** A product; with `asOf`, as the catalogue had it at the end of that day (not found if added later). */
export async function getProduct(ctx: AppContext, id: string, asOf?: Day): Promise<ProductView> {
  const product = await findProduct(ctx.db, id);
  if (!product) throw notFound('Product', id, 'productId');
  if (asOf === undefined) return view(product);
  if (!listedOn(product, asOf)) {
    throw new AppError(
      'not-found',
      'not-found',
      `Product ${id} entered the catalogue on ${product.addedOn}, after ${asOf}.`,
      'asOf',
    );
  }
  return view(withStageOn(product, await stagesOn(ctx.db, asOf)));
}

/**
 * The products the catalogue holds now, each in its stage at the end of `day`, those added after it
 * included, in the stage they were added in (a first stage holds from the start). What a contract
 * dated `day` but recorded now is checked against: the product is known when the contract is
 * recorded, and its stage is the one it had on the contract's business date.
 */
export async function productsWithStageOn(
  ctx: AppContext,
  day: Day,
  filter: Omit<ProductFilterInput, 'asOf'> = {},
): Promise<ProductView[]> {
  const { stage, ...rest } = filter;
  const [products, stages] = await Promise.all([selectProducts(ctx.db, rest), stagesOn(ctx.db, day)]);
  return products
    .map((p) => withStageOn(p, stages))
    .filter((p) => stage === undefined || p.stage === stage)
    .map(view);
}

/** One product as productsWithStageOn has it. */
export async function productWithStageOn(ctx: AppContext, id: string, day: Day): Promise<ProductView> {
  const product = await findProduct(ctx.db, id);
  if (!product) throw notFound('Product', id, 'productId');
  return view(withStageOn(product, await stagesOn(ctx.db, day)));
}

const withStageOn = (p: Product, stages: Map<string, Stage>): Product => ({
  ...p,
  stage: stages.get(p.id) ?? p.stage,
});

export async function addProduct(
  ctx: AppContext,
  actor: Actor,
  input: NewProductInput,
  idempotencyKey?: string,
): Promise<ProductView> {
  const today = dayOf(ctx.clock.now());
  const addedOn = input.addedOn ?? today;
  if (addedOn > today) throw invalid('addedOn', `addedOn (${addedOn}) must not be after today (${today}).`);
  return recordCatalog(
    ctx,
    { actor, kind: 'catalog.product-added', stream: `product:${input.id}`, idempotencyKey, request: input },
    async (tx) => {
      if (await findProduct(tx, input.id)) {
        throw ruleBroken(
          'catalog.duplicate-product',
          `A product with the id ${input.id} already exists.`,
          'id',
        );
      }
      if (input.kind === 'ai-chip') await checkPredecessor(tx, input.id, input.predecessor);
      // A product added inside a closed period would change the lists its reports showed.
      await refuseIfClosed(tx, addedOn, 'addedOn');
      return { ...input, addedOn } satisfies Product;
    },
    async (_tx, event) => view(event.payload),
  );
}

export async function updateProduct(
  ctx: AppContext,
  actor: Actor,
  id: string,
  changes: ProductChangesInput,
  idempotencyKey?: string,
): Promise<ProductView> {
  return recordCatalog(
    ctx,
    {
      actor,
      kind: 'catalog.product-updated',
      stream: `product:${id}`,
      idempotencyKey,
      request: { id, changes },
    },
    async (tx) => {
      const current = await findProduct(tx, id);
      if (!current) throw notFound('Product', id, 'id');
      const product = applyChanges(current, changes);
      if (changes.stage) checkStageMove(current, changes.stage);
      await checkStageDay(tx, current, changes, dayOf(ctx.clock.now()));
      if (product.kind === 'ai-chip' && 'predecessor' in changes)
        await checkPredecessor(tx, id, product.predecessor);
      return { changes, product };
    },
    async (_tx, event) => view(event.payload.product),
  );
}

/**
 * The day a change of stage takes effect: not after today, not before the stage it follows took
 * effect (the stage as of a day would go backwards), and not inside a closed period (a closed
 * quarter's report showed the stage before it).
 */
async function checkStageDay(
  tx: AppContext['db'],
  current: Product,
  changes: ProductChangesInput,
  today: Day,
): Promise<void> {
  if (changes.stageFrom !== undefined && changes.stage === undefined)
    throw invalid('stageFrom', 'stageFrom dates a change of stage: give the stage with it.');
  if (changes.stage === undefined || changes.stage === current.stage) return;
  const from = changes.stageFrom ?? today;
  if (from > today) throw invalid('stageFrom', `stageFrom (${from}) must not be after today (${today}).`);
  const last = await latestStageChange(tx, current.id);
  if (last?.effectiveOn && from < last.effectiveOn) {
    throw ruleBroken(
      'catalog.stage-day-order',
      `${current.id} has been in ${current.stage} since ${last.effectiveOn}; ${changes.stage} cannot take effect before that (${from}).`,
      'stageFrom',
    );
  }
  await refuseIfClosed(tx, from, 'stageFrom');
}

/** Machine-only fields can't be set on an AI chip and the other way round; stageFrom dates the stage. */
function applyChanges(current: Product, all: ProductChangesInput): Product {
  const { stageFrom: _day, ...changes } = all;
  const foreign =
    current.kind === 'machine'
      ? (['tier', 'tops', 'processNm', 'predecessor'] as const)
      : (['generation', 'algorithm', 'ths', 'watts', 'chipsPerMachine', 'hashboards'] as const);
  for (const field of foreign) {
    if (field in changes)
      throw invalid(
        field,
        `${field} does not apply to ${current.kind === 'machine' ? 'a machine' : 'an AI chip'}.`,
      );
  }
  return { ...current, ...changes } as Product;
}

async function checkPredecessor(tx: AppContext['db'], id: string, predecessor: string | null): Promise<void> {
  if (predecessor === null) return;
  if (predecessor === id) throw invalid('predecessor', 'A chip cannot be its own predecessor.');
  const previous = await findProduct(tx, predecessor);
  if (!previous)
    throw new AppError(
      'invalid',
      'catalog.unknown-predecessor',
      `The predecessor ${predecessor} is not in the catalog.`,
      'predecessor',
    );
  if (previous.kind !== 'ai-chip')
    throw invalid('predecessor', `The predecessor ${predecessor} is a machine, not an AI chip.`);
}
