import type { HashforgeModule } from '../app/module.js';

export const catalogModule: HashforgeModule = {
  name: 'catalog',
  projections: async () => (await import('./projections.js')).catalogProjections,
  derivedTables: ['products', 'catalog_stage_changes'],
  routes: async () => (await import('./routes.js')).registerCatalogRoutes,
  commands: {
    entries: [{ name: 'catalog', description: 'Mining machines and AI chips' }],
    register: async () => (await import('./commands.js')).registerCatalogCommands,
  },
};
