import type { HashforgeModule } from '../app/module.js';

export const reportingModule: HashforgeModule = {
  name: 'reporting',
  projections: async () => (await import('./projections.js')).reportingProjections,
  derivedTables: ['reporting_guidance'],
  notDerivedTables: {
    report_versions: {
      why: 'a counter the database bumps with each write of a past day’s measurements, so a remembered report knows it holds',
      rebuild: 'made',
    },
  },
  routes: async () => (await import('./routes.js')).registerReportingRoutes,
  commands: {
    entries: [
      { name: 'report', description: 'The quarterly report, computed from the books' },
      { name: 'guidance', description: 'Guidance given with quarterly results' },
    ],
    register: async () => (await import('./commands.js')).registerReportingCommands,
  },
};
