import type { HashforgeModule } from '../app/module.js';

export const salesModule: HashforgeModule = {
  name: 'sales',
  projections: async () => (await import('./projections.js')).salesProjections,
  derivedTables: [
    'sales_customers',
    'sales_contracts',
    'sales_lines',
    'sales_tranches',
    'sales_entries',
    // Sums by quarter of what each event changed: a row of zeros says nothing.
    { name: 'sales_rollup_lines', sums: true },
    { name: 'sales_rollup_money', sums: true },
    { name: 'sales_rollup_schedule', sums: true },
    'sales_deliveries',
    // Each contract at the end of each quarter it had events in (as-of.ts reads it for a report).
    'sales_contract_quarters',
  ],
  routes: async () => (await import('./routes.js')).registerSalesRoutes,
  // Writes the quarter ends of contracts with events recorded before migration 1260 (background.ts).
  background: async () => (await import('./background.js')).startQuarterEndsFill,
  commands: {
    entries: [{ name: 'sales', description: 'The order book: customers, contracts, payments, deliveries' }],
    register: async () => (await import('./commands.js')).registerSalesCommands,
  },
};
