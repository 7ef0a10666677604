import type { HashforgeModule } from '../app/module.js';

export const supplyModule: HashforgeModule = {
  name: 'supply',
  projections: async () => (await import('./projections.js')).supplyProjections,
  routes: async () => (await import('./routes.js')).registerSupplyRoutes,
  commands: {
    entries: [
      { name: 'supply', description: 'Foundries, wafer orders, yield, machine output and where it goes' },
    ],
    register: async () => (await import('./commands.js')).registerSupplyCommands,
  },
};
