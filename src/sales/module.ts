import type { HashforgeModule } from '../app/module.js';

export const salesModule: HashforgeModule = {
  name: 'sales',
  projections: async () => (await import('./projections.js')).salesProjections,
  routes: async () => (await import('./routes.js')).registerSalesRoutes,
  commands: {
    entries: [{ name: 'sales', description: 'The order book: customers, contracts, payments, deliveries' }],
    register: async () => (await import('./commands.js')).registerSalesCommands,
  },
};
