import type { HashforgeModule } from '../app/module.js';
import { registerMarketCommands } from './commands.js';
import { registerMarketRoutes } from './routes.js';
import { marketProjections } from './service.js';

export const marketModule: HashforgeModule = {
  name: 'market',
  projections: marketProjections,
  registerRoutes: registerMarketRoutes,
  registerCommands: registerMarketCommands,
};
