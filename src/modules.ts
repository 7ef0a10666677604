import type { HashforgeModule } from './app/module.js';
import { authModule } from './auth/module.js';
import { catalogModule } from './catalog/module.js';
import { demoModule } from './demo/module.js';
import { fleetModule } from './fleet/module.js';
import type { Projections } from './ledger/ledger.js';
import { ledgerModule } from './ledger/module.js';
import { marketModule } from './market/module.js';
import { miningModule } from './mining/module.js';
import { reportingModule } from './reporting/module.js';
import { salesModule } from './sales/module.js';
import { supplyModule } from './supply/module.js';
import { treasuryModule } from './treasury/module.js';

/** Every module of HashForge. Adding a module is one line here. */
export const modules: HashforgeModule[] = [
  authModule,
  ledgerModule,
  catalogModule,
  marketModule,
  fleetModule,
  supplyModule,
  salesModule,
  demoModule,
  miningModule,
  treasuryModule,
  reportingModule,
];

export function allProjections(): Projections {
  const all: Projections = {};
  for (const m of modules) {
    for (const [kind, projection] of Object.entries(m.projections ?? {})) {
      if (all[kind]) throw new Error(`Two modules project events of kind ${kind}`);
      all[kind] = projection;
    }
  }
  return all;
}
