import type { HashforgeModule } from '../app/module.js';

export const supplyModule: HashforgeModule = {
  name: 'supply',
  projections: async () => (await import('./projections.js')).supplyProjections,
  derivedTables: [
    'supply_foundries',
    'supply_designs',
    'supply_design_models',
    'supply_partnerships',
    'supply_agreements',
    'supply_wafer_orders',
    'supply_builds',
    'supply_assembly_capacity',
    'supply_self_mining_share',
  ],
  routes: async () => (await import('./routes.js')).registerSupplyRoutes,
  commands: {
    entries: [
      { name: 'supply', description: 'Foundries, wafer orders, yield, machine output and where it goes' },
    ],
    register: async () => (await import('./commands.js')).registerSupplyCommands,
  },
};
