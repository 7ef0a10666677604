import type { HashforgeModule } from '../app/module.js';

export const fleetModule: HashforgeModule = {
  name: 'fleet',
  projections: async () => (await import('./projections.js')).fleetProjections,
  routes: async () => (await import('./routes.js')).registerFleetRoutes,
  commands: {
    entries: [{ name: 'fleet', description: 'Self-mining machines: discovery, polling, control' }],
    register: async () => (await import('./commands.js')).registerFleetCommands,
  },
  // Off unless HASHFORGE_POLL_INTERVAL is set (see background.ts).
  background: async () => (await import('./background.js')).startFleetPolling,
};
