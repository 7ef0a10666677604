import type { HashforgeModule } from '../app/module.js';
import { registerMiningCommands } from './commands.js';
import { miningProjections } from './projections.js';
import { registerMiningRoutes } from './routes.js';

export const miningModule: HashforgeModule = {
  name: 'mining',
  projections: miningProjections,
  registerRoutes: registerMiningRoutes,
  registerCommands: registerMiningCommands,
};
