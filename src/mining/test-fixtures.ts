/** Shared set-up for the self-mining and treasury integration tests: the real catalog and market data. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Actor, AppContext } from '../app/context.js';
import { DEMO_PRODUCTS } from '../catalog/demo.js';
import { addProduct } from '../catalog/service.js';
import { DATA_DIR } from '../demo/paths.js';
import { importMarketCsv } from '../market/service.js';
import { addSite } from './sites.js';
import { findSite } from './store.js';

/** The demo catalog and the shipped market history for [from, to] (the file's own rows, nothing made up). */
export async function seedCatalogAndMarket(
  ctx: AppContext,
  actor: Actor,
  from = '2021-01-01',
  to = '2022-12-31',
): Promise<void> {
  for (const p of DEMO_PRODUCTS) if (p.kind === 'machine') await addProduct(ctx, actor, p);
  const [header, ...lines] = readFileSync(join(DATA_DIR, 'market', 'btc_daily.csv'), 'utf8')
    .trim()
    .split('\n');
  const kept = lines.filter((l) => l.slice(0, 10) >= from && l.slice(0, 10) <= to);
  await importMarketCsv(ctx, actor, [header, ...kept].join('\n'), { source: 'btc_daily.csv (test slice)' });
}

/** A registered site for tests whose machines need one (a fleet machine names a registered site). */
export async function addTestSite(
  ctx: AppContext,
  actor: Actor,
  code: string,
  country = 'SG',
): Promise<void> {
  if (await findSite(ctx.db, code)) return;
  await addSite(ctx, actor, {
    code,
    name: `Test site ${code}`,
    country,
    capacityMw: 10,
    usdPerKwh: 0.05,
    status: 'approved',
    permitRef: 'TEST-PERMIT',
  });
}
