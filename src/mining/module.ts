import type { HashforgeModule } from '../app/module.js';

export const miningModule: HashforgeModule = {
  name: 'mining',
  projections: async () => (await import('./projections.js')).miningProjections,
  routes: async () => (await import('./routes.js')).registerMiningRoutes,
  commands: {
    entries: [
      { name: 'mining', description: 'Self-mining: sites, deployments, earnings, costs, curtailment' },
    ],
    register: async () => (await import('./commands.js')).registerMiningCommands,
  },
};
