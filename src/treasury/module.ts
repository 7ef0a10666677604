import type { HashforgeModule } from '../app/module.js';
import { registerTreasuryCommands } from './commands.js';
import { treasuryProjections } from './projections.js';
import { registerTreasuryRoutes } from './routes.js';

export const treasuryModule: HashforgeModule = {
  name: 'treasury',
  projections: treasuryProjections,
  registerRoutes: registerTreasuryRoutes,
  registerCommands: registerTreasuryCommands,
};
