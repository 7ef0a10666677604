import { agentModule } from './agent/module.js';
import { alertsModule } from './alerts/module.js';
import type { HashforgeModule } from './app/module.js';
import { authModule } from './auth/module.js';
import { booksModule } from './books/module.js';
import { catalogModule } from './catalog/module.js';
import { demoModule } from './demo/module.js';
import { fleetModule } from './fleet/module.js';
import { ledgerModule } from './ledger/module.js';
import { marketModule } from './market/module.js';
import { metricsModule } from './metrics/module.js';
import { miningModule } from './mining/module.js';
import { planningModule } from './planning/module.js';
import { reportingModule } from './reporting/module.js';
import { salesModule } from './sales/module.js';
import { serviceModule } from './service/module.js';
import { supplyModule } from './supply/module.js';
import { treasuryModule } from './treasury/module.js';

/**
 * Every module of HashForge. Adding a module is one line here. Only the composition roots
 * (`app/root.ts`, `cli.ts`, `server.ts`, the test and bench harnesses) import this list.
 */
export const modules: readonly HashforgeModule[] = [
  authModule,
  ledgerModule,
  catalogModule,
  marketModule,
  fleetModule,
  alertsModule,
  supplyModule,
  salesModule,
  demoModule,
  miningModule,
  treasuryModule,
  reportingModule,
  booksModule,
  planningModule,
  metricsModule,
  serviceModule,
  agentModule,
];
