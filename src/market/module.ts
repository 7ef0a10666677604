import type { HashforgeModule } from '../app/module.js';

export const marketModule: HashforgeModule = {
  name: 'market',
  projections: async () => (await import('./projections.js')).marketProjections,
  derivedTables: ['market_days', 'market_spot_prices'],
  routes: async () => (await import('./routes.js')).registerMarketRoutes,
  commands: {
    entries: [{ name: 'market', description: 'Bitcoin price, difficulty, fees and machine spot prices' }],
    register: async () => (await import('./commands.js')).registerMarketCommands,
  },
};
