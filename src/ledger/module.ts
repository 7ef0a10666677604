import type { HashforgeModule } from '../app/module.js';

export const ledgerModule: HashforgeModule = {
  name: 'ledger',
  // counters: every number a write took is on its event (`events.counters`); a replay restores them.
  derivedTables: ['counters'],
  notDerivedTables: {
    events: { why: 'the ledger itself, what everything else is rebuilt from', rebuild: 'made' },
    idempotency_keys: {
      why: 'the first answer to each keyed write, which no event holds',
      rebuild: 'copy',
    },
    schema_migrations: { why: 'written by the migration runner', rebuild: 'made' },
  },
  routes: async () => (await import('./routes.js')).registerLedgerRoutes,
  commands: {
    entries: [
      { name: 'audit', description: 'List the history of writes: who did what and when' },
      { name: 'ledger', description: 'Check the tables against the events, or rebuild a database from them' },
    ],
    register: async () => (await import('./commands.js')).registerLedgerCommands,
  },
};
