import type { HashforgeModule } from '../app/module.js';

export const booksModule: HashforgeModule = {
  name: 'books',
  projections: async () => (await import('./projections.js')).booksProjections,
  derivedTables: ['books_periods', 'books_closed_reports'],
  routes: async () => (await import('./routes.js')).registerBooksRoutes,
  commands: {
    entries: [{ name: 'books', description: 'Closing the books: months and quarters' }],
    register: async () => (await import('./commands.js')).registerBooksCommands,
  },
};
