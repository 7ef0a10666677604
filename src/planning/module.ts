import type { HashforgeModule } from '../app/module.js';

export const planningModule: HashforgeModule = {
  name: 'planning',
  projections: async () => (await import('./projections.js')).planningProjections,
  derivedTables: ['planning_scenarios'],
  notDerivedTables: {
    planning_scenario_results: {
      // Not copied: each run is kept with the snapshot it read (src/ledger/latest.ts), which names
      // the source database's transactions and means nothing in the rebuilt one.
      why: "each scenario's last run, stored so that reading it is a read; a run makes it again",
      rebuild: 'made',
    },
  },
  routes: async () => (await import('./routes.js')).registerPlanningRoutes,
  commands: {
    entries: [{ name: 'plan', description: 'Scenarios of the next quarters under many Bitcoin prices' }],
    register: async () => (await import('./commands.js')).registerPlanningCommands,
  },
};
