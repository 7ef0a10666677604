import type { HashforgeModule } from '../app/module.js';
import { registerSupplyCommands } from './commands.js';
import { supplyProjections } from './projections.js';
import { registerSupplyRoutes } from './routes.js';

export const supplyModule: HashforgeModule = {
  name: 'supply',
  projections: supplyProjections,
  registerRoutes: registerSupplyRoutes,
  registerCommands: registerSupplyCommands,
};
