import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Actor, AppContext } from '../app/context.js';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct, listProducts } from '../catalog/service.js';
import { addDays, type Day, dayOf } from '../kernel/calendar.js';
import { keyRecorded } from '../ledger/ledger.js';
import { importMarketCsv, marketRange, setSpotPrices } from '../market/service.js';
import { recordGuidance } from '../reporting/guidance.js';
import type { ProductFacts } from '../sales/model.js';
import { importSales } from '../sales/service.js';
import { type DemoBook, planBook } from './book.js';
import { bookNdjson } from './book-file.js';
import { loadCash } from './load-cash.js';
import { loadService } from './load-service.js';
import { loadSelfMining, loadSupply } from './load-supply.js';
import { DATA_DIR } from './paths.js';
import { DEMO_FIRST_DAY, DEMO_LAST_DAY, DEMO_SEED, GUIDANCE } from './script.js';
import { modelSpotPrices, SPOT_HISTORY_DAYS } from './spot-model.js';

export { DATA_DIR };

/** A progress bar for a long step (the CLI passes src/cli/progress.ts; others pass nothing). */
export type ProgressFactory = (total: number, label: string) => { tick(by?: number): void; stop(): void };

export interface DemoOptions {
  progress?: ProgressFactory | undefined;
  /**
   * Load the service network (centres, serials, the customers' RMAs): on by default. Tests whose
   * figures do not read it leave it out: it is half of a whole history's load.
   */
  service?: boolean;
}

export const SPOT_SOURCE =
  'HashForge demo model: 30-day hashprice × payback period (src/demo/spot-model.ts, data/demo/README.md)';

/**
 * Loads the demo company through the services, as a user would. Every write carries an
 * idempotency key, so loading twice changes nothing. The company's history runs to 2022-06-30;
 * with a clock set earlier (tests), only what happened up to today is loaded, and a later load into
 * the same database does not extend it (the order book is one import, keyed by its last day).
 */
export async function loadDemo(
  ctx: AppContext,
  actor: Actor,
  say: (line: string) => void = () => {},
  opts: DemoOptions = {},
): Promise<void> {
  const today = dayOf(ctx.clock.now());
  const until: Day = [today, DEMO_LAST_DAY].sort()[0]!;
  for (const product of DEMO_PRODUCTS) {
    await addProduct(ctx, actor, product, `demo:product:${product.id}`);
  }
  say(`demo catalog: ${DEMO_PRODUCTS.length} products`);
  const csv = readFileSync(join(DATA_DIR, 'market', 'btc_daily.csv'), 'utf8');
  const result = await importMarketCsv(ctx, actor, csv, {
    source: 'Coin Metrics community data (CC BY-NC 4.0)',
    idempotencyKey: 'demo:market:btc_daily',
  });
  say(`demo market history: ${result.imported} days, ${result.first} .. ${result.last}`);
  if (until < DEMO_FIRST_DAY) return;

  const spot = await loadSpotPrices(ctx, actor);
  say(`demo spot USD/TH: ${spot.size} days modelled from hashprice and a payback period`);

  const book = await planDemoBook(ctx, spot);
  const sales = await loadSales(ctx, actor, book, until, opts);
  say(
    `demo order book to ${until}: ${sales.customers} customers, ${sales.contracts} contracts, ${sales.events} events`,
  );

  const supply = await loadSupply(ctx, actor, bookUntil(book, until), until, opts.progress);
  say(
    `demo supply: ${supply.waferOrders.length} wafer orders, ${supply.builds.length} monthly builds from two foundries`,
  );
  const cash = await loadCash(ctx, actor, supply.builds, until);
  say(`demo treasury: ${cash.records} cash records (opening balance, machines built, running costs)`);
  const mining = await loadSelfMining(ctx, actor, supply, until);
  say(
    `demo self-mining: ${mining.deployments} deployments, ${mining.machines} machines, ${mining.payouts} daily payouts held in BTC`,
  );
  if (opts.service !== false) {
    const service = await loadService(ctx, actor, until);
    say(
      `demo service network: ${service.centres} repair centres, serials for ${service.serialised} delivered machines, ${service.tickets} customer RMAs`,
    );
  }
  // A bulk load leaves the planner guessing (embedded PGlite runs no autovacuum): without statistics
  // it takes 54,010 machines for a few hundred and sorts a site's machines instead of reading them
  // in order from the index that pages them.
  await sql`analyze`.execute(ctx.db);

  if (until >= GUIDANCE_DAY) {
    for (const g of GUIDANCE) {
      const { key, ...input } = g;
      await recordGuidance(ctx, actor, { givenWith: '2020Q4', ...input }, `demo:guidance:${key}`);
    }
    say(`demo guidance from the 2020Q4 call: ${GUIDANCE.length} statements`);
  }
}

/**
 * Whether a load of the whole history has finished: its last write, the call's last guidance
 * statement, is recorded. `serve --demo` skips the load then (a restart answers in seconds); a load
 * cut short by a crash is taken up again, each write it already made answered by its key.
 */
export async function demoLoaded(ctx: AppContext): Promise<boolean> {
  return keyRecorded(ctx.db, `demo:guidance:${GUIDANCE.at(-1)!.key}`);
}

/** The 2020Q4 results call, held once 2021Q1 had closed (the notes give 2021Q1's bookings). */
const GUIDANCE_DAY: Day = '2021-04-09';

async function loadSpotPrices(ctx: AppContext, actor: Actor): Promise<Map<Day, bigint>> {
  const days = await marketRange(ctx, addDays(DEMO_FIRST_DAY, -SPOT_HISTORY_DAYS), DEMO_LAST_DAY);
  const spot = modelSpotPrices(days, DEMO_FIRST_DAY, DEMO_LAST_DAY);
  await setSpotPrices(
    ctx,
    actor,
    spot.map((s) => ({ day: s.day, usdPerTh: s.usdPerTh })),
    SPOT_SOURCE,
    'demo:market:spot-model',
  );
  return new Map(spot.map((s) => [s.day, s.usdPerTh]));
}

/** The book, planned from the catalogue as the services hold it. */
export async function planDemoBook(ctx: AppContext, spot: ReadonlyMap<Day, bigint>): Promise<DemoBook> {
  const products = new Map<string, ProductFacts>(
    (await listProducts(ctx)).map((p) => [
      p.id,
      { id: p.id, kind: p.kind, family: p.family, stage: p.stage, ths: p.kind === 'machine' ? p.ths : null },
    ]),
  );
  return planBook(spot, products, DEMO_SEED);
}

/** Keeps what happened up to `until`: contracts signed by then and their events by then. */
export function bookUntil(book: DemoBook, until: Day): DemoBook {
  return {
    ...book,
    contracts: book.contracts
      .filter((c) => c.contract.signedOn <= until)
      .map((c) => ({ ...c, events: c.events.filter((e) => e.day <= until) })),
  };
}

async function loadSales(ctx: AppContext, actor: Actor, book: DemoBook, until: Day, opts: DemoOptions) {
  const text = bookNdjson(bookUntil(book, until));
  let bar: ReturnType<ProgressFactory> | undefined;
  const report = await importSales(ctx, actor, text, {
    format: 'ndjson',
    idempotencyKey: `demo:sales:book:${until}`,
    progress: {
      start: (phase, total) => {
        bar = opts.progress?.(total, `demo order book: ${phase}`);
      },
      tick: (by) => bar?.tick(by),
      stop: () => bar?.stop(),
    },
  });
  return report;
}
