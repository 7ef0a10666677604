import type { HashforgeModule } from '../app/module.js';
import { registerCatalogCommands } from './commands.js';
import { catalogProjections } from './projections.js';
import { registerCatalogRoutes } from './routes.js';

export const catalogModule: HashforgeModule = {
  name: 'catalog',
  projections: catalogProjections,
  registerRoutes: registerCatalogRoutes,
  registerCommands: registerCatalogCommands,
};
