import type { HashforgeModule } from '../app/module.js';

export const treasuryModule: HashforgeModule = {
  name: 'treasury',
  projections: async () => (await import('./projections.js')).treasuryProjections,
  // The two accounts every company starts with come from the migration, in the rebuilt database too.
  derivedTables: ['treasury_accounts', 'treasury_movements', 'treasury_machine_life'],
  routes: async () => (await import('./routes.js')).registerTreasuryRoutes,
  commands: {
    entries: [{ name: 'treasury', description: 'BTC and USD accounts, payouts, the hold policy, valuation' }],
    register: async () => (await import('./commands.js')).registerTreasuryCommands,
  },
};
