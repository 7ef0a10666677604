import { defineProjections, recorder } from '../ledger/events.js';
import type { BooksEvent } from './events.js';
import { savePeriod } from './store.js';

export const recordBooks = recorder<BooksEvent>();

export const booksProjections = defineProjections<BooksEvent>({
  'books.period-closed': async (tx, e) =>
    savePeriod(tx, e.payload.period, { closed: true, at: e.recordedAt, by: e.actor, note: e.payload.note }),
  'books.period-reopened': async (tx, e) =>
    savePeriod(tx, e.payload.period, {
      closed: false,
      at: e.recordedAt,
      by: e.actor,
      note: e.payload.reason,
    }),
});
