import type { HashforgeModule } from '../app/module.js';

export const ledgerModule: HashforgeModule = {
  name: 'ledger',
  routes: async () => (await import('./routes.js')).registerLedgerRoutes,
  commands: {
    entries: [{ name: 'audit', description: 'List the history of writes: who did what and when' }],
    register: async () => (await import('./commands.js')).registerLedgerCommands,
  },
};
