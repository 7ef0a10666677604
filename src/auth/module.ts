import type { HashforgeModule } from '../app/module.js';

export const authModule: HashforgeModule = {
  name: 'auth',
  projections: async () => (await import('./tokens.js')).authProjections,
  derivedTables: ['api_tokens'],
  routes: async () => (await import('./routes.js')).registerAuthRoutes,
  commands: {
    entries: [{ name: 'token', description: 'API tokens and their roles' }],
    register: async () => (await import('./commands.js')).registerAuthCommands,
  },
};
