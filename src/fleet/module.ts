import type { HashforgeModule } from '../app/module.js';
import { startFleetPolling } from './background.js';
import { registerFleetCommands } from './commands.js';
import { fleetProjections } from './projections.js';
import { registerFleetRoutes } from './routes.js';

export const fleetModule: HashforgeModule = {
  name: 'fleet',
  projections: fleetProjections,
  registerRoutes: registerFleetRoutes,
  registerCommands: registerFleetCommands,
  // Off unless HASHFORGE_POLL_INTERVAL is set (see background.ts).
  startBackground: startFleetPolling,
};
