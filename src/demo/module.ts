import type { HashforgeModule } from '../app/module.js';

export const demoModule: HashforgeModule = {
  name: 'demo',
  // The demo rack's fault control: it answers only where `serve --demo` runs the simulated rack.
  routes: async () => (await import('./routes.js')).registerDemoRoutes,
  commands: {
    entries: [{ name: 'demo', description: 'The demo company (2019-01 to 2022-06)' }],
    register: async () => (await import('./commands.js')).registerDemoCommands,
  },
};
