import type { HashforgeModule } from '../app/module.js';

/** Prometheus's view of HashForge: no tables of its own, one route. */
export const metricsModule: HashforgeModule = {
  name: 'metrics',
  routes: async () => (await import('./routes.js')).registerMetricsRoutes,
};
