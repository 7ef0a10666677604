/** Shared set-up for tests that write to the order book: a small catalog, market data and a contract. */
import type { Actor, AppContext } from '../app/context.js';
import { addProduct } from '../catalog/service.js';
import { importMarketCsv, setSpotPrices } from '../market/service.js';
import type { TestApp } from '../testing/index.js';
import { bookContract } from './service.js';

/** Four products (two A12/A11 machines, two AI chips), one market day and two spot prices. */
export async function seedCatalog(a: AppContext & Pick<TestApp, 'actor'>): Promise<void> {
  const admin = a.actor('admin');
  const base = {
    name: 'm',
    generation: 12,
    algorithm: 'sha256',
    watts: 3420,
    chipsPerMachine: 330,
    hashboards: 3,
    launchDate: null,
  } as const;
  await addProduct(a, admin, {
    kind: 'machine',
    id: 'A1246',
    family: 'A12',
    ths: 90,
    stage: 'mass-production',
    ...base,
  });
  await addProduct(a, admin, {
    kind: 'machine',
    id: 'A1166P',
    family: 'A11',
    ths: 81,
    stage: 'mass-production',
    ...base,
  });
  const chip = { tier: 'low-cost', tops: 1, processNm: 28, predecessor: null, launchDate: null } as const;
  await addProduct(a, admin, {
    kind: 'ai-chip',
    id: 'K210',
    name: 'K210',
    family: 'K',
    stage: 'mass-production',
    ...chip,
  });
  await addProduct(a, admin, {
    kind: 'ai-chip',
    id: 'K510',
    name: 'K510',
    family: 'K',
    stage: 'pre-order',
    ...chip,
  });
  await importMarketCsv(
    a,
    admin,
    'date,btc_usd,difficulty,fees_per_block_btc\n2019-01-01,3800,5600000000000,0.1\n',
    {
      source: 'test',
    },
  );
  await setSpotPrices(
    a,
    admin,
    [
      { day: '2020-01-01', usdPerTh: 4500n },
      { day: '2021-01-01', usdPerTh: 6000n },
    ],
    'test',
  );
}

/** The payment terms of `futuresContract`: 30% deposit, balance before shipment. */
export const futuresTerms = {
  depositPercent: 30,
  balance: 'before-shipment',
  creditDays: 0,
  depositForfeitedOnCancel: true,
} as const;

/** A futures contract signed 2020-11-10 for `units` A1246 at $30/TH, in two tranches (2020-12, 2021-01). */
export async function futuresContract(a: AppContext, actor: Actor, customerId: number, units = 1000) {
  return bookContract(a, actor, {
    customerId,
    kind: 'futures',
    signedOn: '2020-11-10',
    terms: futuresTerms,
    lines: [
      {
        productId: 'A1246',
        units,
        usdPerTh: 3000n,
        usdPerUnit: undefined,
        tranches: [
          { month: '2020-12', units: units / 2 },
          { month: '2021-01', units: units / 2 },
        ],
      },
    ],
  });
}
