import type { HashforgeModule } from '../app/module.js';
import { registerSalesCommands } from './commands.js';
import { salesProjections } from './projections.js';
import { registerSalesRoutes } from './routes.js';

export const salesModule: HashforgeModule = {
  name: 'sales',
  projections: salesProjections,
  registerRoutes: registerSalesRoutes,
  registerCommands: registerSalesCommands,
};
