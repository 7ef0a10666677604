import type { HashforgeModule } from '../app/module.js';

export const serviceModule: HashforgeModule = {
  name: 'service',
  projections: async () => (await import('./projections.js')).serviceProjections,
  derivedTables: [
    'service_serial_lots',
    'service_delivered_serials',
    'service_machine_serials',
    'service_warranty_policies',
    'service_centres',
    { name: 'service_parts_stock', sums: true },
    'service_tickets',
    'service_ticket_steps',
    'service_ticket_evidence',
    'service_ticket_alerts',
    'service_ticket_sla',
  ],
  routes: async () => (await import('./routes.js')).registerServiceRoutes,
  // Works out the SLA figures of tickets finished before migration 1100 (background.ts).
  background: async () => (await import('./background.js')).startFiguresFill,
  commands: {
    entries: [
      { name: 'service', description: 'Service network: serials, warranty, centres, tickets, RMAs, SLA' },
    ],
    register: async () => (await import('./commands.js')).registerServiceCommands,
  },
};
