import type { NewProductInput } from './schemas.js';

/**
 * The demo company's catalog. Machine TH/s, W and release dates are the manufacturer's nameplate
 * figures from data/market/asic_models.csv (see data/market/SOURCES.md). Chips per machine and
 * hashboards are not published per model: the figures here are demo estimates (three boards, as on
 * every A10-A12 unit), not facts. AI-chip figures are the demo company's own and equally illustrative.
 */
const machine = (
  id: string,
  family: string,
  ths: number,
  watts: number,
  launchDate: string,
  stage: NewProductInput['stage'],
  chipsPerMachine: number,
): NewProductInput => ({
  kind: 'machine',
  id,
  name: `AvalonMiner ${id.slice(1)}`,
  family,
  generation: Number(family.slice(1)),
  algorithm: 'sha256',
  ths,
  watts,
  chipsPerMachine,
  hashboards: 3,
  launchDate,
  stage,
});

/**
 * The demo's products are all in the catalogue as its history begins (the demo's first day,
 * src/demo/script.ts), whenever the demo is loaded: its past reports list them.
 */
const DEMO_CATALOGUE_DAY = '2019-01-01';

const DEMO_PRODUCT_FACTS: NewProductInput[] = [
  machine('A1026', 'A10', 30, 2070, '2019-10-01', 'end-of-life', 234),
  machine('A1047', 'A10', 37, 2380, '2019-10-01', 'mass-production', 264),
  machine('A1066', 'A10', 50, 3250, '2019-10-01', 'mass-production', 330),
  machine('A1146', 'A11', 56, 3192, '2019-10-01', 'mass-production', 270),
  machine('A1166', 'A11', 68, 3196, '2019-10-01', 'mass-production', 306),
  machine('A1166P', 'A11', 81, 3400, '2020-06-01', 'mass-production', 342),
  machine('A1246', 'A12', 90, 3420, '2020-10-01', 'mass-production', 330),
  machine('A1266', 'A12', 100, 3500, '2021-06-01', 'testing', 360),
  {
    kind: 'machine',
    id: 'E1',
    name: 'Avalon Ethash miner (prototype)',
    family: 'E1',
    generation: 1,
    algorithm: 'ethash',
    // 500 MH/s expressed in the catalog's unit, TH/s
    ths: 0.0005,
    watts: 1000,
    chipsPerMachine: 48,
    hashboards: 3,
    launchDate: null,
    stage: 'development',
  },
  {
    kind: 'ai-chip',
    id: 'K210',
    name: 'Kendryte K210',
    family: 'K',
    tier: 'low-cost',
    tops: 1,
    processNm: 28,
    predecessor: null,
    launchDate: '2018-09-01',
    stage: 'mass-production',
  },
  {
    kind: 'ai-chip',
    id: 'K230',
    name: 'Kendryte K230',
    family: 'K',
    tier: 'vision',
    tops: 6,
    processNm: 22,
    predecessor: 'K210',
    launchDate: null,
    stage: 'development',
  },
  {
    kind: 'ai-chip',
    id: 'K510',
    name: 'Kendryte K510',
    family: 'K',
    tier: 'high-end',
    // In testing with the first customers, taking small pre-orders: the pre-order stage follows testing.
    tops: 3,
    processNm: 12,
    predecessor: null,
    launchDate: null,
    stage: 'pre-order',
  },
];

export const DEMO_PRODUCTS: NewProductInput[] = DEMO_PRODUCT_FACTS.map((p) => ({
  ...p,
  addedOn: DEMO_CATALOGUE_DAY,
}));
