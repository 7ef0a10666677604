import type { HashforgeModule } from '../app/module.js';

export const miningModule: HashforgeModule = {
  name: 'mining',
  projections: async () => (await import('./projections.js')).miningProjections,
  derivedTables: [
    'mining_sites',
    'mining_site_prices',
    'mining_site_compliance',
    'mining_deployments',
    'mining_machines',
    'mining_curtailment_flags',
    'mining_targets',
    'mining_curtailments',
    'mining_fleet_days',
  ],
  routes: async () => (await import('./routes.js')).registerMiningRoutes,
  commands: {
    entries: [
      { name: 'mining', description: 'Self-mining: sites, deployments, earnings, costs, curtailment' },
    ],
    register: async () => (await import('./commands.js')).registerMiningCommands,
  },
};
