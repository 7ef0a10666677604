import type { HashforgeModule } from '../app/module.js';

export const alertsModule: HashforgeModule = {
  name: 'alerts',
  projections: async () => (await import('./projections.js')).alertsProjections,
  derivedTables: ['alert_rules', 'alerts', 'alert_webhooks'],
  notDerivedTables: {
    alert_tracking: {
      why: 'what the evaluator remembers of each rule and subject between sweeps',
      rebuild: 'copy',
    },
    alert_deliveries: { why: 'the webhook outbox: attempts and outcomes of sending', rebuild: 'copy' },
    alert_evaluations: { why: 'which sweeps have been evaluated', rebuild: 'copy' },
  },
  routes: async () => (await import('./routes.js')).registerAlertsRoutes,
  commands: {
    entries: [{ name: 'alerts', description: 'Fleet alerts: list, acknowledge, rules, webhooks' }],
    register: async () => (await import('./commands.js')).registerAlertsCommands,
  },
  // Evaluates each finished sweep and delivers webhooks while `serve` runs.
  background: async () => {
    const { startAlerting } = await import('./background.js');
    return (ctx, jobs) => startAlerting(ctx, ctx.config.alerts, jobs);
  },
};
