import type { HashforgeModule } from '../app/module.js';

export const authModule: HashforgeModule = {
  name: 'auth',
  projections: async () => (await import('./tokens.js')).authProjections,
  // last_used_at is usage telemetry kept beside the events, not made from them (tokens.ts noteUse):
  // a replay leaves it empty, so verify does not compare it.
  derivedTables: [{ name: 'api_tokens', ignore: ['last_used_at'] }],
  routes: async () => (await import('./routes.js')).registerAuthRoutes,
  commands: {
    entries: [{ name: 'token', description: 'API tokens and their roles' }],
    register: async () => (await import('./commands.js')).registerAuthCommands,
  },
};
