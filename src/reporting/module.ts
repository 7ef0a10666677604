import type { HashforgeModule } from '../app/module.js';
import { registerReportingCommands } from './commands.js';
import { reportingProjections } from './guidance.js';
import { registerReportingRoutes } from './routes.js';

export const reportingModule: HashforgeModule = {
  name: 'reporting',
  projections: reportingProjections,
  registerRoutes: registerReportingRoutes,
  registerCommands: registerReportingCommands,
};
