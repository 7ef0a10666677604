import type { HashforgeModule } from '../app/module.js';

export const planningModule: HashforgeModule = {
  name: 'planning',
  projections: async () => (await import('./projections.js')).planningProjections,
  derivedTables: ['planning_scenarios'],
  routes: async () => (await import('./routes.js')).registerPlanningRoutes,
  commands: {
    entries: [{ name: 'plan', description: 'Scenarios of the next quarters under many Bitcoin prices' }],
    register: async () => (await import('./commands.js')).registerPlanningCommands,
  },
};
